// Type augmentations of the Fastify plugins we register (route `schema.summary`, `request.files()`...).
import type {} from '@fastify/multipart'
import type {} from '@fastify/swagger'
import type {} from '@fastify/websocket'

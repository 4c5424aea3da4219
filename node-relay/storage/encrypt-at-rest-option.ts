import { z } from 'zod'

/**
 * `encryptAtRest` of a remote backend's config entry: the relay encrypts every copy it places there with its own
 * at-rest key (`<dataDir>/at-rest-key.txt`), so the service holds only ciphertext. The relay can read these copies;
 * this protects content from the backend, not from the relay operator (docs/PRIVACY.md).
 */
export const encryptAtRestSchema = z.boolean().default(false)
  .describe('encrypt copies with the relay-held at-rest key before they leave (the service sees only ciphertext; back up <dataDir>/at-rest-key.txt)')

import { z } from 'zod'

/** The `backend` input field of the Filecoin operations. */
export const filecoinBackendField = z.string().min(1).max(64).optional().describe('the filecoin storage backend to use (default: the first configured)')

/** The input fields every per-root Filecoin operation takes: which backend, and optionally one root. */
export const rootsInput = z.object({
  backend: filecoinBackendField,
  cid: z.string().min(1).max(512).optional().describe('only this root')
})

/** One copy of a root, as the filecoin backend records it. */
export const copyShape = z.object({
  providerId: z.string().describe('provider id in the Filecoin Onchain Cloud registry'),
  dataSetId: z.string().describe('the PDP data set holding the piece'),
  pieceId: z.string().describe('the piece id inside the data set'),
  retrievalUrl: z.string().describe('where the provider serves the piece'),
  state: z.enum(['uploading', 'stored', 'added', 'proving', 'proven', 'faulted', 'terminated', 'removed', 'expired', 'corrupt']).describe('where the copy is in its life (docs/FILECOIN.md)'),
  updatedAt: z.string().describe('when the state last changed (ISO 8601)'),
  reason: z.string().optional().describe('why it left the healthy states'),
  addedEpoch: z.number().optional().describe('chain epoch when the piece was added'),
  lastProvenEpoch: z.number().optional().describe('the data set\'s last proven epoch at the last check'),
  nextChallengeEpoch: z.number().optional().describe('the data set\'s next challenge epoch at the last check'),
  termEndEpoch: z.number().optional().describe('the epoch the copy\'s term ends (its data set\'s PDP end epoch, once its service was terminated)'),
  provenAt: z.string().optional().describe('when the copy was first seen proven'),
  checkedAt: z.string().optional().describe('when the PDP verifier was last read for it')
})

import type { CryptoBackend } from './backend.ts'
import { nodeBackend } from './node.ts'

/** The backend of the server build (Node, Deno, Bun): node:crypto, synchronous. */
export function defaultBackend(): CryptoBackend {
  return nodeBackend
}

import type { SigningKey } from '@signet/core'

/** The key shared by the tests' signer and the verifier processes. */
export const VERIFIER_KEY: SigningKey = { id: 'multi-server-key', secret: 'multi-server shared secret, 32 B!' }

/** The origin clients sign for; the verifiers rebuild request URLs on it (they sit behind one name). */
export const PUBLIC_ORIGIN = 'https://api.example.test'

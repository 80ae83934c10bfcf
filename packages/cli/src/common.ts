import type { SigningKey } from '@signet/core'
import { str, UsageError, type OptionDefs, type Parsed } from './args.ts'
import { DEFAULT_KEY_ID, SENDS_KEY_ID, type SchemeBuild, type SchemeName } from './schemes.ts'
import type { SecretSource } from './secret.ts'

/** Options every command has. */
export const COMMON_OPTIONS: OptionDefs = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
}

/** Where the secret comes from: never the command line. */
export const SECRET_OPTIONS: OptionDefs = {
  'secret-env': { type: 'string' },
  'secret-file': { type: 'string' },
  'secret-encoding': { type: 'string' },
}

/** Clock options of the signing commands. */
export const CLOCK_OPTIONS: OptionDefs = {
  now: { type: 'string' },
  'clock-offset': { type: 'string' },
}

export function secretSource(p: Parsed): SecretSource {
  return { env: str(p, 'secret-env'), file: str(p, 'secret-file'), encoding: str(p, 'secret-encoding') }
}

/** The signing key: --key-id (required by schemes that send it) and the loaded secret. */
export function signingKey(name: SchemeName, build: SchemeBuild, secret: string | Uint8Array): SigningKey {
  let id = build.keyId
  if (id === undefined) {
    if (SENDS_KEY_ID.has(name) && name !== 'aspnetWebApiHmac') {
      throw new UsageError(`${name} sends the key id with the signature: pass --key-id`, name === 'sigv4' ? 'for sigv4 the key id is the access key id, e.g. --key-id AKIDEXAMPLE' : 'the id the server knows your key by, e.g. --key-id my-client')
    }
    id = DEFAULT_KEY_ID
  }
  return { id, secret, ...(build.algorithm ? { algorithm: build.algorithm } : {}) }
}

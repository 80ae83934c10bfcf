import { SignetError } from '../errors.ts'
import type { CryptoBackend } from './backend.ts'
import { deferredDigest } from './deferred-digest.ts'

/**
 * The noble backend, loaded on first use. The browser build reaches @noble/hashes (hmac + sha2)
 * only on pages without `crypto.subtle`; there the first call of each method waits for the
 * module (a promise), and every call after it is synchronous, straight into `nobleBackend`.
 */

let loaded: CryptoBackend | undefined
let loading: Promise<CryptoBackend> | undefined

function load(): Promise<CryptoBackend> {
  loading ??= import('./noble.ts').then(
    (m) => (loaded = m.nobleBackend),
    (err: unknown) => {
      loading = undefined
      throw new SignetError('crypto_unavailable', 'could not load the pure-JavaScript crypto backend (@noble/hashes)', {}, { cause: err })
    },
  )
  return loading
}

export const lazyNobleBackend: CryptoBackend = {
  name: 'noble',
  hmac: (key, hash, data) => (loaded ? loaded.hmac(key, hash, data) : load().then((b) => b.hmac(key, hash, data))),
  hmacVerify: (key, hash, data, mac) =>
    loaded ? loaded.hmacVerify(key, hash, data, mac) : load().then((b) => b.hmacVerify(key, hash, data, mac)),
  digest: (hash, data) => (loaded ? loaded.digest(hash, data) : load().then((b) => b.digest(hash, data))),
  createDigest: (hash) => (loaded ? loaded.createDigest(hash) : deferredDigest(load().then((b) => b.createDigest(hash)))),
}

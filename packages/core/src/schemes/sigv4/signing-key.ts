import { utf8 } from '../../canonicalize/encoding.ts'
import type { CryptoBackend, KeyMaterial } from '../../crypto/backend.ts'
import { keyMaterial } from '../../keys.ts'
import { SCOPE_TERMINATOR } from './constants.ts'

/**
 * The SigV4 signing key, HMAC-SHA256 chained over `"AWS4" + secret → date → region → service →
 * "aws4_request"`, cached per (secret, date, region, service): a key changes once a day, so a
 * busy signer derives it once a day instead of four HMACs per request.
 *
 * The cache is bounded ({@link MAX_SIGNING_KEYS} entries, least recently used evicted). Secrets
 * are not used as map keys: each secret byte array gets an opaque number, held in a WeakMap.
 * A cached key is a {@link KeyMaterial}, so backends also import it only once.
 */
export const MAX_SIGNING_KEYS = 64

interface Entry {
  readonly secret: Uint8Array
  readonly shortDate: string
  readonly region: string
  readonly service: string
  readonly pending: Promise<KeyMaterial>
  /** The key once derived, so that a cache hit needs no await. */
  resolved: KeyMaterial | undefined
}

const cache = new Map<string, Entry>()
const secretIds = new WeakMap<Uint8Array, number>()
let nextSecretId = 0
// The entry returned last. It is the most recently used one in `cache` (an entry leaves the cache
// only as the least recently used, or when its derivation fails, which clears this), so answering it
// again without building the key string and reordering the Map keeps the LRU order exact.
let last: Entry | undefined

function material(bytes: Uint8Array): KeyMaterial {
  return keyMaterial({ bytes })
}

async function derive(crypto: CryptoBackend, secret: Uint8Array, shortDate: string, region: string, service: string): Promise<KeyMaterial> {
  const first = new Uint8Array(4 + secret.byteLength)
  first.set(utf8.encode('AWS4'))
  first.set(secret, 4)
  let key = material(first)
  for (const part of [shortDate, region, service, SCOPE_TERMINATOR]) {
    key = material(await crypto.hmac(key, 'sha256', utf8.encode(part)))
  }
  first.fill(0)
  return key
}

function lookup(crypto: CryptoBackend, secret: Uint8Array, shortDate: string, region: string, service: string): Entry {
  const recent = last
  if (recent !== undefined && recent.secret === secret && recent.shortDate === shortDate && recent.region === region && recent.service === service) {
    return recent
  }
  let id = secretIds.get(secret)
  if (id === undefined) {
    id = nextSecretId++
    secretIds.set(secret, id)
  }
  const cacheKey = `${id}/${shortDate}/${region}/${service}`
  const hit = cache.get(cacheKey)
  if (hit) {
    cache.delete(cacheKey)
    cache.set(cacheKey, hit)
    last = hit
    return hit
  }
  const pending = derive(crypto, secret, shortDate, region, service)
  const entry: Entry = { secret, shortDate, region, service, pending, resolved: undefined }
  cache.set(cacheKey, entry)
  if (cache.size > MAX_SIGNING_KEYS) cache.delete(cache.keys().next().value!)
  last = entry
  pending.then(
    (key) => {
      entry.resolved = key
    },
    // A failed derivation (crypto unavailable…) must not stay cached.
    () => {
      if (cache.get(cacheKey) === entry) cache.delete(cacheKey)
      if (last === entry) last = undefined
    },
  )
  return entry
}

/**
 * The signing key of `secret` for one day, region and service (see the cache notes above): the key
 * itself once derived, so that a cache hit costs no await, else the pending derivation.
 */
export function getSigningKey(crypto: CryptoBackend, secret: Uint8Array, shortDate: string, region: string, service: string): KeyMaterial | Promise<KeyMaterial> {
  const entry = lookup(crypto, secret, shortDate, region, service)
  return entry.resolved ?? entry.pending
}

/** Number of cached signing keys (for tests). */
export function signingKeyCacheSize(): number {
  return cache.size
}

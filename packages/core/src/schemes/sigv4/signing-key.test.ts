import { describe, expect, it } from 'vitest'
import { toHex, utf8 } from '../../canonicalize/encoding.ts'
import { nobleBackend } from '../../crypto/noble.ts'
import { getSigningKey, MAX_SIGNING_KEYS, signingKeyCacheSize } from './signing-key.ts'

describe('SigV4 signing key', () => {
  const secret = utf8.encode('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')

  it('is the HMAC chain AWS4+secret → date → region → service → aws4_request', async () => {
    let key: Uint8Array = new Uint8Array([...utf8.encode('AWS4'), ...secret])
    for (const part of ['20150830', 'us-east-1', 'iam', 'aws4_request']) key = await nobleBackend.hmac({ bytes: key, imported: new Map() }, 'sha256', utf8.encode(part))
    const derived = await getSigningKey(nobleBackend, secret, '20150830', 'us-east-1', 'iam')
    expect(toHex(derived.bytes!)).toBe(toHex(key))
  })

  it('is derived once per (secret, date, region, service)', async () => {
    const a = await getSigningKey(nobleBackend, secret, '20150830', 'us-east-1', 'iam')
    expect(await getSigningKey(nobleBackend, secret, '20150830', 'us-east-1', 'iam')).toBe(a)
    expect(await getSigningKey(nobleBackend, secret, '20150831', 'us-east-1', 'iam')).not.toBe(a)
    expect(await getSigningKey(nobleBackend, secret, '20150830', 'us-west-2', 'iam')).not.toBe(a)
    expect(await getSigningKey(nobleBackend, secret, '20150830', 'us-east-1', 's3')).not.toBe(a)
    expect(await getSigningKey(nobleBackend, utf8.encode('other'), '20150830', 'us-east-1', 'iam')).not.toBe(a)
  })

  it('answers a derived key without a promise, and keeps the least recently used order when the same key is asked again', async () => {
    const first = await getSigningKey(nobleBackend, secret, '20150901', 'lru-a', 'iam')
    expect(getSigningKey(nobleBackend, secret, '20150901', 'lru-a', 'iam')).toBe(first)
    for (let i = 0; i < MAX_SIGNING_KEYS - 1; i++) {
      await getSigningKey(nobleBackend, secret, '20150901', `lru-${i}`, 'iam')
      // Asked again after each newer key: stays the most recently used, so never evicted.
      expect(getSigningKey(nobleBackend, secret, '20150901', 'lru-a', 'iam')).toBe(first)
      expect(getSigningKey(nobleBackend, secret, '20150901', 'lru-a', 'iam')).toBe(first)
    }
    await getSigningKey(nobleBackend, secret, '20150901', 'lru-new', 'iam')
    expect(getSigningKey(nobleBackend, secret, '20150901', 'lru-a', 'iam')).toBe(first)
  })

  it('keeps at most MAX_SIGNING_KEYS keys', async () => {
    for (let i = 0; i < MAX_SIGNING_KEYS + 20; i++) await getSigningKey(nobleBackend, secret, '20150830', `region-${i}`, 'iam')
    expect(signingKeyCacheSize()).toBe(MAX_SIGNING_KEYS)
  })

  it('does not keep a failed derivation', async () => {
    const failing = { ...nobleBackend, hmac: () => Promise.reject(new Error('no crypto')) }
    await expect(getSigningKey(failing, secret, '20990101', 'r', 's')).rejects.toThrow('no crypto')
    const key = await getSigningKey(nobleBackend, secret, '20990101', 'r', 's')
    expect(key.bytes).toHaveLength(32)
  })
})

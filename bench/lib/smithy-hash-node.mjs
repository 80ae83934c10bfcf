// A line-for-line port of @smithy/hash-node's `Hash` (the Node hash the AWS SDK v3 gives
// SignatureV4: `sha256: Hash.bind(null, 'sha256')`), which is not among bench's devDependencies.
// Same conversions (Buffer.from of strings and views), same createHash/createHmac per instance.
import { Buffer } from 'node:buffer'
import { createHash, createHmac } from 'node:crypto'

function castSourceData(toCast, encoding) {
  if (Buffer.isBuffer(toCast)) return toCast
  if (typeof toCast === 'string') return Buffer.from(toCast, encoding)
  if (ArrayBuffer.isView(toCast)) return Buffer.from(toCast.buffer, toCast.byteOffset, toCast.byteLength)
  return Buffer.from(toCast)
}

function toUint8Array(data) {
  if (typeof data === 'string') return new TextEncoder().encode(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength / Uint8Array.BYTES_PER_ELEMENT)
  return new Uint8Array(data)
}

export class Hash {
  constructor(algorithmIdentifier, secret) {
    this.algorithmIdentifier = algorithmIdentifier
    this.secret = secret
    this.reset()
  }
  update(toHash, encoding) {
    this.hash.update(toUint8Array(castSourceData(toHash, encoding)))
  }
  digest() {
    return Promise.resolve(this.hash.digest())
  }
  reset() {
    this.hash = this.secret ? createHmac(this.algorithmIdentifier, castSourceData(this.secret)) : createHash(this.algorithmIdentifier)
  }
}

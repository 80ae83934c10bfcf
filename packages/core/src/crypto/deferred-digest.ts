import { SignetError } from '../errors.ts'
import type { IncrementalDigest } from './backend.ts'
import { readOnceDigest } from './hash.ts'

/**
 * An {@link IncrementalDigest} whose hasher is still loading (a lazily imported module).
 *
 * `update()` must stay synchronous, so chunks that arrive before the hasher is ready are copied
 * into a queue (copied: a caller may reuse its buffer) and fed to the hasher as soon as it
 * resolves; from then on chunks go straight through and the queue is gone. The queue only exists
 * during the first load of the module, which settles within a few ticks while a body is read
 * chunk by chunk with an `await` between chunks; every later digest gets a ready hasher.
 */
export function deferredDigest(pending: Promise<IncrementalDigest>): IncrementalDigest {
  let inner: IncrementalDigest | undefined
  let queue: Uint8Array[] | undefined = []
  let failure: unknown
  const settled = pending.then(
    (d) => {
      for (const chunk of queue!) d.update(chunk)
      queue = undefined
      inner = d
    },
    (err: unknown) => {
      queue = undefined
      failure = err
    },
  )
  return readOnceDigest(
    (chunk) => {
      if (inner) inner.update(chunk)
      else if (queue) queue.push(chunk.slice())
      // else: loading failed; digest() reports it.
    },
    async () => {
      await settled
      if (!inner) {
        if (failure instanceof SignetError) throw failure
        throw new SignetError('crypto_unavailable', 'the incremental hash module could not be loaded', {}, { cause: failure })
      }
      return inner.digest()
    },
  )
}

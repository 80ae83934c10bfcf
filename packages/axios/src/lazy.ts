/**
 * A module imported on first use, once per page or process (its own chunk in the ESM build, so
 * that code that never needs it never downloads it). A failed import (a chunk that did not
 * download) is forgotten, so that the next call tries again.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined
      throw err
    }))
}

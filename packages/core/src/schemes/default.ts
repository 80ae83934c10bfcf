import { rfc9421 } from './rfc9421/index.ts'
import type { Scheme } from './types.ts'

let scheme: Scheme | undefined

/** The scheme used when none is given: `rfc9421()` with its defaults, built once. */
export function defaultScheme(): Scheme {
  scheme ??= rfc9421()
  return scheme
}

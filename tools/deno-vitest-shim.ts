/**
 * The subset of the vitest API that Signet's shared test files use, on top of `Deno.test` and
 * `node:assert/strict`, so that Deno runs the very same files as vitest (Node, Chromium) and Bun.
 * JSR's @std/expect is not reachable from this workplace, hence this small shim.
 *
 * Rule for shared tests: use only what is defined here.
 */
import assert from 'node:assert/strict'

// Only Deno loads this file; the declaration lets the workspace's tsc check it too.
declare const Deno: {
  test(def: { name: string; ignore?: boolean; sanitizeOps?: boolean; sanitizeResources?: boolean; fn: () => Promise<void> }): void
  inspect(value: unknown, options?: { depth?: number }): string
}

type Fn = () => unknown | Promise<unknown>
interface Suite {
  name: string
  parent?: Suite
  beforeAll: Fn[]
  afterAll: Fn[]
  beforeEach: Fn[]
  afterEach: Fn[]
  total: number
  done: number
  started: boolean
}

const root: Suite = { name: '', beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], total: 0, done: 0, started: true }
let current: Suite = root

function chain(suite: Suite): Suite[] {
  const out: Suite[] = []
  for (let s: Suite | undefined = suite; s && s !== root; s = s.parent) out.unshift(s)
  return out
}

function register(name: string, fn: Fn | undefined, ignore = false): void {
  const suite = current
  const suites = chain(suite)
  for (const s of suites) s.total++
  const fullName = [...suites.map((s) => s.name), name].join(' > ')
  Deno.test({
    name: fullName,
    ignore: ignore || !fn,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      try {
        for (const s of suites) {
          if (!s.started) {
            s.started = true
            for (const h of s.beforeAll) await h()
          }
        }
        for (const s of suites) for (const h of s.beforeEach) await h()
        try {
          await fn!()
        } finally {
          for (const s of [...suites].reverse()) for (const h of s.afterEach) await h()
        }
      } finally {
        for (const s of [...suites].reverse()) {
          s.done++
          if (s.done === s.total) for (const h of s.afterAll) await h()
        }
      }
    },
  })
}

export function describe(name: string, fn: () => void): void {
  const suite: Suite = { name, parent: current, beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], total: 0, done: 0, started: false }
  const prev = current
  current = suite
  try {
    fn()
  } finally {
    current = prev
  }
}
describe.skip = (name: string, _fn: () => void): void => register(name, undefined, true)

export function it(name: string, fn: Fn, _timeout?: number): void {
  register(name, fn)
}
it.skip = (name: string, _fn?: Fn): void => register(name, undefined, true)
it.skipIf = (cond: unknown) => (name: string, fn: Fn, _timeout?: number): void => register(name, fn, Boolean(cond))
it.runIf = (cond: unknown) => (name: string, fn: Fn, _timeout?: number): void => register(name, fn, !cond)
export const test = it

export function beforeAll(fn: Fn): void {
  current.beforeAll.push(fn)
}
export function afterAll(fn: Fn): void {
  current.afterAll.push(fn)
}
export function beforeEach(fn: Fn): void {
  current.beforeEach.push(fn)
}
export function afterEach(fn: Fn): void {
  current.afterEach.push(fn)
}

type ErrorMatcher = string | RegExp | (new (...args: never[]) => unknown) | Record<string, unknown> | undefined

function matchesError(err: unknown, expected: ErrorMatcher): boolean {
  if (expected === undefined) return true
  if (typeof expected === 'string') return err instanceof Error && err.message.includes(expected)
  if (expected instanceof RegExp) return err instanceof Error && expected.test(err.message)
  if (typeof expected === 'function') return err instanceof expected
  return isSubset(err, expected)
}

function isSubset(actual: unknown, expected: unknown): boolean {
  if (expected instanceof RegExp && typeof actual === 'string') return expected.test(actual)
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected)
  if (actual === null || typeof actual !== 'object') return false
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => isSubset(actual[i], v))
  }
  return Object.entries(expected).every(([k, v]) => isSubset((actual as Record<string, unknown>)[k], v))
}

function deepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b)
    return true
  } catch {
    return false
  }
}

function show(v: unknown): string {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : Deno.inspect(v, { depth: 4 })
  } catch {
    return String(v)
  }
}

function makeMatchers(actual: unknown, negate: boolean) {
  const check = (pass: boolean, message: string): void => {
    if (pass === negate) throw new assert.AssertionError({ message: (negate ? 'not: ' : '') + message })
  }
  return {
    toBe: (e: unknown) => check(Object.is(actual, e), `expected ${show(actual)} to be ${show(e)}`),
    toEqual: (e: unknown) => check(deepEqual(actual, e), `expected ${show(actual)} to equal ${show(e)}`),
    toStrictEqual: (e: unknown) => check(deepEqual(actual, e), `expected ${show(actual)} to strictly equal ${show(e)}`),
    toMatchObject: (e: unknown) => check(isSubset(actual, e), `expected ${show(actual)} to match ${show(e)}`),
    toMatch: (e: string | RegExp) =>
      check(typeof actual === 'string' && (typeof e === 'string' ? actual.includes(e) : e.test(actual)), `expected ${show(actual)} to match ${show(e)}`),
    toContain: (e: unknown) =>
      check(
        typeof actual === 'string' ? actual.includes(e as string) : Array.isArray(actual) && actual.some((x) => Object.is(x, e)),
        `expected ${show(actual)} to contain ${show(e)}`,
      ),
    toHaveLength: (n: number) => check((actual as { length?: number })?.length === n, `expected length ${n}, got ${(actual as { length?: number })?.length}`),
    toHaveProperty: (...args: [k: string, v?: unknown]) =>
      check(
        actual != null && args[0] in (actual as object) && (args.length < 2 || deepEqual((actual as Record<string, unknown>)[args[0]], args[1])),
        `expected ${show(actual)} to have property ${args[0]}`,
      ),
    toBeTruthy: () => check(Boolean(actual), `expected ${show(actual)} to be truthy`),
    toBeFalsy: () => check(!actual, `expected ${show(actual)} to be falsy`),
    toBeNull: () => check(actual === null, `expected ${show(actual)} to be null`),
    toBeUndefined: () => check(actual === undefined, `expected ${show(actual)} to be undefined`),
    toBeDefined: () => check(actual !== undefined, `expected value to be defined`),
    toBeInstanceOf: (c: new (...args: never[]) => unknown) => check(actual instanceof c, `expected ${show(actual)} to be instance of ${c.name}`),
    toBeGreaterThan: (n: number) => check((actual as number) > n, `expected ${show(actual)} > ${n}`),
    toBeGreaterThanOrEqual: (n: number) => check((actual as number) >= n, `expected ${show(actual)} >= ${n}`),
    toBeLessThan: (n: number) => check((actual as number) < n, `expected ${show(actual)} < ${n}`),
    toBeLessThanOrEqual: (n: number) => check((actual as number) <= n, `expected ${show(actual)} <= ${n}`),
    toThrow: (e?: ErrorMatcher) => {
      let threw = false
      let err: unknown
      try {
        ;(actual as () => unknown)()
      } catch (x) {
        threw = true
        err = x
      }
      check(threw && matchesError(err, e), `expected function to throw ${show(e)}, got ${threw ? show(err) : 'no throw'}`)
    },
  }
}

type Matchers = ReturnType<typeof makeMatchers>
type AsyncMatchers = { [K in keyof Matchers]: (...args: Parameters<Matchers[K]>) => Promise<void> }

export function expect(actual: unknown) {
  return {
    ...makeMatchers(actual, false),
    not: makeMatchers(actual, true),
    get rejects(): AsyncMatchers {
      const run = async (): Promise<unknown> => {
        try {
          await (typeof actual === 'function' ? (actual as () => unknown)() : actual)
        } catch (err) {
          return err
        }
        throw new assert.AssertionError({ message: 'expected promise to reject, it resolved' })
      }
      return new Proxy({} as AsyncMatchers, {
        get: (_t, key: string) => async (...args: unknown[]) => {
          const err = await run()
          if (key === 'toThrow') {
            if (!matchesError(err, args[0] as ErrorMatcher)) throw new assert.AssertionError({ message: `rejected with ${show(err)}, expected ${show(args[0])}` })
            return
          }
          ;(makeMatchers(err, false) as Record<string, (...a: unknown[]) => void>)[key]!(...args)
        },
      })
    },
    get resolves(): AsyncMatchers {
      return new Proxy({} as AsyncMatchers, {
        get: (_t, key: string) => async (...args: unknown[]) => {
          const value = await actual
          ;(makeMatchers(value, false) as Record<string, (...a: unknown[]) => void>)[key]!(...args)
        },
      })
    },
  }
}

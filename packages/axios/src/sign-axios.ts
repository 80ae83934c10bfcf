import axios, { type AxiosInstance, type InternalAxiosRequestConfig } from 'axios'
import { invalid, resolveOptions, type SignAxiosOptions } from './options.ts'
import type { GetAdapter } from './resolve-adapter.ts'
import { loadVerifier, signingAdapter, type SigningContext } from './signing-adapter.ts'

/** Signet's adapters, to the adapter each one wraps (read at call time). */
const wrapped = new WeakMap<object, () => unknown>()
/** Instances Signet is attached to: attaching twice would sign twice. */
const attached = new WeakSet<object>()

/** The adapter a config really names, looking through Signet adapters left by a previous attempt. */
function unwrap(adapter: unknown): unknown {
  let current = adapter
  for (let depth = 0; typeof current === 'function' && wrapped.has(current) && depth < 16; depth++) current = wrapped.get(current)!()
  return current
}

/**
 * Puts a signing adapter in `config.adapter`, wrapping whatever adapter the config names. It is an
 * accessor: an interceptor that runs after this one and sets its own adapter gets it wrapped too,
 * so no request leaves unsigned, whatever the order of interceptors.
 */
function installAdapter(config: InternalAxiosRequestConfig, ctx: SigningContext): void {
  let inner = unwrap(config.adapter)
  const adapter = signingAdapter(ctx, () => inner)
  wrapped.set(adapter, () => inner)
  Object.defineProperty(config, 'adapter', {
    configurable: true,
    enumerable: true,
    get: () => adapter,
    set: (value: unknown) => {
      inner = unwrap(value)
    },
  })
}

/**
 * Signs every request an axios instance sends, and optionally verifies every response.
 *
 * Works on `axios` itself and on `axios.create()` instances (axios ≥ 1.7). Signing happens in the
 * adapter, after defaults, baseURL, params, every interceptor and transformRequest have been
 * applied: what is signed is what goes on the wire. FormData and stream bodies are serialized
 * once, and those bytes are both signed and sent. Every attempt, retries included, is signed afresh.
 *
 * @param instance the axios instance (or `axios` itself); its adapters are resolved with its own
 *   `getAdapter` when it has one (`axios` itself), else with the `axios` peer dependency's
 * @param options the key, scheme, response verification, clock and debug hook
 * @returns a function that detaches Signet from the instance (requests already under way finish as they started)
 * @throws SignetError `invalid_input` / `invalid_key` for bad options, or if Signet is already attached to `instance`
 *
 * @example
 * const detach = signAxios(api, { key: { id: 'k1', secret }, verifyResponse: true })
 */
export function signAxios(instance: AxiosInstance, options: SignAxiosOptions): () => void {
  const candidate = instance as unknown as { interceptors?: { request?: { use?: unknown; eject?: unknown } }; getUri?: unknown; getAdapter?: unknown } | null
  if ((typeof candidate !== 'function' && typeof candidate !== 'object') || candidate === null) invalid('instance must be axios or an axios.create() instance', 'instance')
  if (typeof candidate.interceptors?.request?.use !== 'function' || typeof candidate.getUri !== 'function') {
    invalid('instance must be axios or an axios.create() instance (no interceptors or getUri found)', 'instance')
  }
  const resolved = resolveOptions(options)
  if (attached.has(instance)) invalid('Signet is already attached to this instance; call the function the first signAxios() returned before attaching again', 'instance')
  // Loaded now, while the first request is under way, so that its response does not wait for it.
  if (resolved.verify) loadVerifier().catch(() => undefined)

  const getAdapter = (typeof candidate.getAdapter === 'function' ? candidate.getAdapter : axios.getAdapter) as GetAdapter
  const ctx: SigningContext = {
    options: resolved,
    getAdapter,
    getUri: (config) => instance.getUri(config),
    state: { attached: true },
  }
  const id = instance.interceptors.request.use(
    (config) => {
      installAdapter(config, ctx)
      return config
    },
    undefined,
    { synchronous: true },
  )
  attached.add(instance)
  return function detach(): void {
    if (!ctx.state.attached) return
    ctx.state.attached = false
    instance.interceptors.request.eject(id)
    attached.delete(instance)
  }
}

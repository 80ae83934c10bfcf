import type { AxiosAdapter, InternalAxiosRequestConfig } from 'axios'

/**
 * Which of axios's own adapters does the sending: each one turns bodies, headers and raw response
 * bytes into requests and `response.data` its own way, and Signet must match that exactly.
 * `custom` is any other adapter function (mocks, third-party adapters).
 */
export type AdapterKind = 'http' | 'xhr' | 'fetch' | 'custom'

/** `axios.getAdapter`: resolves adapter names (`'xhr'`, `['xhr','http','fetch']`…) to a function. */
export type GetAdapter = (adapters: unknown, config?: unknown) => AxiosAdapter

/** The adapter that will send a request, and which kind it is. */
export interface ResolvedAdapter {
  readonly adapter: AxiosAdapter
  readonly kind: AdapterKind
}

/** axios's own adapters carry their name in `adapterName` (1.7+). */
function kindOf(name: unknown): AdapterKind {
  const lower = typeof name === 'string' ? name.toLowerCase() : ''
  return lower === 'http' || lower === 'xhr' || lower === 'fetch' ? lower : 'custom'
}

/**
 * The kind of an adapter given as a function: its `adapterName`, or, for the fetch adapter of
 * axios ≥ 1.12 (`axios.getAdapter('fetch')` returns a function without a name), by identity.
 */
function kindOfFunction(getAdapter: GetAdapter, fn: unknown, config: InternalAxiosRequestConfig): AdapterKind {
  const named = kindOf((fn as { adapterName?: unknown }).adapterName)
  if (named !== 'custom') return named
  try {
    return getAdapter('fetch', config) === fn ? 'fetch' : 'custom'
  } catch {
    return 'custom'
  }
}

function isNotSupported(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_NOT_SUPPORT'
}

/**
 * Resolves the adapter a request is configured with, as axios's dispatchRequest would (first
 * supported entry of a list), and remembers which one it is. Names are resolved one by one so that
 * the kind is known even for the fetch adapter of axios ≥ 1.12, whose resolved function has no name.
 */
export function resolveAdapter(getAdapter: GetAdapter, spec: unknown, config: InternalAxiosRequestConfig): ResolvedAdapter {
  const list: unknown[] = Array.isArray(spec) ? spec : [spec]
  for (const entry of list) {
    if (typeof entry === 'function') return { adapter: entry as AxiosAdapter, kind: kindOfFunction(getAdapter, entry, config) }
    if (entry === null || entry === false) continue
    try {
      return { adapter: getAdapter(entry, config), kind: kindOf(entry) }
    } catch (err) {
      // Not supported here (xhr in Node, http in a browser): axios goes on to the next entry.
      if (isNotSupported(err)) continue
      throw err
    }
  }
  // Nothing usable: let axios raise its own "no suitable adapter" error.
  return { adapter: getAdapter(spec, config), kind: 'custom' }
}

/**
 * Loads the shared scheme vectors (../shared/schemes/vectors beside the repository) as data, in
 * every runtime: from disk in Node, Deno and Bun, through the Vite dev server (`/@fs/`) in Chromium.
 */
const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env
const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined'

function vectorsDir(): string {
  if (isBrowser) return env!.VITE_SIGNET_VECTORS_DIR!
  // packages/core/test/support → repository root → ../shared/schemes/vectors
  return decodeURIComponent(new URL('../../../../../shared/schemes/vectors/', import.meta.url).pathname)
}

/** Text of a file under the vectors directory, e.g. `aws-sigv4/v4/get-vanilla/get-vanilla.req`. */
export async function vectorText(relPath: string): Promise<string> {
  const dir = vectorsDir().replace(/\/?$/, '/')
  if (isBrowser) {
    const res = await fetch(`/@fs${dir}${relPath}`)
    if (!res.ok) throw new Error(`vector ${relPath}: HTTP ${res.status}`)
    return res.text()
  }
  const { readFile } = await import('node:fs/promises')
  return readFile(dir + relPath, 'utf8')
}

/** A JSON vectors file, parsed. */
export async function vectorJson<T = unknown>(relPath: string): Promise<T> {
  return JSON.parse(await vectorText(relPath)) as T
}

/** Names of the entries of a vectors sub-directory (browser: from the committed index, see `vectorIndex`). */
export async function vectorDir(relPath: string): Promise<string[]> {
  if (isBrowser) {
    const index = JSON.parse(env!.VITE_SIGNET_VECTORS_INDEX!) as Record<string, string[]>
    const list = index[relPath.replace(/\/$/, '')]
    if (!list) throw new Error(`vector directory ${relPath} is not in the index built by vitest.workspace.ts`)
    return list
  }
  const { readdir } = await import('node:fs/promises')
  return (await readdir(vectorsDir() + relPath)).sort()
}

import * as fs from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Writer } from './io.ts'

/**
 * Large request bodies: a file is handed to the core as a file-backed `Blob`, which the core
 * hashes 1 MiB at a time, so memory stays flat whatever the file's size. `fs.openAsBlob` exists
 * in Node ≥ 19.8, Deno 2 and Bun; `Bun.file` is Bun's own equivalent.
 */

declare const Bun: { file(path: string): Blob } | undefined

/** A Blob over the file's bytes, read lazily. */
export async function fileBlob(path: string): Promise<Blob> {
  const open = (fs as { openAsBlob?: (path: string) => Promise<Blob> }).openAsBlob
  if (typeof open === 'function') return open(path)
  if (typeof Bun !== 'undefined') return Bun.file(path)
  // Older runtimes: the whole file in memory.
  return new Blob([new Uint8Array(await readFile(path))])
}

/**
 * The same Blob, reporting how far a reader got: the core reads a Blob with `slice(start, end)`
 * then `arrayBuffer()`, so every slice marks progress. Everything else is forwarded to the Blob
 * itself (a Proxy keeps `instanceof Blob` true).
 */
export function withProgress(blob: Blob, report: (bytesDone: number) => void): Blob {
  return new Proxy(blob, {
    get(target, prop) {
      if (prop === 'slice') {
        return (start?: number, end?: number, type?: string) => {
          report(start ?? 0)
          return target.slice(start, end, type)
        }
      }
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(n: number): string {
  let v = n
  let u = 0
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${UNITS[u]}`
}

/** Bodies smaller than this hash too fast for a progress line to be useful. */
export const PROGRESS_THRESHOLD = 16 * 1024 * 1024

/**
 * A progress line on stderr: redrawn in place (`\r`) on a TTY every 100 ms; when forced on a
 * pipe (`--progress`), one line per second and a last one at 100 %.
 */
export class Progress {
  private last = 0
  private shown = false

  constructor(
    private readonly stderr: Writer,
    private readonly label: string,
    private readonly total: number,
    private readonly now: () => number,
  ) {}

  update(done: number): void {
    const t = this.now()
    const interval = this.stderr.isTTY ? 100 : 1000
    if (this.shown && t - this.last < interval) return
    this.last = t
    this.draw(done)
  }

  finish(): void {
    this.draw(this.total)
    if (this.stderr.isTTY) this.stderr.write('\n')
  }

  private draw(done: number): void {
    this.shown = true
    const pct = this.total === 0 ? 100 : Math.floor((done / this.total) * 100)
    const line = `${this.label}: ${formatBytes(done)} / ${formatBytes(this.total)} (${pct}%)`
    this.stderr.write(this.stderr.isTTY ? `\r\x1b[2K${line}` : `${line}\n`)
  }
}

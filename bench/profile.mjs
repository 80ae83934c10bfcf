#!/usr/bin/env node
// `pnpm bench:profile`: where Signet's time goes on Node. Runs each hot loop with the V8 sampling
// profiler on (every 50 µs, node:inspector, around the loop only) and lists the functions with the most self time,
// grouped into native crypto, GC, URL parsing, UTF-8 encoding and Signet's own JavaScript.
// Writes bench/results/profile.json (docs/benchmarks.md shows it on the next `pnpm bench`).
//
//   node bench/profile.mjs [--core path/to/variant.mjs] [--cases rfc9421-get,...] [--top 15]
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const benchDir = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const value = (n) => {
  const i = args.indexOf(n)
  return i === -1 ? undefined : args[i + 1]
}
const cases = (value('--cases') ?? 'rfc9421-get,rfc9421-post1k,sigv4-get,sigv4-post1k,rfc9421-get-verify,sigv4-get-verify').split(',')
const top = Number(value('--top') ?? 15)
const core = value('--core') ? pathToFileURL(resolve(value('--core'))).href : undefined

/** A frame's category; native frames (no url) take the category of their nearest caller with one. */
function category(frame, caller) {
  const { functionName: f } = frame
  const url = frame.url || caller?.url || ''
  if (f === '(garbage collector)') return 'GC'
  if (f === '(program)' || f === '(idle)' || f === '(root)') return 'runtime (program/idle)'
  if (f === 'randomFillSync' || f === 'RandomBytesJob' || url.includes('crypto/random')) return 'CSPRNG (getRandomValues)'
  if (url.includes('internal/crypto')) return 'node:crypto HMAC/SHA-256 (native + binding)'
  if (f === 'parse' || url.includes('internal/url')) return 'URL parsing'
  if (/encode|TextEncoder|encodeUtf8String/.test(f) && (url.includes('encoding') || url === '')) return 'UTF-8 encoding'
  if (url.includes('bench/lib')) return 'benchmark loop'
  if (url.includes('signet') || url.includes('dist/') || url.includes('.cache/ab')) return 'Signet JavaScript'
  return 'other (runtime internals)'
}

const out = { date: new Date().toISOString(), core: core ?? '@signet/core (dist)', node: process.versions.node, cases: {} }
for (const c of cases) {
  const dir = join(benchDir, '.cache/profile', c)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'loop.cpuprofile')
  const r = spawnSync(process.execPath, ['--expose-gc', join(benchDir, 'lib/profile-loop.mjs'), c, c.endsWith('verify') ? '60000' : '150000', file, ...(core ? [core] : [])], { cwd: benchDir, encoding: 'utf8' })
  if (r.status !== 0) {
    console.error(`${c}: failed\n${r.stderr}`)
    continue
  }
  const p = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n)
  /** The nearest frame at or above `n` that has a script url. */
  const located = (n) => {
    for (let x = n; x; x = parent.get(x.id)) if (x.callFrame.url) return x.callFrame
    return undefined
  }
  const counts = new Map()
  for (const s of p.samples) counts.set(s, (counts.get(s) ?? 0) + 1)
  const self = new Map()
  const cats = new Map()
  let total = 0
  for (const [id, n] of counts) {
    const node = byId.get(id)
    const cf = node.callFrame
    const at = cf.url ? cf : located(node)
    const where = at ? `${cf.url ? '' : 'native, in '}${at.url.split('/').slice(-2).join('/')}:${at.lineNumber + 1}` : 'native'
    const k = `${cf.functionName || '(anonymous)'} (${where})`
    self.set(k, (self.get(k) ?? 0) + n)
    const cat = category(cf, at)
    cats.set(cat, (cats.get(cat) ?? 0) + n)
    total += n
  }
  const pct = (n) => Math.round((1000 * n) / total) / 10
  out.cases[c] = {
    timing: r.stderr.trim().split('\n').pop(),
    categories: [...cats].sort((a, b) => b[1] - a[1]).map(([name, n]) => ({ name, percent: pct(n) })),
    top: [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, n]) => ({ name, percent: pct(n) })),
  }
  console.log(`\n## ${c} — ${out.cases[c].timing}`)
  console.log(out.cases[c].categories.map((x) => `${x.name} ${x.percent}%`).join(' · '))
  for (const t of out.cases[c].top) console.log(`${String(t.percent).padStart(5)}%  ${t.name}`)
}
mkdirSync(join(benchDir, 'results'), { recursive: true })
writeFileSync(join(benchDir, 'results/profile.json'), JSON.stringify(out, null, 1) + '\n')

#!/usr/bin/env node
// A/B of proposed @signet/core changes, without touching packages/: each patch of
// bench/experiments/ (a series: NN-name.patch, applied in order) is applied to a copy of
// packages/core/src in bench/.cache/ab/, bundled for the server (esbuild, platform node), and
// measured against the unpatched sources in the same paired, interleaved rounds as `pnpm bench`.
// Reports, per step, the speed-up of the series up to that patch over the one before it, and of
// the whole series over the baseline.
//
//   node bench/ab.mjs [--quick] [--rounds N] [--runtimes node,deno,bun,chromium] [--only get,post1k,post64k,huge]
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { pairedRatio, medianTime } from './lib/stats.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))
const root = join(benchDir, '..')
const core = join(root, 'packages/core')
const work = join(benchDir, '.cache/ab')
const args = process.argv.slice(2)
const value = (n) => {
  const i = args.indexOf(n)
  return i === -1 ? undefined : args[i + 1]
}
const quick = args.includes('--quick')
const runtimes = (value('--runtimes') ?? 'node').split(',')
const only = value('--only') ?? 'get,post1k,post64k,huge'

rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })
const patches = readdirSync(join(benchDir, 'experiments')).filter((f) => /^\d\d-.*\.patch$/.test(f)).sort()

const browserToo = runtimes.includes('chromium')

/** A copy of packages/core with the first `n` patches applied, bundled; undefined when a patch does not apply. */
async function variant(name, n) {
  const dir = join(work, name)
  mkdirSync(dir, { recursive: true })
  cpSync(join(core, 'src'), join(dir, 'src'), { recursive: true })
  cpSync(join(core, 'package.json'), join(dir, 'package.json'))
  symlinkSync(join(core, 'node_modules'), join(dir, 'node_modules'))
  for (const p of patches.slice(0, n)) {
    const r = spawnSync('patch', ['-p1', '-s', '--fuzz=0', '-d', dir, '-i', join(benchDir, 'experiments', p)], { encoding: 'utf8' })
    if (r.status !== 0) {
      console.error(`${p} does not apply to the current sources: ${(r.stdout + r.stderr).trim().split('\n')[0]}`)
      return undefined
    }
  }
  const out = join(work, `${name}.mjs`)
  await esbuild.build({ entryPoints: [join(dir, 'src/index.ts')], bundle: true, format: 'esm', platform: 'node', target: 'es2022', outfile: out, logLevel: 'error' })
  if (browserToo) {
    // The browser build of the same sources (WebCrypto backend), one file per variant.
    await esbuild.build({ entryPoints: [join(dir, 'src/index.ts')], bundle: true, format: 'esm', platform: 'browser', conditions: ['browser'], target: 'es2022', outfile: join(work, 'browser', `${name}.mjs`), logLevel: 'error' })
  }
  return out
}

const variants = [{ name: 'base', file: await variant('base', 0) }]
for (let i = 0; i < patches.length; i++) {
  const name = patches[i].replace(/\.patch$/, '')
  const file = await variant(name, i + 1)
  if (!file) break
  variants.push({ name, file })
}

async function runChromium() {
  const { chromium } = await import('playwright')
  const { createServer } = await import('node:http')
  const { CHROMIUM_ARGS } = await import('./lib/browser.mjs')
  const entry = join(work, 'browser', 'ab-entry.js')
  await esbuild.build({ entryPoints: [join(benchDir, 'lib/ab-entry.mjs')], bundle: true, format: 'esm', platform: 'browser', conditions: ['browser'], target: 'es2022', outfile: entry, logLevel: 'error', external: ['node:fs'] })
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname
    const file = path === '/' ? undefined : join(work, 'browser', path.slice(1))
    const headers = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cache-control': 'no-store' }
    if (path === '/') res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>ab</title>')
    else if (file && existsSync(file)) res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(readFileSync(file))
    else res.writeHead(404).end()
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS })
  try {
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${server.address().port}/`)
    return await page.evaluate(
      async ({ names, quick, only, rounds }) => {
        const { runAB } = await import('/ab-entry.js')
        const variants = []
        for (const name of names) variants.push({ name, core: await import(`/${name}.mjs`) })
        return runAB(variants, { quick, only, rounds, clock: 'wall', batchScale: 4 })
      },
      { names: variants.map((v) => v.name), quick, only: only.split(','), rounds: value('--rounds') ? Number(value('--rounds')) : undefined },
    )
  } finally {
    await browser.close()
    server.close()
  }
}

const summary = {}

/** Per step and per case: the paired median speed-up over the previous step, and the whole series over the base. */
function summarize(res) {
  const cols = []
  for (const [gid, g] of Object.entries(res.groups)) for (const impl of g.impls) cols.push(`${gid} ${impl}`)
  const ratio = (col, a, b) => {
    const [g, i] = col.split(' ')
    const x = pairedRatio(res.groups[g], `${a}:${i}`, `${b}:${i}`)
    return x ? Math.round(x.median * 1000) / 1000 : null
  }
  const base = Object.fromEntries(cols.map((col) => {
    const [g, i] = col.split(' ')
    return [col, medianTime(res.groups[g], `base:${i}`) ?? null]
  }))
  const steps = variants.slice(1).map((v, k) => ({ step: v.name, speedup: Object.fromEntries(cols.map((col) => [col, ratio(col, variants[k].name, v.name)])) }))
  const whole = variants.length > 1 ? Object.fromEntries(cols.map((col) => [col, ratio(col, 'base', variants[variants.length - 1].name)])) : {}
  return { date: new Date().toISOString(), clock: res.clock, stat: res.stat, quick, rounds: value('--rounds') ?? null, columns: cols, baseNs: base, steps, whole }
}

const BIN = { node: [process.execPath], deno: [join(root, 'node_modules/.bin/deno'), 'run', '-A'], bun: [join(root, 'node_modules/.bin/bun')] }
for (const runtime of runtimes) {
  let res
  if (runtime === 'chromium') res = await runChromium()
  else {
  const [bin, ...pre] = BIN[runtime]
  const out = join(work, `${runtime}.json`)
  const r = spawnSync(bin, [...pre, join(benchDir, 'lib/ab-entry.mjs'), '--out', out, '--only', only, ...(quick ? ['--quick'] : []), ...(value('--rounds') ? ['--rounds', value('--rounds')] : []), ...variants.flatMap((v) => ['--variant', `${v.name}=${v.file}`])], { cwd: benchDir, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0 || !existsSync(out)) {
    console.error(`${runtime}: failed (${r.status})`)
    continue
  }
  res = JSON.parse(readFileSync(out, 'utf8'))
  }
  summary[runtime] = summarize(res)
  console.log(`\n## ${runtime} (${res.clock} clock, per-round ${res.stat}${quick ? ', quick' : ''}): speed-up of each step over the previous one (paired median; > 1 is faster)\n`)
  const cols = []
  for (const [gid, g] of Object.entries(res.groups)) for (const impl of g.impls) cols.push([gid, impl])
  console.log(`| step | ${cols.map(([g, i]) => `${g} ${i}`).join(' | ')} |`)
  console.log(`|---|${cols.map(() => '---:').join('|')}|`)
  const row = (label, a, b) => `| ${label} | ${cols.map(([g, i]) => {
    const x = pairedRatio(res.groups[g], `${a}:${i}`, `${b}:${i}`)
    return x ? x.median.toFixed(3) : 'n/a'
  }).join(' | ')} |`
  console.log(`| base time | ${cols.map(([g, i]) => { const t = medianTime(res.groups[g], `base:${i}`); return t === undefined ? 'n/a' : t < 1e6 ? `${(t / 1e3).toFixed(2)} µs` : `${(t / 1e6).toFixed(1)} ms` }).join(' | ')} |`)
  for (let k = 1; k < variants.length; k++) console.log(row(`+ ${variants[k].name}`, variants[k - 1].name, variants[k].name))
  if (variants.length > 1) console.log(row('**whole series vs base**', 'base', variants[variants.length - 1].name))
  // The same, from the other per-round statistics (a check on how much the choice matters).
  for (const stat of ['p50', 'p25', 'min']) {
    if (stat === res.stat) continue
    const saved = Object.fromEntries(Object.entries(res.groups).map(([g, v]) => [g, v.times]))
    for (const [g, v] of Object.entries(res.groups)) v.times = v.alt[stat]
    if (variants.length > 1) console.log(row(`whole series vs base (${stat})`, 'base', variants[variants.length - 1].name))
    for (const [g, v] of Object.entries(res.groups)) v.times = saved[g]
  }
}

// Merged into bench/results/ab.json by runtime, so runs for different runtimes add up.
const abFile = join(benchDir, 'results/ab.json')
const previous = existsSync(abFile) ? JSON.parse(readFileSync(abFile, 'utf8')) : { runtimes: {} }
previous.patches = patches.slice(0, variants.length - 1)
Object.assign(previous.runtimes, summary)
mkdirSync(join(benchDir, 'results'), { recursive: true })
writeFileSync(abFile, JSON.stringify(previous, null, 1) + '\n')

#!/usr/bin/env node
// `pnpm bench`: Signet against the limits and every peer, in Node, Deno, Bun and headless
// Chromium, plus memory (Node) and bundle sizes. Writes bench/results/latest.json and
// docs/benchmarks.md. Reports only: nothing here fails on a timing.
//
//   node bench/run.mjs [--quick] [--runtimes node,deno,bun,chromium] [--only get,post1k,...]
//                      [--no-memory] [--no-size] [--verbose] [--report-only]
//
// Benchmarks import the BUILT packages: `pnpm -r --filter './packages/*' run build` first.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { runBrowser } from './lib/browser.mjs'
import { runMemory } from './lib/memory.mjs'
import { evaluateTargets, markdown } from './lib/report.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))
const root = join(benchDir, '..')
const cacheDir = join(benchDir, '.cache')
const args = process.argv.slice(2)
const flag = (n) => args.includes(n)
const value = (n) => {
  const i = args.indexOf(n)
  return i === -1 ? undefined : args[i + 1]
}
const quick = flag('--quick')
const verbose = flag('--verbose')
const runtimes = (value('--runtimes') ?? 'node,deno,bun,chromium').split(',')
const only = value('--only')
const log = (m) => console.error(m)
const started = Date.now()

if (flag('--report-only')) {
  // Re-render docs/benchmarks.md from the last results (after editing findings.md, or a new ab/profile run).
  const results = JSON.parse(readFileSync(join(benchDir, 'results/latest.json'), 'utf8'))
  if (!flag('--no-size')) {
    // Sizes are cheap to measure and budgets may have changed: always current.
    const { measureSizes } = await import('./size.mjs')
    results.size = await measureSizes({ log: () => {} })
  }
  results.targets = evaluateTargets(results)
  writeReport(results)
  process.exit(0)
}

function writeReport(results) {
  const findingsFile = join(benchDir, 'findings.md')
  const findings = existsSync(findingsFile) ? readFileSync(findingsFile, 'utf8') : undefined
  const readJson = (f) => (existsSync(join(benchDir, f)) ? JSON.parse(readFileSync(join(benchDir, f), 'utf8')) : undefined)
  mkdirSync(join(root, 'docs'), { recursive: true })
  writeFileSync(join(root, 'docs/benchmarks.md'), markdown(results, { findings, ab: readJson('results/ab.json'), profile: readJson('results/profile.json') }))
}

for (const f of ['packages/core/dist/index.js', 'packages/core/dist/browser.js']) {
  if (!existsSync(join(root, f))) {
    console.error(`${f} is missing: build first with  pnpm -r --filter './packages/*' run build`)
    process.exit(2)
  }
}
mkdirSync(cacheDir, { recursive: true })

// sigv4: from the dist when core exports it, else bundled from its sources (see lib/signet.mjs).
const coreExports = await import('@signet/core')
const sigv4Bundle = join(cacheDir, 'sigv4.mjs')
// scheme.ts alone: index.ts also exports presignRequest, which pulls sign.ts and the node:crypto backend.
const sigv4Src = join(root, 'packages/core/src/schemes/sigv4/scheme.ts')
let sigv4From = 'dist'
if (!coreExports.sigv4) {
  rmSync(sigv4Bundle, { force: true })
  if (existsSync(sigv4Src)) {
    await esbuild.build({ entryPoints: [sigv4Src], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outfile: sigv4Bundle, logLevel: 'error' })
    sigv4From = 'src-bundle'
  } else sigv4From = 'missing'
} else rmSync(sigv4Bundle, { force: true })
log(`sigv4: ${sigv4From}`)

function machine() {
  let osName = `${os.type()} ${os.release()}`
  try {
    osName = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? osName
  } catch {}
  return { cpu: os.cpus()[0]?.model ?? 'unknown CPU', cores: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), os: osName, arch: os.arch(), loadStart: os.loadavg() }
}

const BINARIES = {
  node: [process.execPath],
  deno: [join(root, 'node_modules/.bin/deno'), 'run', '-A'],
  bun: [join(root, 'node_modules/.bin/bun')],
}

function runServer(runtime) {
  const [bin, ...pre] = BINARIES[runtime]
  if (runtime !== 'node' && !existsSync(bin)) return { runtime, error: `${bin} not found` }
  const out = join(cacheDir, `${runtime}.json`)
  rmSync(out, { force: true })
  const argv = [...pre, join(benchDir, 'lib/server-entry.mjs'), '--out', out]
  if (quick) argv.push('--quick')
  if (only) argv.push('--only', only)
  if (verbose) argv.push('--verbose')
  const t0 = Date.now()
  const r = spawnSync(bin, argv, { cwd: benchDir, stdio: ['ignore', 'inherit', 'inherit'], timeout: 30 * 60_000, env: { ...process.env, NO_COLOR: '1' } })
  if (r.status !== 0 || !existsSync(out)) return { runtime, error: `exit ${r.status ?? r.signal}` }
  log(`${runtime}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  return JSON.parse(readFileSync(out, 'utf8'))
}

const results = { date: new Date().toISOString(), quick, sigv4From, machine: machine(), runtimes: [] }
for (const runtime of runtimes) {
  log(`— ${runtime}`)
  if (runtime === 'chromium') {
    try {
      const t0 = Date.now()
      results.runtimes.push(await runBrowser({ quick, only: only?.split(','), log: verbose ? log : () => {} }))
      log(`chromium: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    } catch (err) {
      log(`chromium failed: ${err.stack ?? err}`)
      results.runtimes.push({ runtime, error: String(err.message ?? err).split('\n')[0] })
    }
  } else results.runtimes.push(runServer(runtime))
}
if (!flag('--no-memory')) {
  log('— memory')
  results.memory = await runMemory({ sizeMiB: 256, log })
}
if (!flag('--no-size')) {
  log('— size')
  const { measureSizes } = await import('./size.mjs')
  results.size = await measureSizes({ log: () => {} })
}
results.machine.loadEnd = os.loadavg()
results.seconds = (Date.now() - started) / 1000
results.targets = evaluateTargets(results)

mkdirSync(join(benchDir, 'results'), { recursive: true })
writeFileSync(join(benchDir, 'results/latest.json'), JSON.stringify(results, null, 1) + '\n')
writeReport(results)

const missed = results.targets.filter((t) => !t.pass)
log(`\n${results.targets.length - missed.length}/${results.targets.length} targets met in ${results.seconds.toFixed(0)} s; wrote bench/results/latest.json and docs/benchmarks.md`)
for (const t of missed) log(`  missed ${t.id} ${t.runtime} ${t.group}: ${t.value ?? (t.ratio ? t.ratio.median.toFixed(2) + '×' : 'n/a')} (goal ${t.goal}) ${t.target}`)

#!/usr/bin/env node
// Runs every example in examples/<name>/ with its one command (`scripts.example`, else
// `scripts.start`, from its package.json), from its folder, and reports what passed and how long
// each took. Exits 1 if any example fails or times out.
//
//   node tools/docs/run-examples.mjs                 all examples
//   node tools/docs/run-examples.mjs deno bun        only these
//   node tools/docs/run-examples.mjs --list          names and commands
//   node tools/docs/run-examples.mjs --verbose       print every example's output, not only failures'
//
// Needs the built packages (pnpm build) and the workspace installed (pnpm install); deno and bun
// come from the workspace's node_modules/.bin. SIGNET_EXAMPLE_TIMEOUT (seconds, default 120).
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const args = process.argv.slice(2)
const verbose = args.includes('--verbose')
const only = args.filter((a) => !a.startsWith('--'))
const timeoutMs = Number(process.env.SIGNET_EXAMPLE_TIMEOUT ?? 120) * 1000
const color = process.stdout.isTTY && !process.env.NO_COLOR && !process.env.CI
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s)
const [red, green, dim, bold] = [paint(31), paint(32), paint(2), paint(1)]

const examples = readdirSync(join(root, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'examples', d.name, 'package.json')))
  .map((d) => {
    const dir = join(root, 'examples', d.name)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const command = pkg.scripts?.example ?? pkg.scripts?.start
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
    return { name: d.name, dir, command, deps }
  })
  .filter((e) => e.command && (only.length === 0 || only.includes(e.name)))
  .sort((a, b) => a.name.localeCompare(b.name))

const unknown = only.filter((n) => !examples.some((e) => e.name === n))
if (unknown.length > 0) {
  console.error(`no example named ${unknown.join(', ')}`)
  process.exit(2)
}
if (args.includes('--list')) {
  for (const e of examples) console.log(`${e.name.padEnd(20)} ${e.command}`)
  process.exit(0)
}

// What an example needs before it can run: the built packages, and its own dependencies linked.
const notBuilt = ['core', 'fetch', 'axios', 'redis'].filter((p) => existsSync(join(root, 'packages', p)) && !existsSync(join(root, 'packages', p, 'dist', 'index.js')))
if (notBuilt.length > 0) {
  console.error(`build the packages first (pnpm build): no dist/ in ${notBuilt.map((p) => `packages/${p}`).join(', ')}`)
  process.exit(1)
}

function run(example) {
  return new Promise((resolve) => {
    const missing = example.deps.filter((d) => !existsSync(join(example.dir, 'node_modules', d)))
    if (missing.length > 0) {
      resolve({ ok: false, ms: 0, output: `not installed: ${missing.join(', ')} — run pnpm install at the workspace root\n` })
      return
    }
    const started = performance.now()
    const child = spawn(example.command, {
      cwd: example.dir,
      shell: true,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` },
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      // The example's whole process group: a shell, the runtime, and a browser it may have started.
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      const ms = performance.now() - started
      resolve({ ok: code === 0 && !timedOut, ms, output: timedOut ? `${output}\n(timed out after ${timeoutMs / 1000} s)\n` : output, code })
    })
  })
}

const results = []
for (const example of examples) {
  process.stdout.write(`${bold(example.name)} ${dim(`(${example.command})`)} … `)
  const result = await run(example)
  results.push({ ...example, ...result })
  console.log(result.ok ? green(`ok ${(result.ms / 1000).toFixed(1)} s`) : red(`FAILED${result.code !== undefined ? ` (exit ${result.code})` : ''} ${(result.ms / 1000).toFixed(1)} s`))
  if (!result.ok || verbose) console.log(result.output.replace(/^/gm, '    ').trimEnd())
}

const failed = results.filter((r) => !r.ok)
const total = results.reduce((sum, r) => sum + r.ms, 0) / 1000
console.log(failed.length === 0 ? green(`\n${results.length} examples passed in ${total.toFixed(1)} s`) : red(`\n${failed.length} of ${results.length} examples failed: ${failed.map((f) => f.name).join(', ')}`))
process.exit(failed.length === 0 ? 0 : 1)

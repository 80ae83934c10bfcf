#!/usr/bin/env node
// Every TypeScript sample in the docs compiles against the workspace's packages, and the ones
// marked runnable run and print what the docs say they print.
//
// Files: docs/**/*.md (not the generated docs/api/), README.md and examples/**/*.md; with --all,
// the packages' README.md files too. Each ```ts block is a module of its own, type-checked with
// the workspace's tsc and tsconfig.base.json (strict), @signet/* resolved to the built packages
// (their dist/ types, as users get them). The info string after `ts` says more:
//
//   ```ts                   type-checked
//   ```ts runnable          type-checked, then run with Node (compiled by esbuild); if the next
//                           block is ```text output, its text must equal what the sample printed
//   ```ts deno              type-checked with `deno check` (the sample uses Deno's APIs)
//   ```ts bun               type-checked with a minimal declaration of Bun.serve
//   ```ts ignore            not checked (say why in the text around it)
//
// A comment `<!-- sample-prelude: declare const db: Db -->` on the line before a fence is
// prepended to the sample (hidden setup for things the sample takes as given).
//
//   node tools/docs/check-samples.mjs [--all] [--keep] [--update]
//     --keep     leaves the temp folder (its path is printed)
//     --update   rewrites the ```text output blocks with what the samples printed (then review the diff)
// Needs the packages built (pnpm build).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { codeBlocks, markdownFiles, read, rel, root } from './markdown.mjs'

const args = process.argv.slice(2)
const all = args.includes('--all')
const keep = args.includes('--keep')
const update = args.includes('--update')
const updates = [] // { file, from, count, text }: output blocks to rewrite with --update
const TS = new Set(['ts', 'typescript'])

// ------------------------------------------------------------------ collect
const samples = []
let ignored = 0
for (const file of markdownFiles()) {
  if (!all && rel(file).startsWith('packages/')) continue
  if (rel(file) === 'CHANGELOG.md') continue
  const blocks = codeBlocks(read(file))
  blocks.forEach((block, i) => {
    if (!TS.has(block.lang)) return
    if (block.flags.includes('ignore')) {
      ignored++
      return
    }
    const next = blocks[i + 1]
    const output = next && next.lang === 'text' && next.flags.includes('output') ? next : undefined
    const name = `${rel(file).replace(/[^A-Za-z0-9]+/g, '_')}_L${block.line}`
    samples.push({ file, block, output, name, runnable: block.flags.includes('runnable'), deno: block.flags.includes('deno'), bun: block.flags.includes('bun') })
  })
}

const missingBuild = ['core', 'fetch', 'axios', 'redis'].filter((p) => !existsSync(join(root, 'packages', p, 'dist', 'index.d.ts')))
if (missingBuild.length > 0) {
  console.error(`build the packages first (pnpm build): no dist/index.d.ts in ${missingBuild.map((p) => `packages/${p}`).join(', ')}`)
  process.exit(1)
}

// ------------------------------------------------------------------ a module folder for the samples
const dir = mkdtempSync(join(tmpdir(), 'signet-samples-'))
const linked = new Map()
const searchDirs = [
  ...['core', 'fetch', 'axios', 'redis'].map((p) => join(root, 'packages', p, 'node_modules')),
  ...readdirSync(join(root, 'examples')).map((e) => join(root, 'examples', e, 'node_modules')),
  join(root, 'node_modules'),
]
/** Makes `specifier` importable from the samples' folder: @signet/* from packages/, others from where the workspace installed them. */
function link(specifier) {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
  if (linked.has(name)) return linked.get(name)
  let target
  if (name.startsWith('@signet/')) target = join(root, 'packages', name.slice('@signet/'.length))
  else target = searchDirs.map((d) => join(d, name)).find((p) => existsSync(p))
  if (target && existsSync(target)) {
    const at = join(dir, 'node_modules', name)
    mkdirSync(dirname(at), { recursive: true })
    symlinkSync(realpathSync(target), at, 'dir')
  }
  linked.set(name, target !== undefined && existsSync(target))
  return linked.get(name)
}

const IMPORT = /(?:^|[^.\w])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm
const problems = []
for (const s of samples) {
  const prelude = s.prelude ?? s.block.prelude
  const code = prelude ? `${prelude}\n${s.block.code}` : s.block.code
  s.offset = prelude ? prelude.split('\n').length : 0
  s.path = join(dir, `${s.name}.ts`)
  writeFileSync(s.path, `${code}\n`)
  for (const m of code.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]
    if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('npm:') || spec.startsWith('jsr:')) continue
    if (!link(spec)) problems.push(`${rel(s.file)}:${s.block.line}: imports ${spec}, which the workspace does not install`)
  }
}
// For `ts bun` samples: the part of Bun's API the docs use (bun-types is not a workspace dependency).
writeFileSync(
  join(dir, 'bun-shim.d.ts'),
  `declare global {
  const Bun: {
    serve(options: { port?: number; hostname?: string; fetch(request: Request): Response | Promise<Response> }): { port: number; url: URL; stop(closeActiveConnections?: boolean): Promise<void> }
    readonly version: string
  }
}
export {}
`,
)
const tsSamples = samples.filter((s) => !s.deno)
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: { noEmit: true, moduleDetection: 'force', types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] },
      files: [...tsSamples.map((s) => s.path), ...(tsSamples.some((s) => s.bun) ? [join(dir, 'bun-shim.d.ts')] : [])],
    },
    null,
    2,
  ),
)

// ------------------------------------------------------------------ type-check
const where = (s, line) => `${rel(s.file)}:${s.block.line + line - 1 - s.offset}`
const byPath = new Map(samples.map((s) => [s.path, s]))
if (tsSamples.length > 0) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, encoding: 'utf8' })
  for (const line of `${tsc.stdout}${tsc.stderr}`.split('\n')) {
    if (line.trim() === '') continue
    const m = /^(.*?)\((\d+),(\d+)\): (error .*)$/.exec(line)
    const sample = m && byPath.get(resolve(dir, m[1]))
    // Continuation lines of a multi-line message are indented.
    if (sample) {
      problems.push(`${where(sample, Number(m[2]))}:${m[3]}: ${m[4]}`)
      sample.failed = true
    }
    else if (/^\s/.test(line) && problems.length > 0) problems[problems.length - 1] += `\n      ${line.trim()}`
    else problems.push(`tsc: ${line}`)
  }
  if (tsc.status !== 0 && problems.length === 0) problems.push(`tsc failed (exit ${tsc.status})`)
}
const denoSamples = samples.filter((s) => s.deno)
if (denoSamples.length > 0) {
  // Deno resolves the samples' imports through the same node_modules folder.
  writeFileSync(join(dir, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual' }))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', dependencies: Object.fromEntries([...linked].filter(([, ok]) => ok).map(([n]) => [n, '*'])) }))
  const deno = join(root, 'node_modules', '.bin', 'deno')
  const check = spawnSync(deno, ['check', '--quiet', ...denoSamples.map((s) => s.path)], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  if (check.status !== 0) {
    // Each error starts with "TSnnnn [ERROR]: message" and is located by its first "at file://…:line:col".
    const errors = `${check.stdout}${check.stderr}`.split(/\n(?=TS\d+ \[ERROR\])/).filter((e) => /^TS\d+ \[ERROR\]/.test(e.trimStart()))
    if (errors.length === 0) problems.push(`deno check failed: ${`${check.stdout}${check.stderr}`.trim()}`)
    for (const e of errors) {
      const message = e.trimStart().split('\n')[0]
      const at = /at file:\/\/(\/[^\s]+\.ts):(\d+):(\d+)/.exec(e)
      const s = at && byPath.get(at[1])
      if (s) {
        problems.push(`${where(s, Number(at[2]))}:${at[3]}: ${message}`)
        s.failed = true
      } else problems.push(`deno check: ${message}`)
    }
  }
}

// ------------------------------------------------------------------ run the runnable ones
let ran = 0
{
  const { transformSync } = await import(join(root, 'node_modules', 'esbuild', 'lib', 'main.js'))
  // (A sample that does not type-check is not run: its errors are already reported.)
  for (const s of samples.filter((x) => x.runnable && !x.failed)) {
    const js = transformSync(read(s.path), { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: `${rel(s.file)}:${s.block.line}` }).code
    const script = s.path.replace(/\.ts$/, '.mjs')
    writeFileSync(script, js)
    const run = spawnSync(process.execPath, ['--enable-source-maps', script], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } })
    ran++
    if (run.status !== 0) {
      problems.push(`${rel(s.file)}:${s.block.line}: the runnable sample exited with ${run.status ?? run.signal}\n${`${run.stdout}${run.stderr}`.trim().replace(/^/gm, '      ')}`)
      continue
    }
    if (s.output) {
      const norm = (t) => t.replace(/[ \t]+$/gm, '').trim()
      if (norm(run.stdout) !== norm(s.output.code) && update) {
        updates.push({ file: s.file, from: s.output.line, count: s.output.endLine - s.output.line, text: norm(run.stdout) })
      } else if (norm(run.stdout) !== norm(s.output.code)) {
        problems.push(
          `${rel(s.file)}:${s.output.line}: the sample printed something else than the output block\n      printed:\n${norm(run.stdout).replace(/^/gm, '        ')}\n      documented:\n${norm(s.output.code).replace(/^/gm, '        ')}`,
        )
      }
    }
  }
}

// Rewrite output blocks bottom-up, so earlier line numbers in the same file stay valid.
for (const u of updates.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : b.from - a.from))) {
  const lines = read(u.file).split('\n')
  lines.splice(u.from - 1, u.count, ...u.text.split('\n'))
  writeFileSync(u.file, lines.join('\n'))
  console.log(`updated the output block at ${rel(u.file)}:${u.from}`)
}

if (!keep) rmSync(dir, { recursive: true, force: true })
else console.log(`samples left in ${dir}`)
if (problems.length > 0) {
  console.error(`${problems.length} problem(s) in the docs' code samples:`)
  for (const p of problems) console.error(`  ${p}`)
  process.exit(1)
}
console.log(`samples: ${samples.length} TypeScript samples type-checked (${denoSamples.length} with deno check), ${ran} run and their output compared where documented${ignored ? `, ${ignored} marked ignore` : ''}`)

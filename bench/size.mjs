#!/usr/bin/env node
// `pnpm size`: bundle-size budgets of the browser entries, from the BUILT packages.
//
// Each entry is bundled by esbuild (minify, platform browser, conditions browser, format esm,
// splitting so that lazy imports stay separate chunks) and gzipped (level 9). The "initial" size
// is the entry chunk plus the chunks it imports statically (what a page loads before the first
// call); chunks reached only through import() are "lazy". `<pkg>-over-core` is the package's own
// cost: its bundle minus a bundle of exactly the @signet/core exports it imports.
//
// Fails (exit 1) when a size is over its budget in size-budgets.json, or when a browser bundle
// reaches for Node: an import of a Node built-in (node:*, crypto, buffer, …) or a free reference
// to the Node globals Buffer or process.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'

const benchDir = dirname(fileURLToPath(import.meta.url))
const root = join(benchDir, '..')
const workDir = join(benchDir, '.cache', 'size')
const budgets = JSON.parse(readFileSync(join(benchDir, 'size-budgets.json'), 'utf8'))

const NODE_BUILTIN = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])
const NODE_GLOBALS = ['Buffer', 'process']
const MARK = '__signet_node_global_'

/** Marks Node built-in imports external (so the build finishes) and records who imported them. */
function nodeImportsPlugin(found) {
  return {
    name: 'node-imports',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (!NODE_BUILTIN.has(args.path) && !args.path.startsWith('node:')) return undefined
        found.push({ what: `import "${args.path}"`, input: relative(root, args.importer) })
        return { path: args.path, external: true }
      })
    },
  }
}

const SOURCE_ALIAS = {
  '@signet/core/sign': join(root, 'packages/core/src/sign-entry/index.ts'),
  '@signet/core': join(root, 'packages/core/src/index.ts'),
  '@signet/fetch': join(root, 'packages/fetch/src/index.ts'),
  '@signet/axios': join(root, 'packages/axios/src/index.ts'),
}

const gz = (bytes) => gzipSync(bytes, { level: 9 }).byteLength

/** Peer libraries the application already ships: left out of the measured bundles. */
const PEERS = ['axios']
/**
 * Workspace packages bench does not depend on (bench/package.json lists core and fetch): found
 * through their directory. Dependencies of theirs resolve from their own node_modules as usual.
 */
const WORKSPACE_FALLBACK = { '@signet/axios': join(root, 'packages/axios') }

export async function bundle(name, source, { fromSource = false } = {}) {
  const dir = join(workDir, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const entry = join(dir, 'entry.mjs')
  writeFileSync(entry, source)
  const nodeRefs = []
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    target: 'es2022',
    splitting: true,
    outdir: join(dir, 'out'),
    metafile: true,
    write: true,
    logLevel: 'error',
    // A free reference to a Node global becomes a marker we can find in the output.
    define: Object.fromEntries(NODE_GLOBALS.map((g) => [g, `${MARK}${g}`])),
    external: PEERS,
    plugins: [nodeImportsPlugin(nodeRefs)],
    absWorkingDir: benchDir,
    // Diagnosis only: the same entry against the TypeScript sources, for a per-file breakdown
    // (the dist is one file per build, so its metafile cannot say which module costs what).
    alias: fromSource ? SOURCE_ALIAS : WORKSPACE_FALLBACK,
  })
  const outputs = result.metafile.outputs
  const files = Object.keys(outputs)
  const entryOut = files.find((f) => outputs[f].entryPoint)
  const size = (f) => gz(readFileSync(join(benchDir, f)))
  const initial = new Set()
  const visit = (f) => {
    if (initial.has(f)) return
    initial.add(f)
    for (const imp of outputs[f].imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path)
  }
  visit(entryOut)
  const lazy = files.filter((f) => f.endsWith('.js') && !initial.has(f))
  for (const f of files.filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(benchDir, f), 'utf8')
    for (const g of NODE_GLOBALS) {
      if (!code.includes(`${MARK}${g}`)) continue
      // Which inputs: those whose own source names the global outside a property access.
      const culprits = Object.keys(outputs[f].inputs).filter((input) => {
        try {
          return new RegExp(`(?<![.\\w$'"])${g}(?![\\w$'":])`).test(readFileSync(join(benchDir, input), 'utf8'))
        } catch {
          return false
        }
      })
      nodeRefs.push({ what: `global ${g}`, input: culprits.map((c) => relative(root, join(benchDir, c))).join(', ') || f })
    }
  }
  const inputs = {}
  for (const f of initial) for (const [input, v] of Object.entries(outputs[f].inputs)) inputs[input] = (inputs[input] ?? 0) + v.bytesInOutput
  const allInputs = Object.entries(inputs)
    .sort((a, b) => b[1] - a[1])
    .map(([input, bytes]) => ({ input: relative(root, join(benchDir, input)), minifiedBytes: bytes }))
  const largest = allInputs.slice(0, 12)
  return {
    initial: [...initial].reduce((s, f) => s + size(f), 0),
    initialMinified: [...initial].reduce((s, f) => s + outputs[f].bytes, 0),
    lazy: lazy.reduce((s, f) => s + size(f), 0),
    // entryPoint: the module a dynamic import() loads with this chunk; imports: the lazy chunks it loads with it.
    lazyChunks: lazy.map((f) => ({
      file: f.split('/').pop(),
      gzip: size(f),
      entryPoint: outputs[f].entryPoint,
      imports: outputs[f].imports.filter((i) => i.kind === 'import-statement' && !i.external && !initial.has(i.path)).map((i) => i.path.split('/').pop()),
    })),
    largest,
    allInputs,
    nodeRefs,
  }
}

/**
 * The @signet/core names a built package imports: from dist/index.js and the dist chunks it
 * imports statically (`initial`), or from every chunk it can reach, `import()` included (`all`).
 */
function coreImportsOf(pkg) {
  const dist = join(root, 'packages', pkg, 'dist')
  const read = (file) => readFileSync(join(dist, file), 'utf8')
  const collect = (lazyToo) => {
    const names = new Set()
    const seen = new Set()
    const visit = (file) => {
      if (seen.has(file)) return
      seen.add(file)
      const code = read(file)
      for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']@signet\/core["']/g)) {
        for (const part of m[1].split(',')) {
          const name = part.trim().split(/\s+as\s+/)[0]
          if (name) names.add(name)
        }
      }
      for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*)["']\.\/([^"']+\.js)["']/g)) visit(m[1])
      if (lazyToo) for (const m of code.matchAll(/\bimport\(\s*["']\.\/([^"']+\.js)["']\s*\)/g)) visit(m[1])
    }
    visit('index.js')
    return [...names]
  }
  return { initial: collect(false), all: collect(true) }
}

export async function measureSizes({ log = console.log } = {}) {
  const entries = []
  const nodeOnly = []
  const check = (id, label, measured, budget, extra = {}) => {
    const target = budgets[id]?.target
    const e = { id, label, measured, budget, target, pass: budget === undefined || measured <= budget, ...extra }
    entries.push(e)
    const kb = (b) => (b / 1000).toFixed(2)
    const budgetText = budget !== undefined ? `budget ${kb(budget)} kB${e.pass ? '' : `, OVER by ${kb(measured - budget)} kB`}` : ''
    const targetText = target !== undefined ? `target ${kb(target)} kB${measured <= target ? ' met' : `, missed by ${kb(measured - target)} kB`}` : ''
    const notes = [budgetText, targetText].filter(Boolean).join('; ')
    log(`${label}: ${kb(measured)} kB${notes ? ` (${notes})` : ''}`)
    return e
  }
  // The small signer entry (issue #8's size target), then the full entry's signRequest, guarded against regressions.
  const signSource = `import { signRequest } from '@signet/core/sign'\nexport const sign = (request, key) => signRequest(request, { key })\n`
  const sign = await bundle('core-sign', signSource)
  check('core-sign', '@signet/core/sign signRequest (RFC 9421 HMAC, WebCrypto), initial', sign.initial, budgets['core-sign'].initial, { largest: sign.largest, minified: sign.initialMinified, source: signSource })
  check('core-sign-lazy', '@signet/core/sign signRequest, lazy chunks (@noble/hashes fallback)', sign.lazy, budgets['core-sign'].lazy, { chunks: sign.lazyChunks })
  const signFullSource = `import { signRequest } from '@signet/core'\nexport const sign = (request, key) => signRequest(request, { key })\n`
  const signFull = await bundle('core-sign-full', signFullSource)
  check('core-sign-full', '@signet/core signRequest + default rfc9421(), initial', signFull.initial, budgets['core-sign-full'].initial, { largest: signFull.largest, minified: signFull.initialMinified, source: signFullSource })
  check('core-sign-full-lazy', '@signet/core signRequest, lazy chunks (@noble/hashes fallback)', signFull.lazy, budgets['core-sign-full'].lazy, { chunks: signFull.lazyChunks })
  const verifySource = `import { verifyRequest } from '@signet/core'\nexport const verify = (request, keys) => verifyRequest(request, { keys })\n`
  const verify = await bundle('core-verify', verifySource)
  check('core-verify', '@signet/core verifyRequest (full verify path), initial', verify.initial, budgets['core-verify'].initial, { largest: verify.largest, minified: verify.initialMinified, source: verifySource })
  nodeOnly.push(...sign.nodeRefs.map((r) => ({ entry: 'core-sign', ...r })), ...signFull.nodeRefs.map((r) => ({ entry: 'core-sign-full', ...r })), ...verify.nodeRefs.map((r) => ({ entry: 'core-verify', ...r })))

  // verifyModule: the module each wrapper loads through import() to verify responses.
  for (const [pkg, exportName, verifyModule] of [
    ['fetch', 'createSignedFetch', 'verify'],
    ['axios', 'signAxios', 'raw-response'],
  ]) {
    const id = `${pkg}-over-core`
    if (!existsSync(join(root, 'packages', pkg, 'dist/index.js'))) {
      entries.push({ id, label: `@signet/${pkg} over core`, skipped: `packages/${pkg}/dist not built` })
      log(`@signet/${pkg}: skipped (no dist)`)
      continue
    }
    const used = coreImportsOf(pkg)
    const pkgSource = exportName ? `export { ${exportName} } from '@signet/${pkg}'\n` : `export * from '@signet/${pkg}'\n`
    const coreSource = (names) => (names.length ? `export { ${names.join(', ')} } from '@signet/core'\n` : 'export {}\n')
    let pkgBundle, coreBundle, coreAllBundle
    try {
      pkgBundle = await bundle(pkg, pkgSource)
      coreBundle = await bundle(`${pkg}-core`, coreSource(used.initial))
      coreAllBundle = await bundle(`${pkg}-core-all`, coreSource(used.all))
    } catch (err) {
      entries.push({ id, label: `@signet/${pkg} over core`, pass: false, error: String(err.message).split('\n')[0] })
      log(`@signet/${pkg}: bundle failed: ${String(err.message).split('\n')[0]}`)
      continue
    }
    // Subtracted: the core the package uses anywhere. Core is one module, so a bundler puts all of
    // it in the initial chunks, even the parts only the lazy verify chunk calls (reported apart).
    check(id, `@signet/${pkg} over the core it imports (${used.all.join(', ')}), initial`, pkgBundle.initial - coreAllBundle.initial, budgets[id]?.delta, {
      total: pkgBundle.initial,
      core: coreAllBundle.initial,
      coreForLazyInInitial: coreAllBundle.initial - coreBundle.initial,
      largest: pkgBundle.allInputs.filter((l) => l.input.startsWith(`packages/${pkg}/`)).slice(0, 12),
      source: pkgSource,
    })
    const lazyOnly = used.all.filter((n) => !used.initial.includes(n))
    if (lazyOnly.length) log(`  not counted above: ${((coreAllBundle.initial - coreBundle.initial) / 1000).toFixed(2)} kB of core for ${lazyOnly.join(', ')}, which only the lazy chunks call but the initial chunks carry (core is one module)`)
    // The verify path of a wrapper configured to verify: its initial chunks, the chunk import()
    // loads for verifyModule and the chunks that chunk imports; other lazy chunks (fetch's redirect
    // following, never loaded in browsers; axios's stream-body buffering) and core's @noble/hashes
    // fallback (both sides) are not part of it.
    const verifyId = `${pkg}-verify-over-core`
    const byFile = new Map(pkgBundle.lazyChunks.map((c) => [c.file, c]))
    const verifyChunks = new Set()
    const addChunk = (c) => {
      if (!c || verifyChunks.has(c)) return
      verifyChunks.add(c)
      for (const f of c.imports) addChunk(byFile.get(f))
    }
    for (const c of pkgBundle.lazyChunks) if (new RegExp(`/${verifyModule}-[A-Z0-9]+\\.js$`).test(c.entryPoint ?? '')) addChunk(c)
    const verifyPath = pkgBundle.initial + [...verifyChunks].reduce((sum, c) => sum + c.gzip, 0)
    check(verifyId, `@signet/${pkg} verify path (initial + ${verifyChunks.size ? [...verifyChunks].map((c) => c.file.replace(/-[A-Z0-9]+(-[A-Z0-9]+)?\.js$/, '')).join(' + ') : 'no verify chunk found'}) over the same core`, verifyPath - coreAllBundle.initial, budgets[verifyId]?.delta, {
      total: verifyPath,
      core: coreAllBundle.initial,
      chunks: [...verifyChunks].map(({ file, gzip }) => ({ file, gzip })),
      source: pkgSource,
    })
    nodeOnly.push(...pkgBundle.nodeRefs.map((r) => ({ entry: pkg, ...r })))
  }
  // Over budget: say which source modules cost the most.
  for (const e of entries) {
    if (e.pass !== false || !e.source) continue
    try {
      const diag = await bundle(`${e.id}-src`, e.source, { fromSource: true })
      // For a package's delta, its own modules are the news.
      const own = e.id.endsWith('-over-core') ? `packages/${e.id.split('-')[0]}/` : ''
      e.largestSources = diag.allInputs.filter((l) => l.input.startsWith(own) && l.minifiedBytes > 0).slice(0, 12)
      e.sourceChunks = { initial: diag.initial, lazy: diag.lazy }
    } catch (err) {
      e.largestSources = [{ input: `source bundle failed: ${String(err.message).split('\n')[0]}`, minifiedBytes: 0 }]
    }
  }
  for (const n of nodeOnly) log(`NODE-ONLY in a browser bundle (${n.entry}): ${n.what} from ${n.input}`)
  return { entries, nodeOnly, pass: entries.every((e) => e.pass !== false) && nodeOnly.length === 0 }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const res = await measureSizes()
  mkdirSync(join(benchDir, 'results'), { recursive: true })
  writeFileSync(join(benchDir, 'results/size.json'), JSON.stringify(res, null, 1) + '\n')
  for (const e of res.entries.filter((e) => e.largest && e.pass === false)) {
    console.log(`\n${e.id} is over budget; largest inputs of the bundle (minified bytes in the initial chunks):`)
    for (const l of e.largest) console.log(`  ${String(l.minifiedBytes).padStart(7)} B  ${l.input}`)
    if (e.largestSources) {
      console.log(`  the same entry bundled from the TypeScript sources (initial ${(e.sourceChunks?.initial / 1000).toFixed(2)} kB gz, lazy ${(e.sourceChunks?.lazy / 1000).toFixed(2)} kB gz):`)
      for (const l of e.largestSources) console.log(`  ${String(l.minifiedBytes).padStart(7)} B  ${l.input}`)
    }
  }
  if (!res.pass) {
    console.error('\nsize check failed')
    process.exit(1)
  }
}

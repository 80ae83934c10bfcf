// Turns the raw results into target verdicts and the markdown of docs/benchmarks.md.
import { bestPeer, medianTime, pairedRatio } from './stats.mjs'

const SERVER = ['node', 'deno', 'bun']
const fmtX = (r) => (r === undefined ? 'n/a' : `${r.median.toFixed(2)}×`)
const fmtIqr = (r) => (r === undefined ? '' : ` (IQR ${r.q1.toFixed(2)}–${r.q3.toFixed(2)})`)

function fmtTime(ns) {
  if (ns === undefined || Number.isNaN(ns)) return 'n/a'
  if (ns < 1e3) return `${ns.toFixed(0)} ns`
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`
  return `${(ns / 1e9).toFixed(2)} s`
}

/** Every target of the issue, measured: { id, target, runtime, group, value, goal, pass, note }. */
export function evaluateTargets(results) {
  const rows = []
  const add = (row) => rows.push(row)
  for (const run of results.runtimes) {
    if (run.error) continue
    const g = run.groups
    const server = SERVER.includes(run.runtime)
    for (const gid of ['get', 'post1k']) {
      const group = g[gid]
      if (!group) continue
      if (server) {
        const r = pairedRatio(group, 'signet-rfc9421', 'limit-mac')
        // Informational, where node:crypto is not the fastest primitive (Deno, Bun): the ratio to the one that is.
        const rf = pairedRatio(group, 'signet-rfc9421', 'limit-mac-fastest')
        add({ id: 'T1a', target: 'rfc9421 sign ≤ 2.5× one node:crypto MAC', runtime: run.runtime, group: gid, ratio: r, goal: '≤ 2.50×', pass: r && r.median <= 2.5, note: rf && `${rf.median.toFixed(2)}× the fastest MAC` })
        const best = bestPeer(group)
        const s = best && pairedRatio(group, best.id, 'signet-rfc9421')
        add({ id: 'T1b', target: `rfc9421 sign ≥ 1.3× faster than the fastest peer (${best?.id ?? 'n/a'})`, runtime: run.runtime, group: gid, ratio: s, goal: '≥ 1.30×', pass: s && s.median >= 1.3, speedup: true })
        const v = pairedRatio(group, 'signet-sigv4', 'limit-sigv4')
        const vf = pairedRatio(group, 'signet-sigv4', 'limit-sigv4-fastest')
        if (v) add({ id: 'T2a', target: 'sigv4 sign ≤ 2.5× the SigV4 node:crypto limit (derived key cached)', runtime: run.runtime, group: gid, ratio: v, goal: '≤ 2.50×', pass: v.median <= 2.5, note: vf && `${vf.median.toFixed(2)}× the fastest primitives` })
        const a = pairedRatio(group, 'aws4', 'signet-sigv4')
        if (a) add({ id: 'T2b', target: 'sigv4 sign ≥ 1.25× faster than aws4', runtime: run.runtime, group: gid, ratio: a, goal: '≥ 1.25×', pass: a.median >= 1.25, speedup: true })
      } else {
        const r = pairedRatio(group, 'signet-rfc9421', 'limit-mac')
        add({ id: 'T3a', target: 'Chromium rfc9421 sign ≤ 2× one awaited WebCrypto sign', runtime: run.runtime, group: gid, ratio: r, goal: '≤ 2.00×', pass: r && r.median <= 2 })
        for (const impl of ['signet-sigv4', 'signet-rfc9421']) {
          const s = pairedRatio(group, 'aws4fetch', impl)
          if (s) add({ id: 'T3b', target: `Chromium ${impl.slice(7)} sign several (≥ 3×) times faster than aws4fetch`, runtime: run.runtime, group: gid, ratio: s, goal: '≥ 3.00×', pass: s.median >= 3, speedup: true })
        }
      }
      const ver = pairedRatio(group, 'signet-rfc9421-verify', 'signet-rfc9421')
      add({ id: 'T6', target: 'rfc9421 verifyRequest + memoryReplayStore ≤ 1.5× signing', runtime: run.runtime, group: gid, ratio: ver, goal: '≤ 1.50×', pass: ver && ver.median <= 1.5 })
      const ver4 = pairedRatio(group, 'signet-sigv4-verify', 'signet-sigv4')
      if (ver4) add({ id: 'T6', target: 'sigv4 verifyRequest + memoryReplayStore ≤ 1.5× signing', runtime: run.runtime, group: gid, ratio: ver4, goal: '≤ 1.50×', pass: ver4.median <= 1.5 })
    }
    for (const gid of ['post64k', 'post1m', 'huge']) {
      const group = g[gid]
      if (!group) continue
      const impls = gid === 'huge' ? ['signet-rfc9421-blob', 'signet-rfc9421-stream', 'signet-rfc9421-verify-stream', 'signet-sigv4-blob', 'signet-sigv4-stream'] : ['signet-rfc9421', 'signet-sigv4']
      for (const impl of impls) {
        const r = pairedRatio(group, impl, 'limit-sha256')
        if (r) add({ id: 'T4', target: `${impl.slice(7)} body within 5% of the fastest SHA-256`, runtime: run.runtime, group: gid, ratio: r, goal: '≤ 1.05×', pass: r.median <= 1.05 })
      }
    }
  }
  for (const m of results.memory ?? []) {
    if (!m.targeted || m.deltaMiB === undefined) continue
    add({ id: 'T5', target: `memory: ${m.label}`, runtime: 'node', group: `${m.sizeMiB} MiB`, value: `+${m.deltaMiB.toFixed(1)} MiB`, goal: `≤ +${m.budgetMiB} MiB`, pass: m.pass })
  }
  return rows
}

function caseTable(run) {
  const groups = Object.entries(run.groups)
  const ids = []
  const labels = new Map()
  for (const [, g] of groups) {
    for (const c of g.cases) {
      if (!labels.has(c.id)) {
        labels.set(c.id, c.label.replace(/ over \d+ (chars|bytes).*$/, '').replace(/ over the \d+ body bytes/, ''))
        ids.push(c.id)
      }
    }
  }
  const order = (id) => (id.startsWith('limit') ? 0 : id.startsWith('signet') ? 1 : 2)
  ids.sort((a, b) => order(a) - order(b))
  const head = `| implementation | ${groups.map(([, g]) => g.label).join(' | ')} |`
  const sep = `|---|${groups.map(() => '---:').join('|')}|`
  const lines = [head, sep]
  for (const id of ids) {
    const cells = groups.map(([, g]) => {
      if (g.errors[id]) return 'error'
      const t = medianTime(g, id)
      if (t === undefined) return '—'
      const ref = id === 'limit-mac' || id.startsWith('limit-') ? undefined : g.bodyBytes >= 64 * 1024 ? 'limit-sha256' : id.includes('sigv4') || ['aws4', 'aws4fetch', 'smithy-node', 'smithy-js'].includes(id) ? 'limit-sigv4' : 'limit-mac'
      const r = ref && g.times[ref] ? pairedRatio(g, id, ref) : undefined
      return r ? `${fmtTime(t)} (${r.median.toFixed(2)}×)` : fmtTime(t)
    })
    lines.push(`| ${labels.get(id)} | ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}

function speedupTable(run) {
  const lines = ['| request | Signet rfc9421 vs fastest peer | Signet sigv4 vs fastest SigV4 peer | Signet sigv4 vs aws4 |', '|---|---:|---:|---:|']
  for (const [gid, g] of Object.entries(run.groups)) {
    if (gid === 'huge') continue
    const best = bestPeer(g)
    const best4 = bestPeer(g, 'sigv4')
    const a = best && pairedRatio(g, best.id, 'signet-rfc9421')
    const b = best4 && pairedRatio(g, best4.id, 'signet-sigv4')
    const c = pairedRatio(g, 'aws4', 'signet-sigv4')
    lines.push(`| ${g.label} | ${a ? `${fmtX(a)} (${best.id})` : 'n/a'} | ${b ? `${fmtX(b)} (${best4.id})` : 'n/a'} | ${fmtX(c)} |`)
  }
  return lines.join('\n')
}

function abSection(ab) {
  const out = ['## Core changes, measured (bench/experiments, `node bench/ab.mjs`)', '']
  out.push(`The series below (${ab.patches?.length ? ab.patches.map((p) => p.replace(/\.patch$/, '')).join(', ') : 'see bench/results/ab.json'}) has been applied to \`packages/core/src\`; the tables above include it. Each step is a commit (or two) of the git history; the patches themselves are not kept.`)
  out.push('')
  out.push('Each patch of `bench/experiments/` is applied in order to a copy of `packages/core/src`, bundled, and measured against the unpatched sources in the same paired rounds (server runtimes: CPU clock; Chromium: wall clock; per-round minimum). Cells are the speed-up of a step over the step before it (> 1 is faster); the last row is the whole series over the baseline. On this shared machine a single step can read ±10% (a step that does not touch a path sometimes shows 0.9 or 1.3 on it): the whole-series row, and steps that agree across runtimes, are the robust results.')
  out.push('')
  for (const [runtime, r] of Object.entries(ab.runtimes)) {
    out.push(`**${runtime}** (${r.date.slice(0, 10)}, ${r.clock} clock, ${r.rounds ?? 'default'} rounds)`)
    out.push('')
    out.push(`| step | ${r.columns.join(' | ')} |`)
    out.push(`|---|${r.columns.map(() => '---:').join('|')}|`)
    out.push(`| baseline time | ${r.columns.map((c) => fmtTime(r.baseNs[c] ?? undefined)).join(' | ')} |`)
    for (const st of r.steps) out.push(`| + ${st.step} | ${r.columns.map((c) => (st.speedup[c] == null ? 'n/a' : st.speedup[c].toFixed(2))).join(' | ')} |`)
    out.push(`| **whole series** | ${r.columns.map((c) => (r.whole[c] == null ? 'n/a' : `**${r.whole[c].toFixed(2)}**`)).join(' | ')} |`)
    out.push('')
  }
  return out.join('\n')
}

function profileSection(profile) {
  const out = ['## Where the time goes (Node, `node bench/profile.mjs`)', '']
  out.push(`V8 sampling profiler (50 µs) around each hot loop of the built core (${profile.date.slice(0, 10)}, Node ${profile.node}). Self time by category, then the top functions. Native frames are attributed to their caller. On a loaded machine, time a thread spends descheduled inside a system call is sampled in that call, so the CSPRNG share is an upper bound.`)
  out.push('')
  for (const [c, r] of Object.entries(profile.cases)) {
    out.push(`**${c}** — ${r.timing.replace(/^[^:]+: /, '')}: ${r.categories.map((x) => `${x.name} ${x.percent}%`).join(' · ')}`)
    out.push('')
    out.push(r.top.slice(0, 10).map((t) => `${t.percent}% ${t.name}`).join(' · '))
    out.push('')
  }
  return out.join('\n')
}

export function markdown(results, { findings, ab, profile } = {}) {
  const m = results.machine
  const out = []
  out.push('# Benchmarks')
  out.push('')
  out.push('<!-- Generated by `pnpm bench` (bench/run.mjs) from bench/results/latest.json. Edit bench/findings.md, not this file. -->')
  out.push('')
  out.push(`Run on ${results.date} (${results.quick ? '**quick** mode: fewer rounds, 32 MiB huge body' : 'full mode'}), ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB RAM, ${m.os}. Load average ${m.loadStart.map((x) => x.toFixed(2)).join(' / ')} at start, ${m.loadEnd.map((x) => x.toFixed(2)).join(' / ')} at the end${m.loadStart[0] > m.cores * 0.5 ? ' — **the machine was busy: absolute times are inflated; the paired ratios are the numbers to read**' : ''}.`)
  out.push('')
  out.push(`Runtimes: ${results.runtimes.map((r) => (r.error ? `${r.runtime} (failed: ${r.error})` : `${r.info.runtime} ${r.info.version ?? ''} (${r.info.engine ?? ''}${r.info.openssl ? `, OpenSSL ${r.info.openssl}` : ''})`)).join('; ')}. Signet: the built \`@signet/core\` dist; sigv4 from ${results.sigv4From === 'dist' ? 'the dist' : results.sigv4From === 'src-bundle' ? 'a bundle of `packages/core/src/schemes/sigv4` (core does not export `sigv4` yet)' : 'nowhere (not available)'}.`)
  out.push('')
  out.push('## How it is measured')
  out.push('')
  out.push('- Every implementation signs the same requests: GET with a query and no body, POST of 1 KiB JSON (a string), POST of 64 KiB and 1 MiB (bytes), and a huge body as a `Blob` and as a `ReadableStream` (Signet) or in-memory bytes (peers, which cannot stream). Each call builds its request from the URL string, as a caller would.')
  out.push('- **Limits** are what the runtime\'s fastest primitive needs at least: one HMAC-SHA256 over a string as long as Signet\'s signature base (`node:crypto` `createHmac` on Node/Deno/Bun, as the issue defines it; one awaited `crypto.subtle.sign` with a cached key in Chromium); the SigV4 minimum (SHA-256 of the canonical request + one HMAC with the derived key cached, + SHA-256 of the body); one SHA-256 of the body bytes. `createHmac`/`createHash` are not the fastest primitives everywhere, and Signet uses the faster ones: keyed inner/outer `Hash.copy()` states on Deno (twice its `createHmac`), a keyed `Bun.CryptoHasher` and `Bun.SHA256.hash` on Bun (2.2× and 2.4× its node:crypto), the one-shot `crypto.hash()` on Node (no Hash object: 0.2 against 0.6 µs for a short string). Their limits are measured too (`…-fastest`), T1a/T2a give the ratio to them in brackets, and the SHA-256 of a body (T4) is always the runtime\'s fastest.')
  out.push('- **Paired, interleaved rounds**: each round measures every case of a request group in a fresh random order (mitata `measure`: batches of calls, the fastest batch of the round); ratios are taken within a round, then their median over the rounds is reported. Absolute times are medians over rounds and drift with machine load; ratios do not drift much. Clock: the process\'s CPU time (user + system, all threads) in Node, Deno and Bun, which preemption by other jobs does not inflate; `performance.now()` in Chromium (cross-origin isolated, 5 µs resolution, so calls are batched more).')
  out.push('- Times in the tables are per call; `(n×)` is the paired ratio to the limit of that row: bodies ≥ 64 KiB to SHA-256 of the body, SigV4 implementations to the SigV4 limit, the others to one MAC.')
  out.push('')
  out.push('## Targets')
  out.push('')
  out.push('| # | target | runtime | request | measured | goal | |')
  out.push('|---|---|---|---|---:|---:|---|')
  for (const t of results.targets) {
    const measured = (t.value ?? (t.ratio ? `${t.ratio.median.toFixed(2)}×` : 'n/a')) + (t.note ? ` (${t.note})` : '')
    out.push(`| ${t.id} | ${t.target} | ${t.runtime} | ${t.group} | ${measured} | ${t.goal} | ${t.pass ? 'met' : t.ratio || t.value ? '**missed**' : 'not measured'} |`)
  }
  out.push('')
  for (const run of results.runtimes) {
    if (run.error) continue
    out.push(`## ${run.info.runtime} ${run.info.version ?? ''}`)
    out.push('')
    out.push(caseTable(run))
    out.push('')
    out.push('Speed-up of Signet over peers (paired, > 1 means Signet is faster):')
    out.push('')
    out.push(speedupTable(run))
    const errors = Object.entries(run.groups).flatMap(([gid, g]) => Object.entries(g.errors).map(([id, e]) => `${gid}/${id}: ${e}`))
    if (errors.length) {
      out.push('')
      out.push(`Failed cases: ${errors.map((e) => `\`${e.slice(0, 160)}\``).join('; ')}`)
    }
    out.push('')
  }
  if (results.memory?.length) {
    out.push('## Memory (Node, file-backed body, child process with --expose-gc)')
    out.push('')
    out.push('| scenario | body | idle RSS | peak over idle | time | budget |')
    out.push('|---|---:|---:|---:|---:|---|')
    for (const r of results.memory) {
      if (r.error || r.skipped) {
        out.push(`| ${r.label} | ${r.sizeMiB} MiB | ${r.error ? 'error' : 'skipped'} | | | ${r.error ?? r.skipped} |`)
        continue
      }
      out.push(`| ${r.label} | ${r.sizeMiB} MiB | ${r.idleMiB.toFixed(1)} MiB | +${r.deltaMiB.toFixed(1)} MiB | ${r.ms} ms | ${r.targeted ? (r.pass ? `≤ +${r.budgetMiB} MiB: met` : `≤ +${r.budgetMiB} MiB: **missed**`) : 'not a target (shows the cost of the pattern)'} |`)
    }
    out.push('')
  }
  if (results.size) {
    out.push('## Bundle sizes (esbuild, minified, browser conditions, gzip -9)')
    out.push('')
    out.push('| entry | measured | budget | |')
    out.push('|---|---:|---:|---|')
    for (const e of results.size.entries) {
      out.push(`| ${e.label} | ${e.skipped ? 'skipped' : `${(e.measured / 1000).toFixed(2)} kB`} | ${e.budget === undefined ? '—' : `${(e.budget / 1000).toFixed(2)} kB`} | ${e.skipped ?? (e.pass ? 'ok' : '**over**')} |`)
    }
    if (results.size.nodeOnly?.length) out.push(`\nNode-only references in browser bundles: ${results.size.nodeOnly.map((n) => `${n.entry}: ${n.what} in ${n.input}`).join('; ')}`)
    out.push('')
  }
  if (profile) {
    out.push(profileSection(profile))
    out.push('')
  }
  if (ab) {
    out.push(abSection(ab))
    out.push('')
  }
  out.push('## Running it')
  out.push('')
  out.push('Build first (`pnpm -r --filter \'./packages/*\' run build`): everything here measures the built packages.')
  out.push('')
  out.push('- `node bench/run.mjs` — this page and bench/results/latest.json (all runtimes, memory, sizes; ~10 min). `--quick` for CI (< 2 min), `--runtimes node,deno`, `--only get,post1k`, `--no-memory`, `--no-size`, `--verbose`.')
  out.push('- `node bench/size.mjs` — bundle budgets (bench/size-budgets.json); exits 1 when over budget or when a browser bundle reaches for Node.')
  out.push('- `node bench/profile.mjs` — the profile above (bench/results/profile.json); `--core <bundle>` profiles a variant.')
  out.push('- `node bench/profile-browser.mjs` — the same for signing in Chromium, through the CDP sampling profiler (prints only).')
  out.push('- `node bench/ab.mjs --rounds 21 --runtimes node,deno,bun,chromium` — the patch series above (bench/results/ab.json).')
  out.push('')
  if (findings) {
    out.push(findings.trim())
    out.push('')
  }
  return out.join('\n')
}

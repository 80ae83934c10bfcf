// Runs inside one runtime for bench/ab.mjs: imports every variant bundle of @signet/core and
// measures the same calls on each, all variants in the same interleaved rounds. The server
// runtimes run this file directly; Chromium runs runAB() from a bundle (see ab.mjs).
import { ACCESS_KEY_ID, makeRequests, MiB, REGION, SECRET, SERVICE } from './fixtures.mjs'
import { BUDGETS, clockOf, runGroup } from './harness.mjs'

export async function runAB(variants, { quick = false, only = ['get', 'post1k'], rounds, clock: clockName = 'cpu', batchScale = 1 } = {}) {
  const key = { id: ACCESS_KEY_ID, secret: SECRET }
  const budgets = structuredClone(quick ? BUDGETS.quick : BUDGETS.full)
  for (const b of Object.values(budgets)) {
    if (b.ms > 0 && rounds) b.rounds = rounds
    b.batch = Math.max(1, b.batch * (b.ms > 0 ? batchScale : 1))
  }
  const clock = clockOf(clockName)
  const out = { clock: clock.name, stat: undefined, groups: {} }
  for (const req of makeRequests({ hugeBytes: 32 * MiB })) {
    if (!only.includes(req.id)) continue
    const cases = []
    const impls = new Set()
    for (const v of variants) v.v4 ??= v.core.sigv4({ region: REGION, service: SERVICE })
    for (const { name, core, v4 } of variants) {
      const msg = (body = req.body) => ({ method: req.method, url: req.url, headers: req.headers, body })
      const add = (impl, c) => {
        impls.add(impl)
        cases.push({ id: `${name}:${impl}`, impl: 'signet', family: impl, label: `${name} ${impl}`, ...c })
      }
      if (req.size === 'huge') {
        add('rfc9421-blob', { fn: () => core.signRequest(msg(req.blob), { key }) })
        add('rfc9421-stream', { fn: () => core.signRequest(msg(req.stream()), { key }) })
        continue
      }
      add('rfc9421', { fn: () => core.signRequest(msg(), { key }) })
      add('sigv4', { fn: () => core.signRequest(msg(), { key, scheme: v4 }) })
      if (req.size === 'small') {
        const store = core.memoryReplayStore()
        add('rfc9421-verify', {
          // Every variant verifies requests signed by the baseline, so that only verification differs.
          param: async () => {
            const r = await variants[0].core.signRequest(msg(), { key })
            return { method: req.method, url: req.url, headers: { ...req.headers, ...r.headers }, body: req.body }
          },
          fn: (signed) => core.verifyRequest(signed, { keys: [key], replayStore: store }),
        })
        const store4 = core.memoryReplayStore()
        let n = 0
        add('sigv4-verify', {
          // SigV4 has no nonce: a signed x-request-id keeps same-second signatures distinct.
          param: async () => {
            const headers = { ...req.headers, 'x-request-id': `${name}-${++n}` }
            const r = await variants[0].core.signRequest({ method: req.method, url: req.url, headers, body: req.body }, { key, scheme: variants[0].v4 })
            return { method: req.method, url: req.url, headers: { ...headers, ...r.headers }, body: req.body }
          },
          fn: (signed) => core.verifyRequest(signed, { keys: [key], scheme: v4, replayStore: store4 }),
        })
      }
    }
    const result = await runGroup(req.id, cases, budgets[req.size], { clock })
    out.stat = result.stat
    out.groups[req.id] = { ...result, impls: [...impls] }
  }
  return out
}

if (!globalThis.document) {
  const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2)
  const value = (n) => {
    const i = args.indexOf(n)
    return i === -1 ? undefined : args[i + 1]
  }
  if (args.includes('--variant')) {
    const variants = []
    for (let i = 0; i < args.length; i++) {
      if (args[i] !== '--variant') continue
      const [name, file] = args[i + 1].split(/=(.*)/s)
      variants.push({ name, core: await import(new URL(`file://${file}`).href) })
    }
    const out = await runAB(variants, { quick: args.includes('--quick'), only: (value('--only') ?? 'get,post1k').split(','), rounds: value('--rounds') ? Number(value('--rounds')) : undefined })
    const { writeFileSync } = await import('node:fs')
    const file = value('--out')
    if (file) writeFileSync(file, JSON.stringify(out))
    else console.log(JSON.stringify(out))
  }
}

// The benchmark of one runtime: builds every request group's cases and measures them, paired.
// Isomorphic: the runtime entry (server-entry.mjs, browser-entry.mjs) passes the limit and peer
// builders that fit it.
import { hugeBytesFor, makeRequests } from './fixtures.mjs'
import { BUDGETS, clockOf, runGroup } from './harness.mjs'
import { signetBases, signetCases } from './cases.mjs'
import { sigv4From } from './signet.mjs'

export async function runSuite({ runtime, quick, only, batchScale = 1, clock: clockName = 'wall', limitCases, peerCases, hugeBlob, log = () => {} }) {
  const budgets = quick ? BUDGETS.quick : BUDGETS.full
  const hugeBytes = hugeBytesFor(quick)
  const requests = makeRequests({ hugeBytes, hugeBlob })
  const groups = {}
  const started = Date.now()
  const clock = clockOf(clockName)
  for (const req of requests) {
    if (only && !only.includes(req.id)) continue
    const bases = await signetBases(req)
    const cases = [...(await limitCases(req, bases)), ...signetCases(req), ...peerCases(req)]
    log(`${runtime}: ${req.id} (${cases.length} cases)`)
    const budget = { ...budgets[req.size] }
    budget.batch = Math.max(1, budget.batch * (req.size === 'huge' ? 1 : batchScale))
    const result = await runGroup(req.id, cases, budget, { log, clock })
    groups[req.id] = {
      label: req.label,
      size: req.size,
      bodyBytes: req.bodyBytes?.byteLength ?? 0,
      rfc9421BaseLength: bases.rfc9421Base.length,
      sigv4CanonicalLength: bases.sigv4CanonicalRequest?.length,
      ...result,
      alt: undefined, // the other per-round statistics stay out of latest.json (size); ab.mjs keeps them
    }
  }
  return { runtime, quick: !!quick, clock: clock.name, sigv4From, hugeBytes, seconds: (Date.now() - started) / 1000, groups }
}

// Paired, interleaved measurement on top of mitata's `measure`.
//
// Absolute times drift on a shared machine (other jobs, frequency scaling, GC). So every case of a
// request group is measured once per round, in a fresh shuffled order, each for a short budget, and
// ratios are taken between cases *of the same round* (paired), then summarized by their median
// over the rounds. A disturbance that hits one round moves numerator and denominator together or
// is voted out by the median. Within a round a case's time is the fastest of its batches (see
// STAT); the server runtimes use this process's CPU time as the clock (see clockOf).
//
// mitata's measuring core (lib.mjs): the package root also pulls its CLI printer, which imports bun:jsc.
import { measure } from 'mitata/src/lib.mjs'

/** Measuring budgets per size class: ms of CPU per case per round, and rounds. */
export const BUDGETS = {
  full: {
    small: { rounds: 21, ms: 30, batch: 64 },
    medium: { rounds: 11, ms: 40, batch: 4 },
    huge: { rounds: 5, ms: 0, batch: 1 },
  },
  quick: {
    small: { rounds: 5, ms: 12, batch: 32 },
    medium: { rounds: 5, ms: 15, batch: 2 },
    huge: { rounds: 2, ms: 0, batch: 1 },
  },
}

/**
 * Shuffle (mulberry32) from a seed. Seeds differ from run to run (see runGroup): a fixed order
 * would repeat any position effect (a case always measured after one that leaves garbage) in
 * every run, as a systematic bias.
 */
function shuffled(items, seed) {
  let a = seed >>> 0
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/**
 * Clocks. `cpu`: this process's CPU time (user + system, all threads; process.cpuUsage() in Node,
 * Deno and Bun). On a shared machine a call that is preempted does not accumulate CPU time, so
 * this is the steadier measure there; it also counts work a call pushes to other threads of the
 * process (thread-pool hashing, GC helpers). `wall`: performance.now() (mitata's default; the
 * only clock a page has).
 */
export function clockOf(name) {
  const cpu = globalThis.process?.cpuUsage
  if (name === 'cpu' && typeof cpu === 'function') {
    return {
      name: 'cpu',
      now: () => {
        const u = cpu()
        return (u.user + u.system) * 1e3
      },
    }
  }
  return { name: 'wall', now: undefined }
}

function options(budget, clock) {
  return {
    ...(clock.now ? { now: clock.now } : {}),
    gc: false, // mitata's fallback "gc" allocates 1 GiB; the runner collects between rounds itself
    min_cpu_time: budget.ms * 1e6,
    min_samples: budget.ms === 0 ? 1 : 5,
    warmup_samples: budget.ms === 0 ? 0 : 2,
    batch_samples: budget.batch,
    batch_unroll: 1,
    // Batch (many calls per sample) below 100 µs per call.
    batch_threshold: budget.ms === 0 ? 0 : 100_000,
    warmup_threshold: budget.ms === 0 ? 0 : 500_000,
  }
}

/** The time per call (ns) of `c` for this round, by three statistics over its samples (batches). */
async function once(c, budget, clock) {
  const opts = options(budget, clock)
  let stats
  if (c.param) {
    const param = c.param
    const fn = c.fn
    stats = await measure(function* () {
      yield { [0]: param, bench: fn }
    }, opts)
  } else {
    stats = await measure(c.fn, opts)
  }
  return { p50: stats.p50, p25: stats.p25, min: stats.min }
}

/**
 * The per-round statistic kept in `times`: `min` (the least disturbed batch; GC pauses fall in a
 * few batches only, so batches without one dominate p50 as well) unless SIGNET_BENCH_STAT says
 * p25 or p50. The other two are kept in `alt` for comparison.
 */
const STAT = (globalThis.process?.env?.SIGNET_BENCH_STAT ?? globalThis.Deno?.env.get('SIGNET_BENCH_STAT') ?? 'min')

const gc = globalThis.gc ?? globalThis.Bun?.gc ?? (() => {})

/**
 * Measures every case of `group` for `budget.rounds` rounds. Returns per-case arrays of per-round
 * times (ns/call); ratios are computed from them by the report, round by round.
 */
export async function runGroup(group, cases, budget, { log = () => {}, seed = (Math.random() * 2 ** 31) >>> 0, clock = clockOf('wall') } = {}) {
  // Verify once that every case works (and warm it) before timing anything.
  for (const c of cases) {
    try {
      const arg = c.param ? await c.param() : undefined
      await c.fn(arg)
    } catch (err) {
      c.error = String(err?.stack ?? err).split('\n').slice(0, 3).join(' | ')
      log(`  ${group}/${c.id}: FAILED ${c.error}`)
    }
  }
  const live = cases.filter((c) => !c.error)
  const times = Object.fromEntries(live.map((c) => [c.id, []]))
  const alt = { p50: Object.fromEntries(live.map((c) => [c.id, []])), p25: Object.fromEntries(live.map((c) => [c.id, []])), min: Object.fromEntries(live.map((c) => [c.id, []])) }
  // Round -1 is a warm-up (JIT tiers, caches, lazily loaded modules) and is not recorded; huge
  // bodies skip it (the check call above has warmed them, and each call is long).
  for (let r = budget.ms === 0 ? 0 : -1; r < budget.rounds; r++) {
    gc()
    for (const c of shuffled(live, seed * 1000 + r)) {
      if (c.error) continue
      try {
        const t = await once(c, r < 0 ? { ...budget, ms: Math.min(budget.ms, 5) } : budget, clock)
        if (r >= 0) {
          times[c.id].push(t[STAT])
          for (const k of Object.keys(alt)) alt[k][c.id].push(t[k])
        }
      } catch (err) {
        c.error = `round ${r + 1}: ${String(err?.stack ?? err).split('\n').slice(0, 3).join(' | ')}`
        delete times[c.id]
        for (const k of Object.keys(alt)) delete alt[k][c.id]
        log(`  ${group}/${c.id}: FAILED ${c.error}`)
      }
    }
    log(`  ${group} round ${r < 0 ? 'warm-up' : `${r + 1}/${budget.rounds}`}`)
  }
  return {
    seed,
    stat: STAT,
    times,
    alt,
    errors: Object.fromEntries(cases.filter((c) => c.error).map((c) => [c.id, c.error])),
    cases: cases.map(({ id, impl, family, label }) => ({ id, impl, family, label })),
  }
}

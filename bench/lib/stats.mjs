// Paired statistics over the per-round times the harness records.

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

export function median(values) {
  return quantile([...values].sort((a, b) => a - b), 0.5)
}

/** Median over rounds of a[r] / b[r], with the interquartile range; undefined when either is missing. */
export function pairedRatio(group, a, b) {
  const ta = group.times[a]
  const tb = group.times[b]
  if (!ta || !tb) return undefined
  const ratios = []
  for (let r = 0; r < Math.min(ta.length, tb.length); r++) if (ta[r] > 0 && tb[r] > 0) ratios.push(ta[r] / tb[r])
  if (ratios.length === 0) return undefined
  const s = ratios.sort((x, y) => x - y)
  return { median: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75), n: s.length }
}

/** Median ns/call of a case over the rounds. */
export function medianTime(group, id) {
  const t = group.times[id]
  return t && t.length ? median(t) : undefined
}

/** The fastest peer of a group (by median time), optionally of one family. */
export function bestPeer(group, family) {
  let best
  for (const c of group.cases) {
    if (c.impl !== 'peer' || group.errors[c.id] || (family && c.family !== family)) continue
    const t = medianTime(group, c.id)
    if (t !== undefined && (best === undefined || t < best.t)) best = { id: c.id, label: c.label, t }
  }
  return best
}

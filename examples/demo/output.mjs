// Printing for the demo: colour only on a terminal (never with NO_COLOR or in CI), one line per
// step with its details indented under it, and a line diff of two signature bases.

const env = process.env
export const color = env.NO_COLOR ? false : env.FORCE_COLOR ? true : Boolean(process.stdout.isTTY) && !env.CI

// `node demo.mjs | head` closes stdout early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw err
})

const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s))
export const bold = paint(1)
export const dim = paint(2)
export const red = paint(31)
export const green = paint(32)
export const yellow = paint(33)
export const cyan = paint(36)

export const MARK = { ok: green('✔'), fail: red('✘'), skip: yellow('–') }

export function print(line = '') {
  console.log(line)
}

/** One step: a mark, a title, then detail lines indented under it. */
export function printStep(status, title, lines = []) {
  const suffix = status === 'skip' ? yellow('  (skipped)') : status === 'fail' ? red('  (did not behave as shown)') : ''
  print(`${MARK[status]} ${bold(title)}${suffix}`)
  for (const line of lines) print(`    ${line}`)
}

/**
 * A line diff of two signature bases (longest common subsequence: bases are a few lines long).
 * Lines only in `a` are `- `, only in `b` are `+ `, common ones are dimmed.
 */
export function diffLines(a, b) {
  const x = a.split('\n')
  const y = b.split('\n')
  const lcs = Array.from({ length: x.length + 1 }, () => new Array(y.length + 1).fill(0))
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
  }
  const out = []
  let i = 0
  let j = 0
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push(dim(`  ${x[i]}`))
      i++
      j++
    } else if (j >= y.length || (i < x.length && lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push(red(`- ${x[i++]}`))
    } else {
      out.push(green(`+ ${y[j++]}`))
    }
  }
  return out
}

/** Shortens long values (signatures, digests) in detail lines. */
export function clip(text, max = 100) {
  const s = String(text)
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

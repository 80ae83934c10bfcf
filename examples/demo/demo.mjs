#!/usr/bin/env node
// Signet end to end: a local server that verifies signed requests (with a replay store) and signs
// its responses, and a client (@signet/fetch) that shows what is accepted, what is refused, and why.
//
//   node demo.mjs                      the default scheme, RFC 9421
//   node demo.mjs --scheme sigv4       the same story with another preset
//   node demo.mjs --scheme all         every preset, then a summary
//
// Steps a scheme cannot show are printed as skipped, with the reason. Exits 1 if any step does
// not behave as shown, 2 on a bad argument. Colour on a terminal only (never with NO_COLOR or CI).
import { bold, dim, MARK, print, red, green, cyan } from './output.mjs'
import { presetNames, presets } from './presets.mjs'
import { startServer } from './server.mjs'
import { tellStory } from './story.mjs'

const args = process.argv.slice(2)
let choice = 'rfc9421'
for (let i = 0; i < args.length; i++) {
  const a = args[i]
  if (a === '--scheme') choice = args[++i]
  else if (a.startsWith('--scheme=')) choice = a.slice('--scheme='.length)
  else if (a === '--help' || a === '-h') {
    print(`usage: node demo.mjs [--scheme <${[...presetNames, 'all'].join('|')}>]`)
    process.exit(0)
  } else {
    console.error(`unknown argument ${JSON.stringify(a)}; usage: node demo.mjs [--scheme <name>|all]`)
    process.exit(2)
  }
}
if (choice !== 'all' && !presetNames.includes(choice)) {
  console.error(`unknown scheme ${JSON.stringify(choice)}; choose one of: ${presetNames.join(', ')}, all`)
  process.exit(2)
}
const chosen = choice === 'all' ? presetNames : [choice]

const summary = []
for (const name of chosen) {
  const preset = presets[name]
  const server = await startServer(preset)
  print(bold(cyan(`Signet demo — ${name}`)) + dim(`: ${preset.title}`))
  print(dim(`server ${server.url} (node:http) verifies every request with a replay store${preset.noResponses ? '' : ' and signs its responses'}`))
  print(dim(`client createSignedFetch({ key, scheme${preset.noResponses ? '' : ', verifyResponse: true'} }) from @signet/fetch`))
  if (preset.note) print(dim(`note: ${preset.note}`))
  print()
  try {
    summary.push({ name, results: await tellStory(preset, server.url) })
  } finally {
    await server.close()
  }
  print()
}

const all = summary.flatMap((s) => s.results)
const failed = all.filter((r) => r.status === 'fail').length
if (summary.length > 1) {
  const steps = summary[0].results.map((r) => r.step)
  const width = Math.max(...summary.map((s) => s.name.length))
  print(bold('summary') + dim(`  (${MARK.ok} as shown, ${MARK.skip} skipped: the scheme cannot show it, ${MARK.fail} did not behave as shown)`))
  print(dim(`${''.padEnd(width)}  ${steps.join(' | ')}`))
  for (const s of summary) {
    const cells = s.results.map((r, i) => `${MARK[r.status]}${' '.repeat(Math.max(0, steps[i].length - 1))}`)
    print(`${s.name.padEnd(width)}  ${cells.join(' | ')}`)
  }
  print()
}
const skipped = all.filter((r) => r.status === 'skip').length
const counts = `${all.length - failed - skipped} as shown, ${skipped} skipped (the scheme cannot show them)`
print(failed === 0 ? green(`every step behaved as shown: ${counts}`) : red(`${failed} step(s) did not behave as shown; ${counts}`))
process.exit(failed === 0 ? 0 : 1)

// Runs the suite in this server runtime (node, deno or bun: same file, `<runtime> lib/server-entry.mjs`)
// and writes the JSON result to the path given by --out (else stdout).
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { serverLimitCases, serverPeerCases } from './cases-server.mjs'
import { runSuite } from './suite.mjs'

const args = (globalThis.Deno?.args ?? globalThis.process.argv.slice(2))
const flag = (name) => args.includes(name)
const value = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}

function runtimeInfo() {
  if (globalThis.Deno) return { runtime: 'deno', version: Deno.version.deno, engine: `V8 ${Deno.version.v8}` }
  if (globalThis.Bun) return { runtime: 'bun', version: Bun.version, engine: `JavaScriptCore (Bun ${Bun.revision?.slice(0, 7) ?? ''})` }
  return { runtime: 'node', version: process.versions.node, engine: `V8 ${process.versions.v8}`, openssl: process.versions.openssl }
}

const info = runtimeInfo()
const log = flag('--verbose') ? (m) => console.error(m) : () => {}
const result = await runSuite({
  runtime: info.runtime,
  quick: flag('--quick'),
  // CPU time by default: the steadier clock on a shared machine (see harness.mjs); --clock wall to compare.
  clock: value('--clock') ?? 'cpu',
  only: value('--only')?.split(','),
  limitCases: serverLimitCases,
  peerCases: serverPeerCases,
  log,
})
result.info = { ...info, cpu: os.cpus()[0]?.model, cores: os.cpus().length }
const json = JSON.stringify(result)
const out = value('--out')
if (out) writeFileSync(out, json)
else console.log(json)

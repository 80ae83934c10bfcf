import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runtime } from '../../../core/test/support/server.ts'
import { PUBLIC_ORIGIN } from './keys.ts'

/** A verifier machine: a child Node process running `verifier-server.ts`. */
export interface Verifier {
  readonly name: string
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  stop(): Promise<void>
}

export interface VerifierFleet {
  verifiers: Verifier[]
  stop(): Promise<void>
}

/**
 * Bundles `verifier-server.ts` (with @signet/core, this package's source and node-redis) into one
 * CommonJS file with esbuild, since Node 20 runs no TypeScript, then starts `count` Node
 * processes from it, all on the Redis at `redisUrl`. From Deno and Bun too, the children are Node.
 */
export async function startVerifiers(count: number, redisUrl: string): Promise<VerifierFleet> {
  const { build } = await import('esbuild')
  const dir = await mkdtemp(join(tmpdir(), 'signet-verifiers-'))
  const outfile = join(dir, 'verifier-server.cjs')
  await build({
    entryPoints: [fileURLToPath(new URL('./verifier-server.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  })
  const node = runtime === 'node' ? process.execPath : process.env.NODE_BINARY || 'node'
  const verifiers: Verifier[] = []
  try {
    for (let i = 0; i < count; i++) verifiers.push(await spawnVerifier(node, outfile, `verifier-${i + 1}`, redisUrl))
  } catch (err) {
    await Promise.all(verifiers.map((v) => v.stop()))
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  return {
    verifiers,
    async stop() {
      await Promise.all(verifiers.map((v) => v.stop()))
      await rm(dir, { recursive: true, force: true })
    },
  }
}

function spawnVerifier(node: string, script: string, name: string, redisUrl: string): Promise<Verifier> {
  return new Promise((resolve, reject) => {
    const proc: ChildProcess = spawn(node, [script], {
      env: { ...process.env, REDIS_URL: redisUrl, PUBLIC_ORIGIN, NAME: name },
      // stdin stays open: the child exits when it closes, so a crashed test leaves no server behind.
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let started = false
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`${name} did not start within 15 s:\n${stderr}`))
    }, 15_000)
    proc.stderr!.on('data', (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)))
    proc.stdout!.on('data', (chunk: Uint8Array) => {
      if (started) return
      stdout += new TextDecoder().decode(chunk)
      const line = stdout.split('\n')[0]
      if (!stdout.includes('\n') || !line) return
      started = true
      clearTimeout(timer)
      const { port } = JSON.parse(line) as { port: number }
      resolve({ name, url: `http://127.0.0.1:${port}`, stop: () => stopProcess(proc) })
    })
    proc.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    proc.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (!started) reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${stderr}`))
    })
  })
}

function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000)
    proc.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    proc.kill('SIGTERM')
  })
}

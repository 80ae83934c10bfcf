import { spawn, type ChildProcess } from 'node:child_process'
import { freePort } from '../../../../tools/free-port.ts'

/**
 * A real `redis-server` (Debian's package; `REDIS_SERVER` may name another binary) on a free
 * loopback port, without persistence, for the tests that need Redis. It can be stopped and started
 * again on the same port, to test what verifiers do while Redis is down.
 */
export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>
}

const READY = /Ready to accept connections/

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort()
  const binary = process.env.REDIS_SERVER || 'redis-server'
  let child: ChildProcess | undefined

  const start = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child = proc
      // If the test process dies without stopping it, do not leave the server behind.
      const killOnExit = (): void => void proc.kill('SIGKILL')
      process.once('exit', killOnExit)
      proc.once('exit', () => process.removeListener('exit', killOnExit))
      let output = ''
      const timer = setTimeout(() => fail(new Error(`redis-server did not become ready on port ${port} within 10 s:\n${output}`)), 10_000)
      const fail = (err: Error): void => {
        clearTimeout(timer)
        proc.kill('SIGKILL')
        reject(err)
      }
      const onData = (chunk: Uint8Array): void => {
        output += new TextDecoder().decode(chunk)
        if (READY.test(output)) {
          clearTimeout(timer)
          // Keep draining the pipes so the server never blocks on a full one.
          proc.stdout!.removeListener('data', onData)
          proc.stdout!.on('data', () => {})
          resolve()
        }
      }
      proc.stdout!.on('data', onData)
      proc.stderr!.on('data', (chunk: Uint8Array) => (output += new TextDecoder().decode(chunk)))
      proc.once('error', (err: NodeJS.ErrnoException) =>
        fail(err.code === 'ENOENT' ? new Error(`${binary} not found: these tests need a Redis server (Debian: apt-get install redis-server), or set REDIS_SERVER`) : err),
      )
      proc.once('exit', (code, signal) => {
        if (!READY.test(output)) fail(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output}`))
      })
    })

  const stop = async (): Promise<void> => {
    const proc = child
    child = undefined
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000)
      proc.once('exit', () => {
        clearTimeout(kill)
        resolve()
      })
      proc.kill('SIGTERM')
    })
  }

  await start()
  return { port, url: `redis://127.0.0.1:${port}`, stop, start }
}

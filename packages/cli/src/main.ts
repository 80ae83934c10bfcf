import { EXIT, FailureError, UsageError } from './args.ts'
import { diffCommand } from './commands/diff.ts'
import { explainCommand } from './commands/explain.ts'
import { serveCommand } from './commands/serve.ts'
import { signCommand } from './commands/sign.ts'
import { verifyCommand } from './commands/verify.ts'
import { HELP } from './help.ts'
import { processIo, type Io } from './io.ts'
import { printJson } from './output.ts'

/** The package version (checked against package.json by the tests). */
export const VERSION = '0.1.0'

export type Command = (argv: readonly string[], io: Io) => Promise<number>

export const COMMANDS: Readonly<Record<string, Command>> = {
  sign: signCommand,
  verify: verifyCommand,
  explain: explainCommand,
  diff: diffCommand,
  serve: serveCommand,
}

/**
 * Runs `signet <command> …` and resolves with the exit code (see {@link EXIT}). Never throws:
 * usage errors print what to fix (exit 2), network and internal errors exit 3.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined
    if (topic !== undefined && topic in HELP && topic !== 'main') {
      io.stdout.write(HELP[topic as keyof typeof HELP])
      return EXIT.ok
    }
    if (command === undefined) {
      io.stderr.write(HELP.main)
      return EXIT.usage
    }
    io.stdout.write(HELP.main)
    return EXIT.ok
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    io.stdout.write(`${VERSION}\n`)
    return EXIT.ok
  }
  const json = rest.includes('--json')
  const fn = COMMANDS[command]
  try {
    if (!fn) throw new UsageError(`unknown command ${JSON.stringify(command)}`, `use one of: ${Object.keys(COMMANDS).join(', ')} (signet --help)`)
    return await fn(rest, io)
  } catch (err) {
    return report(io, command, json, err)
  }
}

function report(io: Io, command: string, json: boolean, err: unknown): number {
  const e = err as { name?: string; message?: string; code?: string; stack?: string }
  let kind: 'usage' | 'failure' | 'internal'
  let fix: string | undefined
  let message = e?.message ?? String(err)
  if (err instanceof UsageError) {
    kind = 'usage'
    fix = err.fix
  } else if (err instanceof FailureError) {
    kind = 'failure'
  } else if (e?.name === 'SignetError') {
    // The core refused the input (an invalid header value, URL or option): the user can fix it.
    kind = 'usage'
    message = `${e.code}: ${message}`
  } else {
    kind = 'internal'
  }
  const code = kind === 'usage' ? EXIT.usage : EXIT.failure
  const prefix = message.startsWith('signet ') ? '' : `signet ${command}: `
  if (json) {
    printJson(io, { ok: false, command, error: { kind, message, ...(fix ? { fix } : {}) } })
  } else {
    io.stderr.write(`${prefix}${message}\n`)
    if (fix) io.stderr.write(`  fix: ${fix}\n`)
    if (kind === 'usage' && COMMANDS[command]) io.stderr.write(`  (signet ${command} --help shows every option)\n`)
    if (kind === 'internal') io.stderr.write(`${e?.stack ?? ''}\nthis is a bug in signet: please report it with the command that caused it (without the secret)\n`)
  }
  return code
}

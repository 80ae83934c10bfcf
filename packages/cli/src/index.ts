/**
 * @signet/cli as a library: the commands of the `signet` binary as functions, and the pieces
 * they are made of (capture parsing, base explanation and diffing, shell quoting), for tests and
 * tools. Every command takes its arguments and an {@link Io} and resolves with an exit code.
 * @packageDocumentation
 */
export { run, COMMANDS, VERSION } from './main.ts'
export type { Command } from './main.ts'
export { signCommand } from './commands/sign.ts'
export { verifyCommand } from './commands/verify.ts'
export { explainCommand } from './commands/explain.ts'
export { diffCommand } from './commands/diff.ts'
export { serveCommand } from './commands/serve.ts'
export { EXIT, UsageError, FailureError } from './args.ts'
export { processIo, memoryIo, Redactor } from './io.ts'
export type { Io, Writer } from './io.ts'
export { parseCapture, requestUrl } from './http-message.ts'
export type { Capture, CapturedRequest, CapturedResponse } from './http-message.ts'
export { segmentBase, parseComponentLine, parseSignatureParams } from './base-view.ts'
export type { Segment, BaseContext } from './base-view.ts'
export { parseServerReport, firstDifference, componentDifferences, differenceHint, matchBodyTransform, BODY_TRANSFORMS } from './diff.ts'
export type { ServerReport, FirstDifference, ComponentDifference, BodyTransform } from './diff.ts'
export { shellQuote, curlCommand } from './shell.ts'
export type { CurlCommand } from './shell.ts'
export { SCHEME_NAMES, detectScheme } from './schemes.ts'
export type { SchemeName } from './schemes.ts'

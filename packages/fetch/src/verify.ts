import { verifyStreaming } from './stream-verify.ts'
import { assertVerifiable, verifyBuffered, type VerificationContext } from './verify-response.ts'

/**
 * Response verification, in its own module so that it is loaded (dynamic `import()`, see
 * `signed-fetch.ts`) only by a fetch created with `verifyResponse`: code that only signs never
 * downloads it.
 */
export function verifyExchange(response: Response, ctx: VerificationContext): Promise<Response> {
  assertVerifiable(response)
  return ctx.verify.mode === 'stream' ? verifyStreaming(response, ctx) : verifyBuffered(response, ctx)
}

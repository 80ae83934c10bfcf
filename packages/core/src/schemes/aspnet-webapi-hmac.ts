import { utf8 } from '../canonicalize/encoding.ts'
import { fail } from '../errors.ts'
import { decodeUtf8Lossy } from '../canonicalize/form.ts'
import { checkPresetOptions, customScheme, type TimestampFormat } from './custom.ts'
import type { Scheme } from './types.ts'

/** Options of {@link aspnetWebApiHmac}. */
export interface AspNetWebApiHmacOptions {
  /** The user name sent in `Authentication: <username>:<signature>`. @default the signing key's id */
  username?: string
  /**
   * How `Timestamp` is written and read: the .NET "U" pattern of the server's culture. A function
   * only formats (verification then reads the en-US form); give `{ format, parse }` for both.
   * @default en-US `dddd, MMMM dd, yyyy h:mm:ss tt` in UTC, e.g. `Thursday, August 02, 2012 3:30:32 PM`
   */
  timestampFormat?: TimestampFormat | ((ms: number) => string)
  /** Accepted distance between `Timestamp` and the verifier's clock, ± seconds. @default 300 */
  windowSeconds?: number
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const EN_US = /^(Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday), (January|February|March|April|May|June|July|August|September|October|November|December) (\d{2}), (\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/

/** The en-US .NET "U" (universal full date/time) pattern, `dddd, MMMM dd, yyyy h:mm:ss tt`, in UTC. */
export const aspnetEnUsTimestamp: TimestampFormat = {
  format(ms) {
    const d = new Date(Math.floor(ms / 1000) * 1000)
    const h = d.getUTCHours()
    const pad = (n: number): string => String(n).padStart(2, '0')
    return `${DAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
  },
  parse(text) {
    const m = EN_US.exec(text)
    if (!m) return undefined
    const hour12 = Number(m[5])
    const [minute, second, day] = [Number(m[6]), Number(m[7]), Number(m[3])]
    if (hour12 < 1 || hour12 > 12 || minute > 59 || second > 59) return undefined
    const month = MONTHS.indexOf(m[2]!)
    const ms = Date.UTC(Number(m[4]), month, day, (hour12 % 12) + (m[8] === 'PM' ? 12 : 0), minute, second)
    const d = new Date(ms)
    // .NET refuses a date whose day of the week is wrong, or a day the month does not have.
    if (d.getUTCDate() !== day || DAYS[d.getUTCDay()] !== m[1]) return undefined
    return ms
  },
}

/**
 * Upper-cases like .NET's `String.ToUpper()`: character by character, never changing the length
 * (JavaScript would turn `ß` into `SS`).
 */
function dotNetUpper(text: string): string {
  let out = ''
  for (const ch of text) {
    const u = ch.toUpperCase()
    out += [...u].length === 1 ? u : ch
  }
  return out
}

/**
 * The ASP.NET Web API HMAC filter (cuongle/WebAPI.Hmac):
 *
 * ```
 * key       = UTF8(secret.toUpperCase())          the secret is the user's hashed password, as a string
 * path      = urlDecode(absolutePath.toLowerCase())   ('+' is a space)
 * params    = decoded query pairs ++ decoded form pairs, a repeated key's values joined by ",", sorted by key
 * message   = METHOD + "\n" + Timestamp + "\n" + path + "\n" + join("&", key + "=" + value)
 * headers:  Timestamp: <the signed text>    Authentication: <username>:base64(HMAC_SHA256(key, message))
 * ```
 * - The message always has three LFs. A JSON body, the host and other headers are not covered;
 *   URL-encoded form fields are.
 * - Keys are sorted by UTF-16 code units; the reference sorts with a culture-aware comparer. They
 *   agree for keys made of letters and digits in one case; mixed-case keys, or keys with
 *   punctuation, may sort differently and fail against the reference server.
 * - The verifier looks the key up by the received user name. With a `replayStore` it refuses a
 *   signature seen before, as the reference does with its 5-minute cache (which stores before
 *   verifying; Signet stores after). The window is the scheme's own (`windowSeconds`, ±5 min).
 * - The secret must be a string or bytes (its text is upper-cased), not a `CryptoKey`.
 * - Reference server statuses: every failure → 401.
 */
export function aspnetWebApiHmac(options: AspNetWebApiHmacOptions = {}): Scheme {
  checkPresetOptions('aspnetWebApiHmac', options)
  const { username } = options
  if (username !== undefined && (typeof username !== 'string' || username === '' || username.includes(':'))) {
    fail('invalid_input', `aspnetWebApiHmac: username must be a non-empty string without ':' (it is sent as <username>:<signature>), received ${JSON.stringify(username)}`, { component: 'username' })
  }
  const tf = options.timestampFormat
  const format: TimestampFormat = tf === undefined ? aspnetEnUsTimestamp : typeof tf === 'function' ? { format: tf, parse: aspnetEnUsTimestamp.parse } : tf
  return customScheme({
    name: 'aspnetWebApiHmac',
    parts: [
      { part: 'method' },
      { part: 'timestamp' },
      { part: 'path', lowerCase: true, decode: true, plusAsSpace: true },
      { part: 'params', form: true, joinRepeated: ',', sort: true },
    ],
    separator: '\n',
    mac: 'hmac-sha256',
    encoding: 'base64',
    deriveKey: (secret) => utf8.encode(dotNetUpper(decodeUtf8Lossy(secret))),
    signature: { header: 'authentication', template: '${keyId}:${signature}' },
    timestamp: { header: 'timestamp', format },
    windowSeconds: options.windowSeconds ?? 300,
    ...(username !== undefined ? { keyId: username } : {}),
  })
}

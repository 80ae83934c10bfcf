import { fail } from '../errors.ts'

/**
 * Python's `json.dumps(json.loads(text), separators=(",", ":"))` (with the default
 * `ensure_ascii=True`), computed from the exact JSON text, for servers that hash their own
 * re-serialization of the body (django_hmac_authentication and other Django REST framework code).
 *
 * Working from the text matters: a parsed JavaScript value has already lost what Python keeps.
 * - Key order is kept; a repeated key keeps its first position and its last value (a Python dict).
 * - Integers are kept digit for digit, however large (`-0` is `0`); more than 4300 digits is
 *   refused, as Python refuses to convert them.
 * - Numbers with a fraction or exponent are floats, printed with Python's `repr`: the shortest
 *   digits that round-trip (the same digits as JavaScript), in Python's layout: `1.0`, `0.1`,
 *   `1e-05`, `1e+16`, `123456789.0`.
 * - Strings are re-escaped: `"` `\` and `\b \f \n \r \t` by name, every other character outside
 *   `U+0020..U+007E` as lower-case `\uXXXX` (surrogate pairs above U+FFFF).
 * - `NaN`, `Infinity` and numbers that overflow a double are refused (Django REST framework's
 *   parser refuses the constants; an overflow would become `Infinity`, which no JSON peer parses).
 *
 * Grammar errors, control characters inside strings, a byte-order mark and trailing data throw
 * `invalid_input`, as Python's `json.loads` raises.
 */
export function canonicalPythonJson(text: string, options: { scheme?: string } = {}): string {
  if (typeof text !== 'string') fail('invalid_input', `${options.scheme ?? 'canonicalPythonJson'}: the JSON body must be given as text, received ${typeof text}`, { component: 'body' })
  return new Parser(text, options.scheme ?? 'canonicalPythonJson').document()
}

/** A string as Python's `json.dumps(s)` writes it with `ensure_ascii=True`. */
export function pythonJsonString(value: string): string {
  let out = '"'
  let start = 0
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue
    out += value.slice(start, i) + escapeUnit(c)
    start = i + 1
  }
  return out + value.slice(start) + '"'
}

function escapeUnit(c: number): string {
  switch (c) {
    case 0x22:
      return '\\"'
    case 0x5c:
      return '\\\\'
    case 0x0a:
      return '\\n'
    case 0x0d:
      return '\\r'
    case 0x09:
      return '\\t'
    case 0x08:
      return '\\b'
    case 0x0c:
      return '\\f'
    default:
      return '\\u' + c.toString(16).padStart(4, '0')
  }
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip, positional when the decimal
 * exponent is in [-4, 16), else scientific with a signed, at least two-digit exponent; an integral
 * value keeps `.0`.
 */
export function pythonFloatRepr(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const sign = x < 0 ? '-' : ''
  // Number::toString gives the shortest round-trip digits, the closest when several are shortest,
  // which is also what Python's repr (dtoa mode 0) picks. Only the layout differs.
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)))!
  const intPart = m[1]!
  const frac = m[2] ?? ''
  let digits = intPart + frac
  // value = 0.<digits> × 10^decpt
  let decpt = intPart.length + (m[3] ? Number(m[3]) : 0)
  const lead = /^0*/.exec(digits)![0].length
  digits = digits.slice(lead).replace(/0+$/, '')
  decpt -= lead
  const exp = decpt - 1
  if (exp < -4 || exp >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const e = Math.abs(exp).toString().padStart(2, '0')
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e}`
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`
}

/** Whether Python considers the value of this canonical JSON false (`if data:` fails). */
export function isPythonFalsyJson(canonical: string): boolean {
  return FALSY.has(canonical)
}
const FALSY = new Set(['{}', '[]', '""', '0', '0.0', '-0.0', 'false', 'null'])

/** Python's `sys.int_info.default_max_str_digits`. */
const MAX_INT_DIGITS = 4300
/** Deeper nesting than this makes Python's decoder hit its recursion limit. */
const MAX_DEPTH = 900

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y
const WHITESPACE = /[ \t\n\r]*/y

class Parser {
  private pos = 0
  private depth = 0
  constructor(
    private readonly text: string,
    private readonly scheme: string,
  ) {}

  document(): string {
    this.skipWhitespace()
    const out = this.value()
    this.skipWhitespace()
    if (this.pos !== this.text.length) this.error('extra data after the JSON value')
    return out
  }

  private error(reason: string): never {
    const at = this.pos
    return fail(
      'invalid_input',
      `${this.scheme}: the body is not JSON that Python's json module accepts (${reason} at offset ${at}); the server re-serializes the parsed body, so send a JSON body or a URL-encoded form`,
      { component: 'body', received: JSON.stringify(this.text.slice(Math.max(0, at - 10), at + 10)) },
    )
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos
    WHITESPACE.exec(this.text)
    this.pos = WHITESPACE.lastIndex
  }

  private value(): string {
    const c = this.text[this.pos]
    switch (c) {
      case '{':
        return this.object()
      case '[':
        return this.array()
      case '"':
        return pythonJsonString(this.string())
      case 't':
        return this.literal('true')
      case 'f':
        return this.literal('false')
      case 'n':
        return this.literal('null')
      case 'N':
      case 'I':
        return this.error('NaN and Infinity cannot be signed: they are not JSON')
      case undefined:
        return this.error('expected a value, found the end of the text')
      default:
        if (c === '-' && this.text.startsWith('-Infinity', this.pos)) this.error('NaN and Infinity cannot be signed: they are not JSON')
        return this.number()
    }
  }

  private literal(word: string): string {
    if (!this.text.startsWith(word, this.pos)) this.error('expected a value')
    this.pos += word.length
    return word
  }

  private number(): string {
    NUMBER.lastIndex = this.pos
    const m = NUMBER.exec(this.text)
    if (!m) this.error('expected a value')
    const raw = m[0]
    this.pos += raw.length
    if (m[1] === undefined && m[2] === undefined) {
      const negative = raw.startsWith('-')
      const digits = negative ? raw.slice(1) : raw
      if (digits.length > MAX_INT_DIGITS) this.error(`an integer with ${digits.length} digits exceeds Python's limit of ${MAX_INT_DIGITS}`)
      return negative && digits !== '0' ? raw : digits
    }
    const x = Number(raw)
    if (!Number.isFinite(x)) this.error(`the number ${raw.slice(0, 40)} overflows a double (Python would write Infinity)`)
    return pythonFloatRepr(x)
  }

  private string(): string {
    const text = this.text
    let i = this.pos + 1
    let out = ''
    let start = i
    for (;;) {
      if (i >= text.length) {
        this.pos = i
        this.error('unterminated string')
      }
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        out += text.slice(start, i)
        this.pos = i + 1
        return out
      }
      if (c < 0x20) {
        this.pos = i
        this.error('a control character inside a string')
      }
      if (c !== 0x5c) {
        i++
        continue
      }
      out += text.slice(start, i)
      const e = text[i + 1]
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e
          i += 2
          break
        case 'b':
          out += '\b'
          i += 2
          break
        case 'f':
          out += '\f'
          i += 2
          break
        case 'n':
          out += '\n'
          i += 2
          break
        case 'r':
          out += '\r'
          i += 2
          break
        case 't':
          out += '\t'
          i += 2
          break
        case 'u': {
          const hex = text.slice(i + 2, i + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = i
            this.error('an invalid \\u escape')
          }
          // Code units are kept as they are: a surrogate pair stays a pair, a lone surrogate stays
          // lone, exactly as Python re-escapes them.
          out += String.fromCharCode(parseInt(hex, 16))
          i += 6
          break
        }
        default:
          this.pos = i
          this.error('an invalid escape')
      }
      start = i
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.error(`nesting deeper than ${MAX_DEPTH} levels`)
  }

  private array(): string {
    this.enter()
    this.pos++
    this.skipWhitespace()
    const items: string[] = []
    if (this.text[this.pos] === ']') {
      this.pos++
      this.depth--
      return '[]'
    }
    for (;;) {
      this.skipWhitespace()
      items.push(this.value())
      this.skipWhitespace()
      const c = this.text[this.pos]
      if (c === ',') {
        this.pos++
        continue
      }
      if (c === ']') {
        this.pos++
        this.depth--
        return `[${items.join(',')}]`
      }
      this.error("expected ',' or ']'")
    }
  }

  private object(): string {
    this.enter()
    this.pos++
    this.skipWhitespace()
    // A Python dict: a repeated key keeps its first position and takes the last value.
    const members = new Map<string, string>()
    if (this.text[this.pos] === '}') {
      this.pos++
      this.depth--
      return '{}'
    }
    for (;;) {
      this.skipWhitespace()
      if (this.text[this.pos] !== '"') this.error('expected a property name in double quotes')
      const key = this.string()
      this.skipWhitespace()
      if (this.text[this.pos] !== ':') this.error("expected ':'")
      this.pos++
      this.skipWhitespace()
      members.set(key, this.value())
      this.skipWhitespace()
      const c = this.text[this.pos]
      if (c === ',') {
        this.pos++
        continue
      }
      if (c === '}') {
        this.pos++
        this.depth--
        let out = '{'
        let first = true
        for (const [k, v] of members) {
          out += (first ? '' : ',') + pythonJsonString(k) + ':' + v
          first = false
        }
        return out + '}'
      }
      this.error("expected ',' or '}'")
    }
  }
}

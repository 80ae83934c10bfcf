/**
 * Structured Field Values for HTTP (RFC 8941, as revised by RFC 9651), written from the RFC text.
 *
 * RFC 9421 carries its signatures in two Structured Fields: `Signature-Input` (a Dictionary whose
 * members are Inner Lists of Strings, each with Parameters) and `Signature` (a Dictionary of Byte
 * Sequences). The covered-components line of the signature base (`"@signature-params"`) is the
 * serialization of such an Inner List, so the serializer here must be byte-exact (RFC 9651 §4.1)
 * and the parser strict (RFC 9651 §4.2): a field is accepted or refused as a whole.
 *
 * Data model (plain data; everything here is pure and synchronous):
 *
 * | RFC type       | JavaScript value                                                    |
 * |----------------|---------------------------------------------------------------------|
 * | Integer        | `number` (a safe integer, |n| ≤ 999,999,999,999,999)                 |
 * | Decimal        | {@link Decimal} (`decimal(1.5)`), so that `1.0` stays a Decimal      |
 * | String         | `string` (printable ASCII only)                                      |
 * | Token          | {@link Token} (`token('sha-256')`)                                   |
 * | Byte Sequence  | `Uint8Array`                                                         |
 * | Boolean        | `boolean`                                                            |
 * | Date (9651)    | {@link SfDate} (`sfDate(1659578233)`, whole seconds since the epoch) |
 * | Display String | {@link DisplayString} (`displayString('füü')`)                       |
 *
 * Parameters and Dictionaries are ordered `Map`s. A repeated key overwrites the earlier value
 * and keeps the earlier position (RFC 9651 §4.2.2 / §4.2.3.2: "overwrite its value").
 *
 * Every failure — parsing or serializing — throws a `SignetError` with code `malformed_signature`.
 * Parse errors give the character offset, what was expected and a short escaped excerpt of what
 * was found; `details` carries `{ offset, expected, received, field }`.
 */
import { fail } from '../errors.ts'

// ---------------------------------------------------------------------------------------------
// Data model
// ---------------------------------------------------------------------------------------------

/** A Token (RFC 9651 §3.3.4): an unquoted identifier such as `sha-256` or `*`. */
export class Token {
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
  toString(): string {
    return this.value
  }
}

/**
 * A Decimal (RFC 9651 §3.3.2). Kept apart from `number` (which means Integer) so that `1.0`
 * round-trips as `1.0`. On serialization the value is rounded to three fractional digits
 * (half to even, on the number's shortest decimal form) and must have at most 12 integer digits.
 */
export class Decimal {
  readonly value: number
  constructor(value: number) {
    this.value = value
  }
  valueOf(): number {
    return this.value
  }
}

/** A Display String (RFC 9651 §3.3.8): Unicode text, percent-encoded UTF-8 on the wire. */
export class DisplayString {
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
  toString(): string {
    return this.value
  }
}

/** A Date (RFC 9651 §3.3.7): an integer number of seconds since the Unix epoch. */
export class SfDate {
  /** Seconds since 1970-01-01T00:00:00Z (an integer). */
  readonly value: number
  constructor(seconds: number) {
    this.value = seconds
  }
  /** The same instant as a JavaScript `Date` (an Invalid Date when beyond its range). */
  toDate(): Date {
    return new Date(this.value * 1000)
  }
}

export type BareItem = number | string | boolean | Uint8Array | Token | Decimal | DisplayString | SfDate
/** Ordered parameters; a key whose value is `true` serializes as `;key`. */
export type Parameters = Map<string, BareItem>
export interface Item {
  value: BareItem
  params: Parameters
}
export interface InnerList {
  items: Item[]
  params: Parameters
}
export type Member = Item | InnerList
export type Dictionary = Map<string, Member>
export type List = Member[]

/** Resource limits for parsing untrusted input. Exceeding any of them fails with `malformed_signature`. */
export interface Limits {
  /** Maximum input length in UTF-16 code units (default 8192). */
  maxLength?: number
  /** Maximum members of a List or Dictionary, repeated keys included (default 64). */
  maxMembers?: number
  /** Maximum items in one Inner List (default 64). */
  maxInnerListItems?: number
  /** Maximum parameters on one Item or Inner List, repeated keys included (default 32). */
  maxParams?: number
}

export const DEFAULT_LIMITS: Readonly<Required<Limits>> = Object.freeze({
  maxLength: 8192,
  maxMembers: 64,
  maxInnerListItems: 64,
  maxParams: 32,
})

/** `token('sha-256')` — a Token bare item. Validated when serialized. */
export const token = (value: string): Token => new Token(value)
/** `decimal(0.5)` — a Decimal bare item. Validated when serialized. */
export const decimal = (value: number): Decimal => new Decimal(value)
/** `displayString('füü')` — a Display String bare item. Validated when serialized. */
export const displayString = (value: string): DisplayString => new DisplayString(value)
/** `sfDate(1659578233)` or `sfDate(new Date(...))` — a Date bare item (whole seconds). */
export const sfDate = (value: number | Date): SfDate => new SfDate(value instanceof Date ? value.getTime() / 1000 : value)

/** Builds an Item; `params` may be a Map, an array of pairs or a plain object (kept in order). */
export function item(value: BareItem, params?: ParamsInit): Item {
  return { value, params: toParams(params) }
}
/** Builds an Inner List from Items or bare items. */
export function innerList(items: ReadonlyArray<Item | BareItem>, params?: ParamsInit): InnerList {
  return { items: items.map((i) => (isItemLike(i) ? i : item(i))), params: toParams(params) }
}
export type ParamsInit = Parameters | Iterable<readonly [string, BareItem]> | Record<string, BareItem>

/** True when a List or Dictionary member is an Inner List (and not an Item). */
export function isInnerList(member: Member): member is InnerList {
  return typeof member === 'object' && member !== null && Array.isArray((member as InnerList).items)
}

function isItemLike(v: unknown): v is Item {
  return typeof v === 'object' && v !== null && 'value' in v && 'params' in v
}

function toParams(init: ParamsInit | undefined): Parameters {
  if (init === undefined) return new Map()
  if (init instanceof Map) return init
  if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') return new Map(init as Iterable<readonly [string, BareItem]>)
  return new Map(Object.entries(init as Record<string, BareItem>))
}

// ---------------------------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------------------------

const SP = 0x20
const HTAB = 0x09
const DQUOTE = 0x22
const BACKSLASH = 0x5c

function table(chars: string, ranges: Array<[number, number]> = []): Uint8Array {
  const t = new Uint8Array(128)
  for (let k = 0; k < chars.length; k++) t[chars.charCodeAt(k)] = 1
  for (const [lo, hi] of ranges) for (let c = lo; c <= hi; c++) t[c] = 1
  return t
}
const DIGIT: [number, number] = [0x30, 0x39]
const LCALPHA: [number, number] = [0x61, 0x7a]
const UCALPHA: [number, number] = [0x41, 0x5a]
/** key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ) */
const KEY_START = table('*', [LCALPHA])
const KEY_CHAR = table('_-.*', [LCALPHA, DIGIT])
/** sf-token = ( ALPHA / "*" ) *( tchar / ":" / "/" ) */
const TOKEN_START = table('*', [LCALPHA, UCALPHA])
const TOKEN_CHAR = table("!#$%&'*+-.^_`|~:/", [LCALPHA, UCALPHA, DIGIT])

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64_VALUE = (() => {
  const t = new Int8Array(128).fill(-1)
  for (let k = 0; k < 64; k++) t[B64_ALPHABET.charCodeAt(k)] = k
  return t
})()

const inTable = (t: Uint8Array, c: number): boolean => c >= 0 && c < 128 && t[c] === 1
/** A character code that is a DIGIT. */
export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
/** A character code that may start a key (§3.1.2: lcalpha or "*"). */
export const isKeyStart = (c: number): boolean => inTable(KEY_START, c)
/** A character code that may continue a key (§3.1.2: lcalpha, DIGIT, "_", "-", ".", "*"). */
export const isKeyChar = (c: number): boolean => inTable(KEY_CHAR, c)

// ---------------------------------------------------------------------------------------------
// Parsing (RFC 9651 §4.2)
// ---------------------------------------------------------------------------------------------

type FieldKind = 'dictionary' | 'list' | 'item' | 'inner list'

/** A short, printable excerpt of `s` from `at`: safe to log, never the whole input. */
function excerpt(s: string, at: number): string {
  if (at >= s.length) return 'end of input'
  const max = 16
  let out = ''
  const end = Math.min(s.length, at + max)
  for (let k = at; k < end; k++) {
    const c = s.charCodeAt(k)
    if (c >= 0x20 && c < 0x7f && c !== DQUOTE && c !== BACKSLASH) out += s[k]
    else if (c === DQUOTE) out += '\\"'
    else if (c === BACKSLASH) out += '\\\\'
    else if (c < 0x100) out += '\\x' + c.toString(16).padStart(2, '0')
    else out += '\\u' + c.toString(16).padStart(4, '0')
  }
  return `"${out}${end < s.length ? '…' : ''}"`
}

// Callers pass the same constant limits with every field (rfc9421 per header): resolved once each.
const resolvedLimits = new WeakMap<Limits, Required<Limits>>()

function resolveLimits(limits: Limits | undefined): Required<Limits> {
  if (limits === undefined) return DEFAULT_LIMITS
  let resolved = resolvedLimits.get(limits)
  if (resolved === undefined) {
    resolved = checkLimits(limits)
    // Only frozen objects: a caller's mutable object could change between two parses.
    if (Object.isFrozen(limits)) resolvedLimits.set(limits, resolved)
  }
  return resolved
}

function checkLimits(limits: Limits): Required<Limits> {
  const pick = (name: keyof Limits): number => {
    const v = limits?.[name]
    if (v === undefined) return DEFAULT_LIMITS[name]
    if (typeof v !== 'number' || !(v >= 0)) fail('malformed_signature', `Structured field limit ${name} must be a non-negative number`)
    return v
  }
  return { maxLength: pick('maxLength'), maxMembers: pick('maxMembers'), maxInnerListItems: pick('maxInnerListItems'), maxParams: pick('maxParams') }
}

class Parser {
  readonly s: string
  readonly kind: FieldKind
  readonly limits: Required<Limits>
  i = 0

  constructor(input: unknown, kind: FieldKind, limits: Limits | undefined) {
    this.kind = kind
    this.limits = resolveLimits(limits)
    if (typeof input !== 'string') {
      fail('malformed_signature', `Invalid structured field ${kind}: expected a string, received ${input === null ? 'null' : typeof input}`, {
        field: kind,
        expected: 'string',
        received: input === null ? 'null' : typeof input,
      })
    }
    this.s = input
    if (input.length > this.limits.maxLength) {
      fail(
        'malformed_signature',
        `Invalid structured field ${kind}: input is ${input.length} characters long, over the limit of ${this.limits.maxLength} (maxLength)`,
        { field: kind, limit: 'maxLength', expected: `at most ${this.limits.maxLength} characters`, received: `${input.length} characters` },
      )
    }
    // §4.2 step 1: the field value must convert to ASCII.
    for (let k = 0; k < input.length; k++) if (input.charCodeAt(k) > 0x7f) this.error('ASCII characters only', k)
  }

  error(expected: string, at: number = this.i): never {
    const received = excerpt(this.s, at)
    fail('malformed_signature', `Invalid structured field ${this.kind} at offset ${at}: expected ${expected}, received ${received}`, {
      field: this.kind,
      offset: at,
      expected,
      received,
    })
  }

  limit(name: keyof Limits, what: string): never {
    const n = this.limits[name]
    fail('malformed_signature', `Invalid structured field ${this.kind} at offset ${this.i}: ${what} exceeds the limit of ${n} (${name})`, {
      field: this.kind,
      offset: this.i,
      limit: name,
      expected: `at most ${n}`,
      received: `more than ${n}`,
    })
  }

  get eof(): boolean {
    return this.i >= this.s.length
  }
  peek(): number {
    return this.i < this.s.length ? this.s.charCodeAt(this.i) : -1
  }
  skipSP(): void {
    while (this.s.charCodeAt(this.i) === SP) this.i++
  }
  skipOWS(): void {
    for (let c = this.s.charCodeAt(this.i); c === SP || c === HTAB; c = this.s.charCodeAt(this.i)) this.i++
  }

  /** §4.2 steps 6–7: only SP may follow the value. */
  finish(): void {
    this.skipSP()
    if (!this.eof) this.error(this.kind === 'dictionary' || this.kind === 'list' ? '"," or end of input' : `end of input after the ${this.kind}`)
  }

  /** §4.2.1 Parsing a List. */
  list(): Member[] {
    const members: Member[] = []
    while (!this.eof) {
      if (members.length >= this.limits.maxMembers) this.limit('maxMembers', 'number of list members')
      members.push(this.itemOrInnerList())
      this.skipOWS()
      if (this.eof) return members
      if (this.peek() !== 0x2c) this.error('"," or end of input after a list member')
      this.i++
      this.skipOWS()
      if (this.eof) this.error('a list member after ","')
    }
    return members
  }

  /** §4.2.2 Parsing a Dictionary. */
  dictionary(): Dictionary {
    const dict: Dictionary = new Map()
    let count = 0
    while (!this.eof) {
      if (count >= this.limits.maxMembers) this.limit('maxMembers', 'number of dictionary members')
      count++
      const key = this.key()
      let member: Member
      if (this.peek() === 0x3d) {
        this.i++
        member = this.itemOrInnerList()
      } else {
        member = { value: true, params: this.parameters() }
      }
      // Map#set overwrites the value and keeps the first position, as the RFC's ordered map does.
      dict.set(key, member)
      this.skipOWS()
      if (this.eof) return dict
      if (this.peek() !== 0x2c) this.error('"," or end of input after a dictionary member')
      this.i++
      this.skipOWS()
      if (this.eof) this.error('a dictionary member after ","')
    }
    return dict
  }

  /** §4.2.1.1 Parsing an Item or Inner List. */
  itemOrInnerList(): Member {
    return this.peek() === 0x28 ? this.innerList() : this.item()
  }

  /** §4.2.1.2 Parsing an Inner List. */
  innerList(): InnerList {
    if (this.peek() !== 0x28) this.error('"(" to open an inner list')
    this.i++
    const items: Item[] = []
    while (!this.eof) {
      this.skipSP()
      if (this.peek() === 0x29) {
        this.i++
        return { items, params: this.parameters() }
      }
      if (items.length >= this.limits.maxInnerListItems) this.limit('maxInnerListItems', 'number of inner list items')
      items.push(this.item())
      const c = this.peek()
      if (c !== SP && c !== 0x29) this.error('" " or ")" after an inner list item')
    }
    this.error('")" to close the inner list')
  }

  /** §4.2.3 Parsing an Item. */
  item(): Item {
    const value = this.bareItem()
    return { value, params: this.parameters() }
  }

  /** §4.2.3.1 Parsing a Bare Item. */
  bareItem(): BareItem {
    const c = this.peek()
    if (c === 0x2d || isDigit(c)) return this.number()
    if (c === DQUOTE) return this.string()
    if (inTable(TOKEN_START, c)) return this.token()
    if (c === 0x3a) return this.byteSequence()
    if (c === 0x3f) return this.boolean()
    if (c === 0x40) return this.date()
    if (c === 0x25) return this.displayString()
    this.error('a bare item (integer, decimal, string, token, byte sequence, boolean, date or display string)')
  }

  /** §4.2.3.2 Parsing Parameters. */
  parameters(): Parameters {
    const params: Parameters = new Map()
    let count = 0
    while (this.peek() === 0x3b) {
      if (count >= this.limits.maxParams) this.limit('maxParams', 'number of parameters')
      count++
      this.i++
      this.skipSP()
      const key = this.key()
      let value: BareItem = true
      if (this.peek() === 0x3d) {
        this.i++
        value = this.bareItem()
      }
      params.set(key, value)
    }
    return params
  }

  /** §4.2.3.3 Parsing a Key. */
  key(): string {
    const start = this.i
    if (!inTable(KEY_START, this.peek())) this.error('a key (starting with a lowercase letter or "*")')
    this.i++
    while (inTable(KEY_CHAR, this.peek())) this.i++
    return this.s.slice(start, this.i)
  }

  /** §4.2.4 Parsing an Integer or Decimal. */
  number(): number | Decimal {
    const start = this.i
    let sign = 1
    if (this.peek() === 0x2d) {
      this.i++
      sign = -1
    }
    if (this.eof) this.error('a digit after "-"')
    if (!isDigit(this.peek())) this.error('a digit')
    const digitsStart = this.i
    let dot = -1
    while (!this.eof) {
      const c = this.peek()
      if (isDigit(c)) {
        this.i++
      } else if (dot < 0 && c === 0x2e) {
        if (this.i - digitsStart > 12) this.error('a decimal with at most 12 integer digits', start)
        dot = this.i
        this.i++
      } else {
        break
      }
      const len = this.i - digitsStart
      if (dot < 0 && len > 15) this.error('an integer of at most 15 digits', start)
      if (dot >= 0 && len > 16) this.error('a decimal of at most 16 characters (12 integer and 3 fractional digits)', start)
    }
    const text = this.s.slice(digitsStart, this.i)
    if (dot < 0) {
      const n = sign * Number(text)
      return n === 0 ? 0 : n // no -0
    }
    if (dot === this.i - 1) this.error('a digit after "."')
    if (this.i - dot - 1 > 3) this.error('a decimal with at most 3 fractional digits', start)
    const n = sign * Number(text)
    return new Decimal(n === 0 ? 0 : n)
  }

  /** §4.2.5 Parsing a String. */
  string(): string {
    this.i++ // DQUOTE
    let out = ''
    let run = this.i
    while (!this.eof) {
      const c = this.s.charCodeAt(this.i)
      if (c === BACKSLASH) {
        out += this.s.slice(run, this.i)
        this.i++
        if (this.eof) this.error('\'"\' or "\\" after "\\" in a string')
        const n = this.s.charCodeAt(this.i)
        if (n !== DQUOTE && n !== BACKSLASH) this.error('\'"\' or "\\" after "\\" in a string')
        this.i++
        run = this.i - 1 // the escaped character starts the next run
      } else if (c === DQUOTE) {
        out += this.s.slice(run, this.i)
        this.i++
        return out
      } else if (c < 0x20 || c > 0x7e) {
        this.error('a printable ASCII character or \'"\' in a string')
      } else {
        this.i++
      }
    }
    this.error('\'"\' to close the string')
  }

  /** §4.2.6 Parsing a Token. */
  token(): Token {
    const start = this.i
    if (!inTable(TOKEN_START, this.peek())) this.error('a token (starting with a letter or "*")')
    this.i++
    while (inTable(TOKEN_CHAR, this.peek())) this.i++
    return new Token(this.s.slice(start, this.i))
  }

  /** §4.2.7 Parsing a Byte Sequence. */
  byteSequence(): Uint8Array {
    const start = this.i
    this.i++ // ":"
    const end = this.s.indexOf(':', this.i)
    if (end < 0) this.error('":" to close the byte sequence', this.s.length)
    for (let k = this.i; k < end; k++) {
      const c = this.s.charCodeAt(k)
      if (c !== 0x3d && B64_VALUE[c]! < 0) this.error('a base64 character (A-Z a-z 0-9 + / =) in a byte sequence', k)
    }
    const bytes = base64Decode(this.s, this.i, end)
    if (bytes === undefined) this.error('a byte sequence with valid base64 content', start)
    this.i = end + 1
    return bytes
  }

  /** §4.2.8 Parsing a Boolean. */
  boolean(): boolean {
    this.i++ // "?"
    const c = this.peek()
    if (c === 0x31 || c === 0x30) {
      this.i++
      return c === 0x31
    }
    this.error('"0" or "1" after "?"')
  }

  /** RFC 9651 §4.2.9 Parsing a Date. */
  date(): SfDate {
    this.i++ // "@"
    const start = this.i
    const n = this.number()
    if (n instanceof Decimal) this.error('an integer number of seconds after "@"', start)
    return new SfDate(n)
  }

  /** RFC 9651 §4.2.10 Parsing a Display String. */
  displayString(): DisplayString {
    const start = this.i
    if (this.s.charCodeAt(this.i + 1) !== DQUOTE) this.error('\'%"\' to open a display string')
    this.i += 2
    const bytes: number[] = []
    while (!this.eof) {
      const c = this.s.charCodeAt(this.i)
      if (c < 0x20 || c > 0x7e) this.error('a printable ASCII character in a display string')
      this.i++
      if (c === 0x25) {
        const h = hexValue(this.s.charCodeAt(this.i))
        const l = hexValue(this.s.charCodeAt(this.i + 1))
        if (h < 0 || l < 0) this.error('two lowercase hex digits after "%" in a display string')
        bytes.push(h * 16 + l)
        this.i += 2
      } else if (c === DQUOTE) {
        let text: string
        try {
          text = utf8Decoder().decode(new Uint8Array(bytes))
        } catch {
          this.error('valid UTF-8 in the display string', start)
        }
        return new DisplayString(text)
      } else {
        bytes.push(c)
      }
    }
    this.error('\'"\' to close the display string')
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10
  return -1 // uppercase hex is not allowed (RFC 9651 §4.2.10)
}

let decoder: TextDecoder | undefined
function utf8Decoder(): TextDecoder {
  return (decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }))
}

/**
 * Decodes base64 in `s[from, to)` (characters already checked to be in the alphabet or "=").
 * Padding may be omitted; when present it must be correct. Non-zero pad bits are accepted, as
 * RFC 9651 §4.2.7 asks of parsers. Returns undefined on malformed base64.
 */
function base64Decode(s: string, from: number, to: number): Uint8Array | undefined {
  let end = to
  let pad = 0
  while (end > from && s.charCodeAt(end - 1) === 0x3d && pad < 3) {
    end--
    pad++
  }
  const n = end - from
  const rem = n % 4
  if (rem === 1) return undefined
  if (pad > 0 && (n + pad) % 4 !== 0) return undefined
  const out = new Uint8Array(Math.floor(n / 4) * 3 + (rem === 0 ? 0 : rem - 1))
  let o = 0
  let k = from
  for (; k + 4 <= end; k += 4) {
    const a = B64_VALUE[s.charCodeAt(k)]!
    const b = B64_VALUE[s.charCodeAt(k + 1)]!
    const c = B64_VALUE[s.charCodeAt(k + 2)]!
    const d = B64_VALUE[s.charCodeAt(k + 3)]!
    if ((a | b | c | d) < 0) return undefined // "=" inside the data
    const v = (a << 18) | (b << 12) | (c << 6) | d
    out[o++] = v >> 16
    out[o++] = (v >> 8) & 0xff
    out[o++] = v & 0xff
  }
  if (rem >= 2) {
    const a = B64_VALUE[s.charCodeAt(k)]!
    const b = B64_VALUE[s.charCodeAt(k + 1)]!
    const c = rem === 3 ? B64_VALUE[s.charCodeAt(k + 2)]! : 0
    if ((a | b | c) < 0) return undefined
    const v = (a << 18) | (b << 12) | (c << 6)
    out[o++] = v >> 16
    if (rem === 3) out[o++] = (v >> 8) & 0xff
  }
  return out
}

/**
 * The bytes of a Byte Sequence's content `s[from, to)`, between its colons (§4.2.7), or undefined
 * when a character is outside the base64 alphabet and "=" or the padding is wrong: what the parser
 * would refuse.
 */
export function decodeByteSequence(s: string, from: number, to: number): Uint8Array | undefined {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k)
    if (c !== 0x3d && !(c < 128 && B64_VALUE[c]! >= 0)) return undefined
  }
  return base64Decode(s, from, to)
}

function base64Encode(bytes: Uint8Array): string {
  let out = ''
  let k = 0
  for (; k + 3 <= bytes.length; k += 3) {
    const v = (bytes[k]! << 16) | (bytes[k + 1]! << 8) | bytes[k + 2]!
    out += B64_ALPHABET[v >> 18]! + B64_ALPHABET[(v >> 12) & 63]! + B64_ALPHABET[(v >> 6) & 63]! + B64_ALPHABET[v & 63]!
  }
  const rem = bytes.length - k
  if (rem === 1) {
    const v = bytes[k]! << 16
    out += B64_ALPHABET[v >> 18]! + B64_ALPHABET[(v >> 12) & 63]! + '=='
  } else if (rem === 2) {
    const v = (bytes[k]! << 16) | (bytes[k + 1]! << 8)
    out += B64_ALPHABET[v >> 18]! + B64_ALPHABET[(v >> 12) & 63]! + B64_ALPHABET[(v >> 6) & 63]! + '='
  }
  return out
}

/**
 * Parses a Dictionary field value (RFC 9651 §4.2 with field type "dictionary"), e.g. the value
 * of `Signature-Input` or `Signature`. An empty (or all-SP) value is an empty Dictionary.
 * Multiple field lines must be joined with ", " by the caller first (RFC 9110 §5.3).
 */
export function parseDictionary(input: string, limits?: Limits): Dictionary {
  const p = new Parser(input, 'dictionary', limits)
  p.skipSP()
  const d = p.dictionary()
  p.finish()
  return d
}

/** Parses a List field value (RFC 9651 §4.2 with field type "list"). Empty input is an empty List. */
export function parseList(input: string, limits?: Limits): Member[] {
  const p = new Parser(input, 'list', limits)
  p.skipSP()
  const l = p.list()
  p.finish()
  return l
}

/** Parses an Item field value (RFC 9651 §4.2 with field type "item"). Empty input fails. */
export function parseItem(input: string, limits?: Limits): Item {
  const p = new Parser(input, 'item', limits)
  p.skipSP()
  const i = p.item()
  p.finish()
  return i
}

/**
 * Parses one Inner List on its own, e.g. the `"@signature-params"` line of a signature base,
 * `("@method" "@path");created=1618884473`. Leading and trailing SP are discarded.
 */
export function parseInnerList(input: string, limits?: Limits): InnerList {
  const p = new Parser(input, 'inner list', limits)
  p.skipSP()
  const l = p.innerList()
  p.finish()
  return l
}

// ---------------------------------------------------------------------------------------------
// Serialization (RFC 9651 §4.1)
// ---------------------------------------------------------------------------------------------

function serializeFail(message: string, details?: Record<string, unknown>): never {
  fail('malformed_signature', `Cannot serialize structured field: ${message}`, details)
}

function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object'
  return typeof v
}

/** §4.1.1 Serializing a List. An empty List serializes to "" (the field should then be omitted). */
export function serializeList(list: readonly Member[]): string {
  if (!Array.isArray(list)) serializeFail(`expected an array of members, received ${typeName(list)}`)
  let out = ''
  for (let k = 0; k < list.length; k++) {
    if (k > 0) out += ', '
    out += serializeMember(list[k]!)
  }
  return out
}

function serializeMember(m: Member): string {
  if (isInnerList(m)) return serializeInnerList(m)
  return serializeItem(m)
}

/** §4.1.1.1 Serializing an Inner List: `("a" "b");p=1`. */
export function serializeInnerList(list: InnerList): string {
  if (!isInnerList(list)) serializeFail(`expected an inner list, received ${typeName(list)}`)
  let out = '('
  for (let k = 0; k < list.items.length; k++) {
    if (k > 0) out += ' '
    out += serializeItem(list.items[k]!)
  }
  return out + ')' + serializeParams(list.params)
}

/** §4.1.1.2 Serializing Parameters: `;key=value`, or `;key` when the value is `true`. */
export function serializeParams(params: Parameters | undefined): string {
  if (params === undefined) return ''
  if (!(params instanceof Map)) serializeFail(`expected parameters as a Map, received ${typeName(params)}`)
  let out = ''
  for (const [key, value] of params) {
    out += ';' + serializeKey(key)
    if (value !== true) out += '=' + serializeBareItem(value)
  }
  return out
}

/** §4.1.1.3 Serializing a Key. */
export function serializeKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || !inTable(KEY_START, key.charCodeAt(0))) {
    serializeFail(`invalid key ${JSON.stringify(String(key))}: keys start with a lowercase letter or "*"`, { received: String(key) })
  }
  for (let k = 1; k < key.length; k++) {
    if (!inTable(KEY_CHAR, key.charCodeAt(k))) {
      serializeFail(`invalid key ${JSON.stringify(key)}: character at index ${k} is not one of a-z 0-9 _ - . *`, { received: key })
    }
  }
  return key
}

/** §4.1.2 Serializing a Dictionary: `a=1, b;x, c=("y" "z")`. Empty → "" (omit the field). */
export function serializeDictionary(dict: Dictionary): string {
  if (!(dict instanceof Map)) serializeFail(`expected a dictionary as a Map, received ${typeName(dict)}`)
  let out = ''
  let first = true
  for (const [key, member] of dict) {
    if (!first) out += ', '
    first = false
    out += serializeKey(key)
    if (!isInnerList(member) && member !== null && typeof member === 'object' && member.value === true) {
      out += serializeParams(member.params)
    } else {
      out += '=' + serializeMember(member)
    }
  }
  return out
}

/** §4.1.3 Serializing an Item. */
export function serializeItem(i: Item): string {
  if (i === null || typeof i !== 'object' || !('value' in i)) serializeFail(`expected an item ({ value, params }), received ${typeName(i)}`)
  return serializeBareItem(i.value) + serializeParams(i.params)
}

/** §4.1.3.1 Serializing a Bare Item. A plain `number` is an Integer; use {@link decimal} for Decimals. */
export function serializeBareItem(value: BareItem): string {
  switch (typeof value) {
    case 'number':
      return serializeInteger(value)
    case 'string':
      return serializeString(value)
    case 'boolean':
      return value ? '?1' : '?0'
    case 'object':
      if (value instanceof Uint8Array) return ':' + base64Encode(value) + ':'
      if (value instanceof Token) return serializeToken(value.value)
      if (value instanceof Decimal) return serializeDecimal(value.value)
      if (value instanceof DisplayString) return serializeDisplayString(value.value)
      if (value instanceof SfDate) return '@' + serializeInteger(value.value, 'date')
  }
  serializeFail(`unsupported bare item type ${typeName(value)}`)
}

const MAX_INTEGER = 999_999_999_999_999

/** §4.1.4 Serializing an Integer. */
function serializeInteger(n: number, what = 'integer'): string {
  if (!Number.isInteger(n)) {
    serializeFail(`${what} ${String(n)} is not an integer${what === 'integer' && Number.isFinite(n) ? ' (wrap decimals with decimal())' : ''}`)
  }
  if (n > MAX_INTEGER || n < -MAX_INTEGER) serializeFail(`${what} ${String(n)} is outside ±999,999,999,999,999`)
  return n === 0 ? '0' : String(n)
}

/**
 * §4.1.5 Serializing a Decimal. The number's shortest decimal form (what `String(n)` prints) is
 * rounded to three fractional digits, half to even; at most 12 integer digits may remain.
 */
function serializeDecimal(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) serializeFail(`decimal ${String(n)} is not a finite number`)
  const abs = Math.abs(n)
  if (abs >= 1e12) serializeFail(`decimal ${String(n)} has more than 12 integer digits`)
  // Below 0.0005 everything rounds to 0; this also avoids exponent notation (String(1e-7) = "1e-7").
  let thousandths = 0
  if (abs >= 0.0005) {
    const text = String(abs) // plain notation for 1e-6 <= abs < 1e21
    const dot = text.indexOf('.')
    const intPart = dot < 0 ? text : text.slice(0, dot)
    const frac = dot < 0 ? '' : text.slice(dot + 1)
    thousandths = Number(intPart + frac.slice(0, 3).padEnd(3, '0')) // ≤ 15 digits: exact
    if (frac.length > 3) {
      const next = frac.charCodeAt(3) - 0x30
      const rest = /[1-9]/.test(frac.slice(4))
      if (next > 5 || (next === 5 && (rest || thousandths % 2 === 1))) thousandths++
    }
  }
  const intValue = Math.floor(thousandths / 1000)
  if (intValue > 999_999_999_999) serializeFail(`decimal ${String(n)} has more than 12 integer digits after rounding`)
  const fracValue = thousandths % 1000
  const fracText = fracValue === 0 ? '0' : String(fracValue).padStart(3, '0').replace(/0+$/, '')
  return (n < 0 && thousandths !== 0 ? '-' : '') + String(intValue) + '.' + fracText
}

/** §4.1.6 Serializing a String. */
function serializeString(s: string): string {
  let out = '"'
  let run = 0
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    if (c < 0x20 || c > 0x7e) {
      serializeFail(`string contains a character outside printable ASCII at index ${k} (U+${c.toString(16).toUpperCase().padStart(4, '0')})`)
    }
    if (c === DQUOTE || c === BACKSLASH) {
      out += s.slice(run, k) + '\\'
      run = k
    }
  }
  return out + s.slice(run) + '"'
}

/** §4.1.7 Serializing a Token. */
function serializeToken(t: string): string {
  if (typeof t !== 'string' || t.length === 0 || !inTable(TOKEN_START, t.charCodeAt(0))) {
    serializeFail(`invalid token ${JSON.stringify(String(t))}: tokens start with a letter or "*"`, { received: String(t) })
  }
  for (let k = 1; k < t.length; k++) {
    if (!inTable(TOKEN_CHAR, t.charCodeAt(k))) serializeFail(`invalid token ${JSON.stringify(t)}: character at index ${k} is not allowed`, { received: t })
  }
  return t
}

/** RFC 9651 §4.1.11 Serializing a Display String. */
function serializeDisplayString(s: string): string {
  if (typeof s !== 'string') serializeFail(`display string value must be a string, received ${typeName(s)}`)
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(k + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        k++
        continue
      }
      serializeFail(`display string contains a lone surrogate at index ${k}`)
    }
    if (c >= 0xdc00 && c <= 0xdfff) serializeFail(`display string contains a lone surrogate at index ${k}`)
  }
  const bytes = new TextEncoder().encode(s)
  let out = '%"'
  for (const b of bytes) {
    if (b === 0x25 || b === DQUOTE || b < 0x20 || b > 0x7e) out += '%' + b.toString(16).padStart(2, '0')
    else out += String.fromCharCode(b)
  }
  return out + '"'
}

import { describe, expect, it } from 'vitest'
import { canonicalPythonJson, isPythonFalsyJson, pythonFloatRepr, pythonJsonString } from './python-json.ts'

// Expected values were produced by CPython 3.11: json.dumps(json.loads(text), separators=(",", ":")).
describe('canonicalPythonJson', () => {
  it('keeps key order, compacts whitespace, dedupes keys like a dict', () => {
    expect(canonicalPythonJson(' {"b" : 2 ,\n\t"a":[ 1 , {} , [] ]}\r\n')).toBe('{"b":2,"a":[1,{},[]]}')
    expect(canonicalPythonJson('{"a":1,"b":2,"a":3}')).toBe('{"a":3,"b":2}')
    expect(canonicalPythonJson('[true,false,null]')).toBe('[true,false,null]')
  })

  it('escapes like ensure_ascii=True: lower-case \\uXXXX, surrogate pairs, DEL, named escapes', () => {
    expect(canonicalPythonJson('{"x":"é😀"}')).toBe('{"x":"\\u00e9\\ud83d\\ude00"}')
    expect(canonicalPythonJson('"\\u00E9\\/\\b\\f\\n\\r\\t\\u0001\\u007f\\"\\\\"')).toBe('"\\u00e9/\\b\\f\\n\\r\\t\\u0001\\u007f\\"\\\\"')
    expect(canonicalPythonJson('"\\ud800 lone"')).toBe('"\\ud800 lone"')
    expect(canonicalPythonJson('{"ключ":"\u2028"}')).toBe('{"\\u043a\\u043b\\u044e\\u0447":"\\u2028"}')
    expect(pythonJsonString('a"b\\c\u0000~')).toBe('"a\\"b\\\\c\\u0000~"')
  })

  it('keeps integers exactly, however large', () => {
    expect(canonicalPythonJson('[12345678901234567890123456789,-0,0,-17]')).toBe('[12345678901234567890123456789,0,0,-17]')
    expect(canonicalPythonJson('9'.repeat(4300))).toBe('9'.repeat(4300))
    expect(() => canonicalPythonJson('9'.repeat(4301))).toThrow('4300')
  })

  it('writes floats as Python repr', () => {
    const cases: [string, string][] = [
      ['1.0', '1.0'], ['0.1', '0.1'], ['1e-5', '1e-05'], ['1E16', '1e+16'], ['1e15', '1000000000000000.0'],
      ['9999999999999999.0', '1e+16'], ['123456789012345678.5', '1.2345678901234568e+17'], ['-0.0', '-0.0'], ['0e10', '0.0'],
      ['0.0001', '0.0001'], ['0.00001234', '1.234e-05'], ['5e-324', '5e-324'], ['1.7976931348623157e308', '1.7976931348623157e+308'],
      ['2.5E+2', '250.0'], ['100', '100'], ['1e22', '1e+22'], ['1.5e-7', '1.5e-07'], ['1e100', '1e+100'], ['0.30000000000000004', '0.30000000000000004'],
    ]
    for (const [text, py] of cases) expect(`${text} → ${canonicalPythonJson(text)}`).toBe(`${text} → ${py}`)
    expect(pythonFloatRepr(1 / 3)).toBe('0.3333333333333333')
    expect(pythonFloatRepr(-2e-7)).toBe('-2e-07')
  })

  it('rejects what Python json (strict constants, as Django REST framework parses) rejects', () => {
    for (const bad of ['NaN', '[Infinity]', '{"a":-Infinity}', '[1e400]', '', ' ', '[1,2,]', '{"a":1,}', '01', '"a\tb"', '\ufeff{}', '{"a":tru}', '[1 2]', '"\\x"', '"\\u12"', '-', '1.', '.5', '1e', "{'a':1}", '[1]x']) {
      expect(() => canonicalPythonJson(bad, { scheme: 'djangoHmac' })).toThrow('djangoHmac')
    }
    let err: unknown
    try {
      canonicalPythonJson('{"a": NaN}')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ code: 'invalid_input', details: { component: 'body' } })
  })

  it('refuses pathological nesting instead of overflowing the stack', () => {
    expect(canonicalPythonJson('['.repeat(500) + ']'.repeat(500))).toHaveLength(1000)
    expect(() => canonicalPythonJson('['.repeat(5000) + ']'.repeat(5000))).toThrow('nesting')
  })

  it('knows Python falsiness', () => {
    for (const v of ['{}', '[]', '""', '0', '0.0', '-0.0', 'false', 'null']) expect(isPythonFalsyJson(v)).toBe(true)
    for (const v of ['{"a":1}', '[0]', '" "', '1', '0.1', 'true']) expect(isPythonFalsyJson(v)).toBe(false)
  })
})

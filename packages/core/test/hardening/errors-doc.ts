/**
 * Renders the generated part of docs/errors.md from the bad-input table (bad-inputs.ts), so the
 * page and the tests cannot drift apart. `print-errors-doc.ts` prints it or writes it into the
 * page; `bad-inputs.test.ts` checks the page is up to date.
 */
import { BAD_INPUTS, type BadInput, type Group } from './bad-inputs.ts'

export const BEGIN = '<!-- BEGIN GENERATED from packages/core/test/hardening/bad-inputs.ts: do not edit by hand -->'
export const END = '<!-- END GENERATED -->'

const cell = (text: string): string => text.replace(/\|/g, '\\|')

/** The generated section, markers included. */
export function renderBadInputTable(rows: readonly BadInput[] = BAD_INPUTS): string {
  const groups: Group[] = []
  for (const r of rows) if (!groups.includes(r.group)) groups.push(r.group)
  const out: string[] = [BEGIN, '', `${rows.length} bad inputs, each refused with the code shown (every row is a test).`]
  let n = 0
  for (const g of groups) {
    out.push('', `### ${g}`, '', '| # | Bad input | Refused by | Code |', '|---:|---|---|---|')
    for (const r of rows.filter((x) => x.group === g)) out.push(`| ${++n} | ${cell(r.name)} | \`${cell(r.call)}\` | \`${r.code}\` |`)
  }
  out.push('', END)
  return out.join('\n')
}

/** The generated section of `page` (markers included), or undefined when the markers are missing. */
export function generatedSection(page: string): string | undefined {
  const start = page.indexOf(BEGIN)
  const end = page.indexOf(END)
  if (start < 0 || end < start) return undefined
  return page.slice(start, end + END.length)
}

/** `page` with its generated section replaced by a fresh one. */
export function updatePage(page: string): string {
  const current = generatedSection(page)
  if (current === undefined) throw new Error(`docs/errors.md has no generated section (${BEGIN} … ${END})`)
  return page.replace(current, renderBadInputTable())
}

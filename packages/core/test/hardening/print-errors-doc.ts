/**
 * Prints the bad-input table of docs/errors.md, generated from bad-inputs.ts; with `--write`,
 * replaces it in docs/errors.md. Run with a runtime that executes TypeScript:
 *
 *   node_modules/.bin/bun packages/core/test/hardening/print-errors-doc.ts --write
 *   node_modules/.bin/deno run --allow-read --allow-write packages/core/test/hardening/print-errors-doc.ts --write
 */
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { renderBadInputTable, updatePage } from './errors-doc.ts'

const page = fileURLToPath(new URL('../../../../docs/errors.md', import.meta.url))
const argv = (globalThis as { process?: { argv?: string[] } }).process?.argv ?? []
if (argv.includes('--write')) {
  await writeFile(page, updatePage(await readFile(page, 'utf8')))
  console.log(`updated ${page}`)
} else {
  console.log(renderBadInputTable())
}

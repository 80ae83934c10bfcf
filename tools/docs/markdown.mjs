// Shared by the docs checkers: which Markdown files are checked, and reading them (fenced code
// blocks, headings and their GitHub anchors).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../../', import.meta.url))

/** docs/**.md (not the generated docs/api/), README.md, examples/**.md and the packages' README.md. */
export function markdownFiles() {
  const files = []
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.') || path === join(root, 'docs', 'api')) continue
        walk(path)
      } else if (entry.name.endsWith('.md')) files.push(path)
    }
  }
  walk(join(root, 'docs'))
  walk(join(root, 'examples'))
  for (const extra of ['README.md', 'CHANGELOG.md', ...readdirSync(join(root, 'packages')).map((p) => join('packages', p, 'README.md'))]) {
    const path = join(root, extra)
    if (existsSync(path) && statSync(path).isFile()) files.push(path)
  }
  return files.sort()
}

export const rel = (path) => relative(root, path)

/**
 * Fenced code blocks: `{ info, lang, flags, code, line, endLine, prelude }`, `line` being the
 * 1-based line of the first code line. `prelude` is the text of an HTML comment
 * `<!-- sample-prelude: … -->` on the line just before the fence (hidden setup for the checker).
 */
export function codeBlocks(text) {
  const lines = text.split('\n')
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i])
    if (!open) continue
    const [, indent, fence, info] = open
    const body = []
    let j = i + 1
    for (; j < lines.length; j++) {
      if (new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[j])) break
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j])
    }
    const [lang = '', ...flags] = info.trim().split(/\s+/)
    const before = lines[i - 1] ?? ''
    const prelude = /^\s*<!--\s*sample-prelude:([\s\S]*?)-->\s*$/.exec(before)?.[1]?.trim()
    blocks.push({ info: info.trim(), lang: lang.toLowerCase(), flags, code: body.join('\n'), line: i + 2, endLine: j + 1, prelude })
    i = j
  }
  return blocks
}

/**
 * The text with fenced code blocks blanked out (kept as empty lines, so line numbers hold), and
 * inline code spans removed unless `keepInline` (headings keep their code text in anchors).
 */
export function withoutCode(text, { keepInline = false } = {}) {
  const lines = text.split('\n')
  let fence
  return lines
    .map((line) => {
      const m = /^\s*(`{3,}|~{3,})/.exec(line)
      if (fence) {
        if (m && m[1][0] === fence[0] && m[1].length >= fence.length && /^\s*[`~]+\s*$/.test(line)) fence = undefined
        return ''
      }
      if (m) {
        fence = m[1]
        return ''
      }
      return keepInline ? line : line.replace(/(`+)[\s\S]*?\1/g, '')
    })
    .join('\n')
}

/** GitHub's anchor for a heading text (github-slugger): lower case, punctuation dropped, spaces → '-'. */
export function slug(heading) {
  const text = heading
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_](\S(?:.*?\S)?)[*_](?=[^\w*]|$)/g, '$1$2')
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** Every anchor a Markdown file offers: heading slugs (with GitHub's -1, -2 for repeats) and explicit ids. */
export function anchorsOf(text) {
  const anchors = new Set()
  const seen = new Map()
  for (const line of withoutCode(text, { keepInline: true }).split('\n')) {
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (h) {
      const base = slug(h[1])
      const n = seen.get(base) ?? 0
      seen.set(base, n + 1)
      anchors.add(n === 0 ? base : `${base}-${n}`)
    }
    for (const m of line.matchAll(/<a\s+(?:[^>]*?\s)?(?:id|name)="([^"]+)"/g)) anchors.add(m[1])
  }
  return anchors
}

export function read(path) {
  return readFileSync(path, 'utf8')
}

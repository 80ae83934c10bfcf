import { randomNonce } from '../clock.ts'

/**
 * FormData as `multipart/form-data` (RFC 7578), encoded the way browsers and undici do (HTML
 * "multipart/form-data encoding algorithm"), into a Blob whose file parts are the caller's own
 * Blobs: building it copies no file content, so a large file is still read in pieces when hashed
 * and sent. The boundary is random; send the returned Content-Type with the returned Blob.
 */
export function encodeMultipart(form: FormData): { blob: Blob; contentType: string } {
  const boundary = `----SignetFormBoundary${randomNonce()}`
  const parts: BlobPart[] = []
  // HTML §4.10.21.8: names and filenames escape LF, CR and '"'; string values normalize newlines to CRLF.
  const escape = (s: string): string => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22')
  form.forEach((value, name) => {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escape(name.replace(/\r\n|\r(?!\n)|(?<!\r)\n/g, '\r\n'))}"`
    if (typeof value === 'string') {
      parts.push(`${head}\r\n\r\n`, value.replace(/\r\n|\r(?!\n)|(?<!\r)\n/g, '\r\n'), '\r\n')
      return
    }
    const file = value as File
    head += `; filename="${escape(file.name ?? 'blob')}"\r\nContent-Type: ${file.type || 'application/octet-stream'}\r\n\r\n`
    parts.push(head, file, '\r\n')
  })
  parts.push(`--${boundary}--\r\n`)
  return { blob: new Blob(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

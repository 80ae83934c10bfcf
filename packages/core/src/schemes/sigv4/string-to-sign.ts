import { ALGORITHM, SCOPE_TERMINATOR } from './constants.ts'

/** `<YYYYMMDD>/<region>/<service>/aws4_request`. */
export function createScope(shortDate: string, region: string, service: string): string {
  return `${shortDate}/${region}/${service}/${SCOPE_TERMINATOR}`
}

/** `AWS4-HMAC-SHA256\n<amz-date>\n<scope>\n<hex SHA-256 of the canonical request>`. */
export function createStringToSign(amzDate: string, scope: string, canonicalRequestHash: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${canonicalRequestHash}`
}

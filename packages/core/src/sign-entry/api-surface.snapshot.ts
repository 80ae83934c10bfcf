/** Snapshot of @signet/core/sign's public exports (see api-surface.test.ts beside it). */
export const VALUE_EXPORTS: readonly string[] = ['SignetError', 'isSignetError', 'signRequest']

export const TYPE_EXPORTS: readonly string[] = [
  'ClockOptions',
  'ContentDigestAlgorithm',
  'HashAlgorithm',
  'HeadersInput',
  'LiteSignOptions',
  'LiteSignResult',
  'MessageBody',
  'MessageRequest',
  'SignetErrorCode',
  'SignetErrorDetails',
  'SigningKey',
]

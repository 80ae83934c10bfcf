// The schemes the demo can tell its story with: each is a Signet preset, a key in the form that
// scheme expects, the POST body it is shown with, and what it cannot show (with the reason, which
// the demo prints instead of silently dropping the step).
import {
  aspnetWebApiHmac,
  authorizationContentHmac,
  bodyNonceHmac,
  djangoHmac,
  pipeCanonical,
  rfc9421,
  sigv4,
} from '@signet/core'

const json = { contentType: 'application/json', body: '{"item":"book","qty":1}', tamper: (s) => s.replace('"qty":1', '"qty":9') }
const form = { contentType: 'application/x-www-form-urlencoded', body: 'item=book&qty=1', tamper: (s) => s.replace('qty=1', 'qty=9') }

/**
 * - `scheme()`: a fresh scheme (the server and the client each make their own).
 * - `key`: `{ id, secret }` as that scheme's servers issue them.
 * - `post`: the body of the POST steps and how one byte of it is changed.
 * - `bodyNotCovered`: why a changed body cannot be detected (the step then checks that the
 *   changed request is indeed accepted, and says so).
 * - `noResponses`: why responses are not signed.
 * - `responseHeaders`: the response headers that carry the signature.
 * - `note`: what is worth knowing about it, printed under the title.
 */
export const presets = {
  rfc9421: {
    title: 'RFC 9421 HTTP Message Signatures + RFC 9530 Content-Digest (the default)',
    scheme: () => rfc9421(),
    key: { id: 'demo-key', secret: 'correct horse battery staple' },
    post: json,
    responseHeaders: ['signature-input', 'signature', 'content-digest'],
  },
  sigv4: {
    title: 'AWS Signature Version 4 (service execute-api, region eu-west-1)',
    scheme: () => sigv4({ region: 'eu-west-1', service: 'execute-api' }),
    key: { id: 'AKIDEXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    post: json,
    noResponses: 'SigV4 signs requests only: AWS responses carry no signature',
  },
  authorizationContentHmac: {
    title: 'Flask "hmac-examples" headers (a keyed SHA-256, not an HMAC)',
    scheme: () => authorizationContentHmac({ keyId: 'demo-key' }),
    key: { id: 'demo-key', secret: 'correct horse battery staple' },
    post: json,
    bodyNotCovered: 'this scheme signs the path, the query and the timestamp only: the request body is not covered',
    responseHeaders: ['x-response-content-timestamp', 'x-response-content-hmac'],
    note: 'no nonce: the replay store remembers signatures, so two identical requests in the same second count as a replay',
  },
  djangoHmac: {
    title: 'django_hmac_authentication (Django REST framework)',
    scheme: () => djangoHmac(),
    // The api_secret as the server issues it: 32 random bytes, base64.
    key: { id: 'f4c3801c-a277-4fcb-92bb-44cb814026f6', secret: 'vEOQRdvaK4jyeLKGNP9oqpYTUvt/GZWbGG6iNmnDh8c=' },
    post: json,
    noResponses: 'django_hmac_authentication signs requests only',
    note: 'method, path, query and host are not signed: only the body (as Python re-serializes it) and the date',
  },
  pipeCanonical: {
    title: 'METHOD|path|headers|body with X-API-Signature',
    scheme: () => pipeCanonical({ keyId: 'demo-key' }),
    key: { id: 'demo-key', secret: 'correct horse battery staple' },
    post: json,
    noResponses: 'the pipe-canonical scheme signs requests only',
    note: 'the query string and the host are not signed',
  },
  aspnetWebApiHmac: {
    title: 'ASP.NET Web API HMAC filter (Timestamp + Authentication headers)',
    scheme: () => aspnetWebApiHmac(),
    // The key id is the user name; the secret is the user's hashed password, as a string.
    key: { id: 'alice', secret: '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8' },
    post: form,
    noResponses: 'the ASP.NET Web API filter signs requests only',
    note: 'the POST is a form: form fields are signed, a JSON body would not be',
  },
  bodyNonceHmac: {
    title: 'raw-body HMAC with X-Request-Timestamp and X-Request-Nonce (reference layout)',
    scheme: () => bodyNonceHmac({ keyId: 'demo-key' }),
    key: { id: 'demo-key', secret: 'correct horse battery staple' },
    post: json,
    noResponses: 'the body+nonce scheme signs requests only',
    note: 'only the body is signed: method, path and (in this reference layout) the timestamp and nonce are not; bodyNonceHmac({ bound: true }) binds them',
  },
}

export const presetNames = Object.keys(presets)

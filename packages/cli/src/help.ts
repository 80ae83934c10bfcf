/** `--help` texts. Kept in one place so that docs/cli.md and the binary say the same things. */

const SCHEMES = 'rfc9421 (default) | sigv4 | authorizationContentHmac | djangoHmac | pipeCanonical | aspnetWebApiHmac | bodyNonceHmac'

const SECRET = `Secret (never on the command line):
  --secret-env NAME          read the secret from this environment variable (default SIGNET_SECRET)
  --secret-file PATH         read it from a file (a trailing newline is ignored)
  --secret-encoding ENC      utf8 (default: the text's bytes) | base64 | hex`

const SCHEME = `Scheme:
  --scheme NAME              ${SCHEMES}
  --key-id ID                the key id (rfc9421 keyid, sigv4 access key id, django api_key)
  --algorithm HASH           sha256 (default) | sha384 | sha512      rfc9421, djangoHmac
  rfc9421:   --label L  --components LIST  --tag T  --expires-in S  --no-nonce  --nonce N
             --content-digest sha-256|sha-512|none
  sigv4:     --region R --service S  --session-token-env NAME  --unsigned-payload
             --presign [--expires-in S] (sign only)
  aspnetWebApiHmac: --username U      pipeCanonical: --signed-headers a,b
  bodyNonceHmac: --bound --nonce N    authorizationContentHmac, djangoHmac, pipeCanonical,
                                      aspnetWebApiHmac, bodyNonceHmac: --window S`

const REQUEST = `Request (as with curl):
  URL | --url URL            the request URL (http:// or https://)
  -X, --request METHOD       default GET, or POST with data
  -H, --header 'Name: v'     repeatable; -H @file reads one header per line
  -d, --data DATA            text, or @file (CR/LF removed, as curl does), @- for stdin
  --data-binary DATA         text, or @file sent unchanged (large files stream: hashed in pieces)
  --data-raw TEXT            text, never a file
  With data and no Content-Type, curl sends application/x-www-form-urlencoded: signet adds
  that header so that it is signed. curl's -s, -S, -i, -v, -f are accepted and ignored.`

const EXIT = `Exit codes: 0 signed / valid / accepted / identical, 1 invalid / refused / different,
            2 usage error (bad flags, no secret, unreadable input), 3 network or internal error.`

export const HELP = {
  main: `signet: sign, verify, explain and diff HTTP request signatures

Usage: signet <command> [options]

Commands:
  sign      sign a request: print the headers to add, a curl command (--curl), or send it (--send)
  verify    check the signature of a captured request or response (raw HTTP or curl -v output)
  explain   show the exact base / string to sign, component by component, with each origin
  diff      compare your base with the one the server reports: the first differing byte, and why
  serve     a local verifying server to try a client against

Every command takes --help and --json.
${EXIT}

Example: why does the server say the signature is wrong?
  export SIGNET_SECRET='…'
  signet sign --key-id k1 -X POST -H 'Content-Type: application/json' -d '{"a":1}' https://api.example.com/items --send > answer.json
  signet explain --key-id k1 -X POST -H 'Content-Type: application/json' -d '{"a":1}' https://api.example.com/items
  signet diff --server-base answer.json -X POST -H 'Content-Type: application/json' -d '{"a":1}' https://api.example.com/items

Docs: docs/cli.md
`,

  sign: `signet sign: sign a request

Usage: signet sign [options] URL

Prints the headers to add (one "Name: value" per line, usable as curl -H @file), or with
--curl a curl command that sends exactly what was signed, or with --send sends the request and
shows the status and whether the response's signature verified.

${REQUEST}

${SCHEME}

${SECRET}

Output:
  --curl                     print a curl command (shell-quoted; files as --data-binary @file)
  --send                     send it; the response body goes to stdout, the status to stderr
  --json                     one JSON object: headers, base, curl command (and the response)
  --now TIME                 sign as of this time (unix seconds or ISO-8601)
  --clock-offset S           add S seconds to the clock (server ahead: positive; write =-S)
  --progress | --no-progress progress while hashing a large file (default: on a TTY, ≥ 16 MiB)

${EXIT}

Examples:
  export SIGNET_SECRET='correct horse battery staple'
  signet sign --key-id k1 https://api.example.com/items
  signet sign --key-id k1 -X POST -H 'Content-Type: application/json' -d '{"a":1}' https://api.example.com/items --curl
  signet sign --key-id k1 --data-binary @backup.tar -X PUT https://api.example.com/upload --send
  signet sign --scheme sigv4 --region us-east-1 --service execute-api --key-id AKIDEXAMPLE https://abc.execute-api.us-east-1.amazonaws.com/prod/items
  signet sign --scheme sigv4 --region us-east-1 --service s3 --key-id AKIDEXAMPLE --presign --expires-in 600 https://bucket.s3.amazonaws.com/key
  signet sign --scheme djangoHmac --key-id my-api-key --secret-file api_secret.txt -X POST -H 'Content-Type: application/json' -d '{"a":1}' https://api.example.com/x
`,

  verify: `signet verify: check a captured request or response

Usage: signet verify [options] [FILE | -]

FILE (or stdin) holds a raw HTTP message: the request line (GET /path HTTP/1.1) or status line
(HTTP/1.1 200 OK), the headers, a blank line, the body. curl -v output is read too: "> " lines
are the request, "< " lines the response, "* " lines are ignored; both are verified (the response
bound to the request). The scheme is recognized from the headers unless --scheme says.

  --key-id ID                accept only this key id (default: the id the message names)
  --request FILE             the request a response answers (to check its ;req binding)
  --body FILE                the request body (curl -v output does not contain it)
  --response-body FILE       the response body (e.g. saved with curl -o)
  --origin URL               scheme and host for a request line with only a path (default http://<Host>)
  --now TIME                 verify as of this time (unix seconds or ISO-8601): for old captures
  --max-age S                oldest accepted signature (rfc9421, sigv4; default 300)
  --clock-skew S             tolerated clock difference (default 30)
  --json                     one JSON object with a result per message

${SCHEME}

${SECRET}

${EXIT}

Examples:
  signet verify request.http
  signet verify --now 1700000000 --key-id k1 request.http
  curl -v … 2>&1 | signet verify --body body.json -
  signet verify --request request.http response.http
`,

  explain: `signet explain: show the exact base (string to sign) Signet builds, line by line

Usage: signet explain [options] URL
       signet explain --message FILE [--response]

For a request given as flags (as for signet sign): the base the signer builds, each component
with where its value comes from. No secret is needed (keyed-hash schemes show <secret>). When the
flags carry signature headers, or with --message, the base a verifier rebuilds from that message.

${REQUEST}

${SCHEME}

  --message FILE             explain a captured message instead (raw HTTP or curl -v; - is stdin)
  --response                 with --message: explain the response
  --origin URL               scheme and host for a request line with only a path
  --now TIME                 sign as of this time (reproducible output; with --nonce)
  --raw                      print the exact base only (no trailing newline)
  --json                     { base, components: [{ component, text, origin, line }] }

${EXIT}

Examples:
  signet explain -X POST -H 'Content-Type: application/json' -d '{"hello": "world"}' 'https://example.com/foo?param=Value'
  signet explain --scheme sigv4 --region us-east-1 --service iam --key-id AKIDEXAMPLE 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'
  signet explain --message captured.http --raw > verifier-base.txt
`,

  diff: `signet diff: compare your signature base with the one the server reports

Usage: signet diff --server-base FILE [options] URL
       signet diff --server-base FILE --base FILE

The server's report (--server-base FILE, or stdin) is its JSON error body with details.base (what
Signet servers and signet serve answer), an AWS SignatureDoesNotMatch error (XML), or the base
as text. Your side is the request as flags (as for signet sign): signed again with the server's
signature parameters (created, nonce, key id, components; the SigV4 date; the custom schemes'
timestamps), or, when the flags carry the signature headers that were sent, rebuilt from them.
Or give your base directly (--base FILE, e.g. from signet sign --json) or a capture (--message FILE).

Shows the first differing line, column and bytes, every differing component, and the usual
cause (encoding of path or query, header whitespace, JSON re-serialization, created / clock,
a body changed by a proxy or the client library). For a digest_mismatch report it finds which
usual change (curl -d stripping newlines, re-serialized JSON, CRLF…) turns your body into the
one the server hashed.

  --server-base FILE         what the server reported (- or absent: stdin)
  --base FILE                your base, as text
  --message FILE             your request, captured (raw HTTP or curl -v)
  --now TIME                 signing time, when the server's base does not show it

${REQUEST}

${SCHEME}

Exit codes: 0 the bases are identical (then the key differs), 1 they differ, 2 usage error.

Examples:
  signet diff --server-base answer.json -X POST -H 'Content-Type: application/json' --data-binary @order.json http://127.0.0.1:8787/orders
  signet diff --server-base aws-error.xml --scheme sigv4 --key-id AKIDEXAMPLE 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'
  signet diff --server-base server-log.txt --base signer.txt
`,

  serve: `signet serve: a local verifying server to try a client against

Usage: signet serve [options]

Verifies every request with the scheme and key. Answers 200 with what was verified, or 401 with
{ ok: false, code, message, details } where details.base is the base it rebuilt (save it and
run signet diff). Signs its responses when the scheme does. One line per request on stderr.

  --port N                   default 8787 (0: any free port)
  --host H                   default 127.0.0.1
  --key-id ID                accept only this key id
  --max-age S, --clock-skew S   freshness (rfc9421, sigv4)
  --replay                   refuse a nonce (or a signature) seen before
  --json                     JSON lines on stdout: { event: "listening" | "request", … }

${SCHEME}

${SECRET}

Exit codes: 0 stopped (SIGINT/SIGTERM), 2 usage error (bad flags, no secret, port in use).

Example:
  export SIGNET_SECRET='correct horse battery staple'
  signet serve --key-id demo --port 8787
`,
} as const

"""Reference client for METHOD|path|headers|body with X-API-Signature, from shared/schemes/README.md.

Usage: pipe_canonical_client.py BASE_URL '{"secret": "..."}'
"""
import hashlib
import hmac
import time
from urllib.parse import unquote

from refclient import base_url, config, report, send

SECRET = config().get("secret", "your-secure-secret-from-env").encode("utf-8")


def signature(method, path, headers, body):
    header_part = "|".join(h + ":" + headers[h].strip() for h in ["content-type", "x-request-timestamp"] if headers.get(h))
    canonical = method.upper() + "|" + unquote(path) + "|" + header_part + "|" + body.decode("utf-8", errors="replace")
    return hmac.new(SECRET, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def call(name, method, path, expected, body=b"", content_type=None, query="", ts_shift=0, sent_body=None, omit_signature=False):
    headers = {"x-request-timestamp": str(int(time.time()) + ts_shift)}
    if content_type is not None:
        headers["content-type"] = content_type
    if not omit_signature:
        headers["x-api-signature"] = signature(method, path, headers, body)
    status, _, _ = send(method, base_url() + path + ("?" + query if query else ""), headers, sent_body if sent_body is not None else body or None)
    report(name, status, expected)


call("JSON POST", "POST", "/api/transfer", 200, b'{"from":"A","to":"B","amount":100}', "application/json")
call("no Content-Type", "POST", "/api/transfer", 200, b'{"a":1}')
call("GET without a body", "GET", "/api/items", 200)
call("query is not covered", "POST", "/api/transfer", 200, b'{"a":1}', "application/json", query="anything=1")
call("non-ASCII body, encoded path", "POST", "/api/tr%61nsfer", 200, '{"x":"\u00e9"}'.encode("utf-8"), "application/json; charset=utf-8")
call("body changed", "POST", "/api/transfer", 401, b'{"a":1}', "application/json", sent_body=b'{"a":2}')
call("stale timestamp", "POST", "/api/transfer", 400, b'{"a":1}', "application/json", ts_shift=-120)
call("no signature", "POST", "/api/transfer", 400, b'{"a":1}', "application/json", omit_signature=True)

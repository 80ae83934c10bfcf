"""Reference client for the Flask "hmac-examples" headers, written from shared/schemes/README.md.

Signs hex(SHA256(decoded path + "?" + raw query + ts + secret)) and checks the response's
X-Response-Content-HMAC = hex(SHA256(UTF8(rts + "|" + body) + UTF8(secret))) over the exact body.
Usage: authorization_content_hmac_client.py BASE_URL '{"secret": "..."}'
"""
import hashlib
import hmac
import time
from urllib.parse import unquote

from refclient import base_url, config, report, send

SECRET = config().get("secret", "your_secret_key")


def request_hmac(signed_target, ts):
    return hashlib.sha256((signed_target + ts + SECRET).encode("utf-8")).hexdigest()


def call(name, method, path, query, expected, ts_shift=0, signed_target=None, body=None):
    ts = str(int(time.time()) + ts_shift)
    target = signed_target if signed_target is not None else unquote(path) + "?" + query
    headers = {"X-Authorization-Timestamp": ts, "X-Authorization-Content-HMAC": request_hmac(target, ts)}
    if body is not None:
        headers["Content-Type"] = "application/json"
    status, resp_headers, resp_body = send(method, base_url() + path + ("?" + query if query else ""), headers, body)
    verified = None
    if status == 200:
        rts = resp_headers.get("x-response-content-timestamp", "")
        rmac = resp_headers.get("x-response-content-hmac", "")
        expected_mac = hashlib.sha256((rts + "|" + resp_body.decode("utf-8")).encode("utf-8") + SECRET.encode("utf-8")).hexdigest()
        verified = bool(rts and rmac) and hmac.compare_digest(expected_mac, rmac)
    report(name, status, expected, response_verified=verified)


call("query", "GET", "/example/users", "user=test&institutionID=999", 200)
call("no query, the ? is still signed", "GET", "/example/users", "", 200)
call("encoded path and query", "GET", "/example/us%65rs", "q=a%20b&x=1", 200)
call("body is not covered", "POST", "/example/users", "", 200, body=b'{"a": 1}')
call("signed without the ?", "GET", "/example/users", "", 400, signed_target="/example/users")
call("signed the decoded query", "GET", "/example/users", "q=a%20b", 400, signed_target="/example/users?q=a b")
call("stale timestamp", "GET", "/example/users", "", 400, ts_shift=-1000)

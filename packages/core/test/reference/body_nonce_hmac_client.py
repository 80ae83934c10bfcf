"""Reference client for the raw-body HMAC with timestamp and nonce, from shared/schemes/README.md.

Usage: body_nonce_hmac_client.py BASE_URL '{"secret": "..."}'
"""
import hashlib
import hmac
import time
import uuid

from refclient import base_url, config, report, send

SECRET = config().get("secret", "super-secret-key-change-in-production").encode("utf-8")


def call(name, method, expected, body=b"", nonce=None, ts=None, sent_body=None, omit=None):
    headers = {
        "Content-Type": "application/json",
        "X-Request-Timestamp": ts or str(time.time()),
        "X-Request-Nonce": nonce or str(uuid.uuid4()),
        "X-API-Signature": hmac.new(SECRET, body, hashlib.sha256).hexdigest(),
    }
    if omit:
        del headers[omit]
    status, _, _ = send(method, base_url() + "/webhook", headers, sent_body if sent_body is not None else body)
    report(name, status, expected)


nonce = str(uuid.uuid4())
call("POST JSON, fractional timestamp", "POST", 200, b'{"amount": 100, "to": "B"}', nonce=nonce)
call("PUT, integer timestamp", "PUT", 200, b'{"a":1}', ts=str(int(time.time())))
call("PATCH, empty body", "PATCH", 200, b"")
call("nonce reused", "POST", 400, b'{"amount": 100, "to": "B"}', nonce=nonce)
call("body changed", "POST", 401, b'{"amount": 100}', sent_body=b'{"amount": 999}')
call("no nonce", "POST", 400, b'{"a":1}', omit="X-Request-Nonce")
call("stale timestamp", "POST", 400, b'{"a":1}', ts=str(time.time() - 1000))
status, _, _ = send("GET", base_url() + "/webhook")
report("GET is not checked", status, 200)

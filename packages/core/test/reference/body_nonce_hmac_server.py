"""Reference server for the raw-body HMAC with timestamp and nonce, from shared/schemes/README.md.

X-API-Signature = hex(HMAC_SHA256(secret, raw body bytes)); X-Request-Timestamp (unix seconds,
fractions allowed, ±300 s); X-Request-Nonce (unique). Only POST/PUT/PATCH are checked; a missing
header, bad timestamp or repeated nonce → 400 (the nonce is stored BEFORE the signature is
checked); a bad signature → 401.
Config (argv[1], JSON): {"secret": "..."}
"""
import hashlib
import hmac
import threading
import time

from refserver import config, serve

SECRET = config().get("secret", "super-secret-key-change-in-production").encode("utf-8")
NONCES = set()
LOCK = threading.Lock()


def app(method, target, headers, body):
    if method not in ("POST", "PUT", "PATCH"):
        return 200, {"Content-Type": "text/plain"}, "unchecked"
    signature = headers.get("X-API-Signature")
    timestamp = headers.get("X-Request-Timestamp")
    nonce = headers.get("X-Request-Nonce")
    if not signature or not timestamp or not nonce:
        return 400, {}, "missing header"
    try:
        ts = float(timestamp)
    except ValueError:
        return 400, {}, "bad timestamp"
    if abs(time.time() - ts) > 300:
        return 400, {}, "stale timestamp"
    with LOCK:
        if nonce in NONCES:
            return 400, {}, "nonce already used"
        NONCES.add(nonce)
    expected = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return 401, {}, "invalid signature"
    return 200, {"Content-Type": "text/plain"}, "ok"


if __name__ == "__main__":
    serve(app)

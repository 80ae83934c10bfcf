"""Reference server for METHOD|path|headers|body with X-API-Signature, from shared/schemes/README.md.

headerPart = "|".join(name + ":" + value.strip() for ["content-type", "x-request-timestamp"],
skipping missing/empty ones); canonical = METHOD.upper() + "|" + decoded path + "|" + headerPart
+ "|" + body decoded as UTF-8 with replacement; X-API-Signature = hex(HMAC_SHA256(secret, canonical)).
Missing signature, bad or stale (±60 s) timestamp → 400; bad signature → 401.
Config (argv[1], JSON): {"secret": "..."}
"""
import hashlib
import hmac
import time
from urllib.parse import unquote, urlsplit

from refserver import config, serve

SECRET = config().get("secret", "your-secure-secret-from-env").encode("utf-8")
SIGNED_HEADERS = ["content-type", "x-request-timestamp"]


def build_signature_string(method, path, headers, body_text):
    header_part = "|".join(h + ":" + headers.get(h).strip() for h in SIGNED_HEADERS if headers.get(h))
    return method.upper() + "|" + path + "|" + header_part + "|" + body_text


def app(method, target, headers, body):
    signature = headers.get("X-API-Signature")
    timestamp = headers.get("X-Request-Timestamp")
    if not signature or not timestamp:
        return 400, {}, "missing signature or timestamp"
    try:
        ts = int(timestamp)
    except ValueError:
        return 400, {}, "bad timestamp"
    if abs(time.time() - ts) > 60:
        return 400, {}, "stale timestamp"
    path = unquote(urlsplit(target).path)
    canonical = build_signature_string(method, path, headers, body.decode("utf-8", errors="replace"))
    expected = hmac.new(SECRET, canonical.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return 401, {}, "invalid signature"
    return 200, {"Content-Type": "text/plain"}, "ok"


if __name__ == "__main__":
    serve(app)

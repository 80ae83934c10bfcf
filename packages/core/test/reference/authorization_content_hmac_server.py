"""Reference server for the Flask "hmac-examples" headers, written from shared/schemes/README.md.

Request:  X-Authorization-Timestamp = ts, X-Authorization-Content-HMAC =
          hex(SHA256(UTF8(decoded path + "?" + raw query + str(server_now) + secret)))
Response: X-Response-Content-TimeStamp = rts, X-Response-Content-HMAC =
          hex(SHA256(UTF8(rts + "|" + body) + UTF8(secret)))

Quirks kept on purpose: the "?" is always there; the hash uses the server's OWN current second,
not the header timestamp; that second comes from a naive UTC datetime read as local time (shifted
by the host's UTC offset: run with TZ=... to see it); every failure is a 400.
Config (argv[1], JSON): {"secret": "..."}
"""
import hashlib
import hmac
import json
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

from refserver import config, serve

SECRET = config().get("secret", "your_secret_key")
WINDOW = 300


def server_now():
    # datetime.utcnow().timestamp(): a naive UTC wall time interpreted as local time.
    return int(datetime.now(timezone.utc).replace(tzinfo=None).timestamp())


def app(method, target, headers, body):
    ts = headers.get("X-Authorization-Timestamp")
    received = headers.get("X-Authorization-Content-HMAC")
    if not ts or not received:
        return 400, {}, "missing authorization headers"
    try:
        client_ts = int(ts)
    except ValueError:
        return 400, {}, "bad timestamp"
    now = server_now()
    if abs(now - client_ts) > WINDOW:
        return 400, {}, "timestamp outside the window"
    parts = urlsplit(target)
    full_path = unquote(parts.path) + "?" + parts.query
    expected = hashlib.sha256((full_path + str(now) + SECRET).encode("utf-8")).hexdigest()
    if not hmac.compare_digest(expected, received):
        return 400, {}, "invalid hmac"
    out = json.dumps({"result": "ok", "path": full_path, "ratio": 1.0, "sub": 2840345654})
    rts = str(server_now())
    mac = hashlib.sha256((rts + "|" + out).encode("utf-8") + SECRET.encode("utf-8")).hexdigest()
    return 200, {"Content-Type": "application/json", "X-Response-Content-TimeStamp": rts, "X-Response-Content-HMAC": mac}, out


if __name__ == "__main__":
    serve(app)

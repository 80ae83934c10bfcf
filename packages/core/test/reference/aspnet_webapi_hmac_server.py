"""Reference server for the ASP.NET Web API HMAC filter, written from shared/schemes/README.md.

key = UTF8(hashedPassword.upper()); path = unquote_plus(absolutePath.lower()); params = decoded
query pairs ++ decoded form pairs, a repeated key's values joined by ",", sorted by key;
message = METHOD + "\n" + Timestamp + "\n" + path + "\n" + "&".join(k + "=" + v);
Authentication: <username>:base64(HMAC_SHA256(key, message)). Timestamp is the en-US .NET "U"
text, UTC, ±5 min. Each signature is cached for 5 minutes BEFORE verifying (replays → 401).
Every failure is 401.
Config (argv[1], JSON): {"users": {"<username>": "<hashed password>"}}
"""
import base64
import hashlib
import hmac
import threading
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, unquote_plus, urlsplit

from refserver import config, serve

USERS = config().get("users", {"cuongle": "password"})
WINDOW = timedelta(minutes=5)
CACHE = {}
CACHE_LOCK = threading.Lock()


def deny(reason):
    return 401, {"Content-Type": "text/plain"}, reason


def app(method, target, headers, body):
    timestamp = headers.get("Timestamp")
    auth = headers.get("Authentication")
    if not timestamp or not auth or ":" not in auth:
        return deny("missing Timestamp or Authentication")
    username, signature = auth.split(":", 1)
    password = USERS.get(username)
    if password is None:
        return deny("unknown user")
    try:
        sent = datetime.strptime(timestamp, "%A, %B %d, %Y %I:%M:%S %p")
    except ValueError:
        return deny("bad timestamp")
    if abs(datetime.now(timezone.utc).replace(tzinfo=None) - sent) > WINDOW:
        return deny("timestamp outside the window")
    now = time.time()
    with CACHE_LOCK:
        for sig in [s for s, exp in CACHE.items() if exp <= now]:
            del CACHE[sig]
        if signature in CACHE:
            return deny("replayed signature")
        CACHE[signature] = now + 300
    parts = urlsplit(target)
    path = unquote_plus(parts.path.lower())
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    grouped = {}
    for k, v in pairs:
        grouped.setdefault(k, []).append(v)
    params = sorted((k, ",".join(vs)) for k, vs in grouped.items())
    message = method + "\n" + timestamp + "\n" + path + "\n" + "&".join(k + "=" + v for k, v in params)
    key = password.upper().encode("utf-8")
    expected = base64.b64encode(hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(expected, signature):
        return deny("invalid signature")
    return 200, {"Content-Type": "text/plain"}, "ok"


if __name__ == "__main__":
    serve(app)

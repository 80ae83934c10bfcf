"""Reference server for django_hmac_authentication, written from shared/schemes/README.md.

Authorization: <HMAC-SHA256|HMAC-SHA384|HMAC-SHA512> <api_key>;<signature>;<date>
sts = base64(H(UTF8(json.dumps(data, separators=(",", ":"))))) + ";" + date, or ";" + date when
data (the body as Django REST framework parses it) is falsy; signature = base64(HMAC_H(
base64decode(api_secret), UTF8(sts))). The date must be aware, strictly in the past and at most
TIMEOUT seconds old. Every authentication failure is 403 {"detail": ...}.
Config (argv[1], JSON): {"keys": {"<api_key>": "<api_secret_b64>"}, "timeout": 5}
"""
import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

from refserver import config, serve

CONFIG = config()
KEYS = CONFIG.get("keys", {})
TIMEOUT = timedelta(seconds=CONFIG.get("timeout", 5))
DIGESTS = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA384": hashlib.sha384, "HMAC-SHA512": hashlib.sha512}


def strict_constant(name):
    # Django REST framework's JSONParser (strict=True) refuses NaN and Infinity.
    raise ValueError("Out of range float values are not JSON compliant: " + name)


class ParseError(Exception):
    pass


def parsed_data(headers, body):
    """What request.data holds: parsed JSON, a form as a dict of last values, or {}."""
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if not body:
        return {}
    if content_type == "application/json":
        try:
            return json.loads(body.decode("utf-8"), parse_constant=strict_constant)
        except ValueError as exc:
            raise ParseError("JSON parse error - %s" % exc)
    if content_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    raise ParseError('Unsupported media type "%s" in request.' % content_type)


def deny(detail):
    return 403, {"Content-Type": "application/json"}, json.dumps({"detail": detail})


def app(method, target, headers, body):
    auth = headers.get("Authorization")
    if not auth:
        return deny("Authentication credentials were not provided.")
    pieces = auth.split(" ")
    if len(pieces) != 2 or pieces[0] not in DIGESTS:
        return deny("Invalid authorization header.")
    digest = DIGESTS[pieces[0]]
    fields = pieces[1].split(";")
    if len(fields) != 3:
        return deny("Invalid authorization header.")
    api_key, signature, date = fields
    try:
        req_time = datetime.fromisoformat(date)
    except ValueError:
        return deny("Invalid date.")
    if req_time.tzinfo is None:
        return deny("Invalid date.")
    now = datetime.now(timezone.utc)
    if req_time >= now:
        return deny("Request cannot be in future.")
    if now - req_time > TIMEOUT:
        return deny("Request has expired.")
    secret = KEYS.get(api_key)
    if secret is None:
        return deny("Invalid api key.")
    try:
        data = parsed_data(headers, body)
    except ParseError as exc:
        return 400, {"Content-Type": "application/json"}, json.dumps({"detail": str(exc)})
    if data:
        body_hash = base64.b64encode(digest(json.dumps(data, separators=(",", ":")).encode("utf-8")).digest()).decode()
        sts = body_hash + ";" + date
    else:
        sts = ";" + date
    expected = base64.b64encode(hmac.new(base64.b64decode(secret), sts.encode("utf-8"), digest).digest()).decode()
    if not hmac.compare_digest(expected, signature):
        return deny("Invalid signature.")
    return 200, {"Content-Type": "application/json"}, json.dumps({"ok": True, "data": data})


if __name__ == "__main__":
    serve(app)

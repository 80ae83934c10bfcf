"""Reference client for django_hmac_authentication, written from shared/schemes/README.md.

Authorization: <METHOD> <api_key>;<signature>;<date>, sts = base64(H(compact json.dumps of the
body as the server parses it)) + ";" + date (";" + date for a falsy body),
signature = base64(HMAC_H(base64decode(api_secret), sts)).
Usage: django_hmac_client.py BASE_URL '{"api_key": "...", "api_secret": "..."}'
"""
import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

from refclient import base_url, config, report, send

CONFIG = config()
API_KEY = CONFIG["api_key"]
API_SECRET = CONFIG["api_secret"]
DIGESTS = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA384": hashlib.sha384, "HMAC-SHA512": hashlib.sha512}


def authorization(method_name, body, content_type, date_shift=0.0):
    digest = DIGESTS[method_name]
    date = (datetime.now(timezone.utc) + timedelta(seconds=date_shift)).isoformat()
    if not body:
        data = {}
    elif content_type == "application/x-www-form-urlencoded":
        data = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    else:
        data = json.loads(body.decode("utf-8"))
    if data:
        sts = base64.b64encode(digest(json.dumps(data, separators=(",", ":")).encode("utf-8")).digest()).decode() + ";" + date
    else:
        sts = ";" + date
    signature = base64.b64encode(hmac.new(base64.b64decode(API_SECRET), sts.encode("utf-8"), digest).digest()).decode()
    return "%s %s;%s;%s" % (method_name, API_KEY, signature, date)


def call(name, method, method_name, expected, body=None, content_type=None, signed_body=None, date_shift=-0.2):
    headers = {"Authorization": authorization(method_name, signed_body if signed_body is not None else body, content_type, date_shift)}
    if content_type:
        headers["Content-Type"] = content_type
    status, _, out = send(method, base_url() + "/api/items/?page=2", headers, body)
    report(name, status, expected, detail=out.decode("utf-8", "replace")[:200])


PRETTY = json.dumps({"b": 1.0, "a": "h\u00e9llo \U0001F600", "n": 12345678901234567890123, "f": 1e-05, "g": 1e16, "z": [0.1, -0.0, None, True]}, indent=2, ensure_ascii=False).encode("utf-8")

call("GET without a body", "GET", "HMAC-SHA256", 200)
call("pretty-printed JSON (hash of the compact form)", "POST", "HMAC-SHA256", 200, PRETTY, "application/json")
call("JSON array, SHA-384", "PUT", "HMAC-SHA384", 200, b"[1, \"two\", {\"three\": 3}]", "application/json")
call("empty object, SHA-512", "PATCH", "HMAC-SHA512", 200, b"{}", "application/json")
call("form with a repeated key", "POST", "HMAC-SHA256", 200, b"a=1&b=two+words&a=3", "application/x-www-form-urlencoded")
call("DELETE, SHA-512", "DELETE", "HMAC-SHA512", 200)
call("body changed after signing", "POST", "HMAC-SHA256", 403, b'{"a": 2}', "application/json", signed_body=b'{"a": 1}')
call("expired date", "GET", "HMAC-SHA256", 403, date_shift=-60)
call("date in the future", "GET", "HMAC-SHA256", 403, date_shift=60)

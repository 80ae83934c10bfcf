"""Reference client for the ASP.NET Web API HMAC filter, written from shared/schemes/README.md.

Usage: aspnet_webapi_hmac_client.py BASE_URL '{"username": "...", "password": "..."}'
"""
import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, unquote_plus

from refclient import base_url, config, report, send

CONFIG = config()
USERNAME = CONFIG.get("username", "cuongle")
PASSWORD = CONFIG.get("password", "password")


def timestamp(shift=0):
    # en-US .NET "U": dddd, MMMM dd, yyyy h:mm:ss tt (hour not zero-padded), UTC wall time.
    t = datetime.now(timezone.utc) + timedelta(seconds=shift)
    return "%s %d:%s" % (t.strftime("%A, %B %d, %Y"), t.hour % 12 or 12, t.strftime("%M:%S %p"))


def sign(method, ts, path, query, form):
    pairs = parse_qsl(query, keep_blank_values=True) + parse_qsl(form, keep_blank_values=True)
    grouped = {}
    for k, v in pairs:
        grouped.setdefault(k, []).append(v)
    params = "&".join(k + "=" + v for k, v in sorted((k, ",".join(vs)) for k, vs in grouped.items()))
    message = method + "\n" + ts + "\n" + unquote_plus(path.lower()) + "\n" + params
    return base64.b64encode(hmac.new(PASSWORD.upper().encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()).decode()


def call(name, method, path, expected, query="", form="", sent_query=None, ts=None):
    ts = ts or timestamp()
    headers = {"Timestamp": ts, "Authentication": USERNAME + ":" + sign(method, ts, path, query, form)}
    if form:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    q = sent_query if sent_query is not None else query
    status, _, _ = send(method, base_url() + path + ("?" + q if q else ""), headers, form.encode("utf-8") if form else None)
    report(name, status, expected)
    return ts


call("published GET", "GET", "/webapi.hmac/api/values", 200)
call("mixed-case path, encoded segment, repeated key", "GET", "/WebAPI.Hmac/api/Values/a%20b", 200, query="id=7&b=2&b=1")
ts = call("query and form", "POST", "/webapi.hmac/api/values", 200, query="key2=value2", form="key1=value1&key3=value+3")
call("replayed signature", "POST", "/webapi.hmac/api/values", 401, query="key2=value2", form="key1=value1&key3=value+3", ts=ts)
call("parameter changed", "GET", "/webapi.hmac/api/values", 401, query="id=7", sent_query="id=8")
call("stale timestamp", "GET", "/webapi.hmac/api/values/old", 401, ts=timestamp(-600))

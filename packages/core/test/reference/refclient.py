"""Tiny stdlib helpers shared by the reference clients (not part of any scheme).

send() uses http.client rather than urllib.request, which would add a Content-Type of its own to
every body. report() prints one JSON line per request for the test to read.
"""
import http.client
import json
import sys
from urllib.parse import urlsplit


def base_url():
    return sys.argv[1].rstrip("/")


def config():
    return json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}


def send(method, url, headers=None, body=None):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    target = parts.path + ("?" + parts.query if parts.query else "")
    conn.request(method, target, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    result = (response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    conn.close()
    return result


def report(name, status, expected, **extra):
    line = {"name": name, "status": status, "expected": expected}
    line.update(extra)
    print(json.dumps(line), flush=True)

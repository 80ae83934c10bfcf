"""Tiny stdlib HTTP runner shared by the reference servers (not part of any scheme).

serve(app) listens on 127.0.0.1 with an OS-chosen port, prints {"port": N} on the first stdout
line, and calls app(method, raw_target, headers, body_bytes) -> (status, headers_dict, body) for
every request. raw_target is the request target exactly as received (path and query, still
percent-encoded), like the WSGI/ASP.NET values the real servers start from.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(app):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, headers, out = app(self.command, self.path, self.headers, body)
            except Exception as exc:  # a reference bug must be visible, not a hang
                status, headers, out = 500, {"Content-Type": "text/plain"}, "reference server error: %r" % (exc,)
            if isinstance(out, str):
                out = out.encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def config():
    """The JSON object given as the first command-line argument."""
    return json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}

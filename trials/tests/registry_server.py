"""A stand-in for the ClinicalTrials.gov API on 127.0.0.1, answering from a table the test
fills in, and a clock for tests of the registry's pacing."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STUDIES = "/api/v2/studies/"


class StandInRegistry(BaseHTTPRequestHandler):
    """GET /api/v2/studies/<NCT>: the next answer queued for that number (the last one is
    repeated); a number with no answers is not in the registry (404)."""

    def do_GET(self):
        server = self.server
        nct_id = self.path.removeprefix(STUDIES) if self.path.startswith(STUDIES) else ""
        with server.lock:
            server.requests.append((nct_id, server.clock.now if server.clock else None))
            queued = server.answers.get(nct_id)
            if queued and len(queued) > 1:
                answer = queued.pop(0)
            elif queued:
                answer = queued[0]
            else:
                answer = (404, {"message": "not found"}, {})
        code, body, headers = answer
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class FakeClock:
    """time.monotonic and time.sleep for a PoliteFetcher: sleeping moves the clock on."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def registry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandInRegistry)
    server.requests, server.answers, server.clock = [], {}, None
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.thread = thread
    return server


def registry_stop(server):
    server.shutdown()
    server.server_close()
    server.thread.join(timeout=5)

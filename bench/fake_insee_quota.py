#!/usr/bin/env python3
"""Benchmark double of INSEE's API Sirene 3.11 at its real pace (bench/journey.sh): every SIRET
is an active establishment (bench/fake_insee.py's answer), answered after a latency drawn
between MIN_MS and MAX_MS, and at most PER_MINUTE requests per key in any 60 s (INSEE's public
quota is 30): beyond, 429 from the gateway, whose body is not the API's envelope. PER_MINUTE 0:
no quota. GET /_stats tells how many calls were answered and refused.
Usage: fake_insee_quota.py PORT MIN_MS MAX_MS PER_MINUTE"""
import collections, json, random, sys, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

from fake_insee import establishment

PORT, LOW, HIGH, PER_MINUTE = (int(a) for a in sys.argv[1:5])
lock = threading.Lock()
calls = collections.defaultdict(collections.deque)  # key -> arrival times in the last 60 s
stats = {"answered": 0, "refused_quota": 0, "refused_key": 0}


def within_quota(key):
    """Counts this call against its key; False beyond the quota (a refused call counts not)."""
    if PER_MINUTE == 0:
        return True
    now = time.monotonic()
    with lock:
        recent = calls[key]
        while recent and recent[0] <= now - 60:
            recent.popleft()
        if len(recent) >= PER_MINUTE:
            return False
        recent.append(now)
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def count(self, what):
        with lock:
            stats[what] += 1

    def do_GET(self):
        if self.path == "/_stats":
            with lock:
                return self.answer(200, dict(stats))
        key = self.headers.get("X-INSEE-Api-Key-Integration")
        if not key:
            self.count("refused_key")
            return self.answer(401, {"header": {"statut": 401, "message": "Clé absente"}})
        if not within_quota(key):
            self.count("refused_quota")
            return self.answer(429, {"fault": {"code": 900804, "message": "Message throttled out",
                                               "description": "You have exceeded your quota"}})
        time.sleep(random.uniform(LOW, HIGH) / 1000.0)
        self.count("answered")
        self.answer(200, establishment(self.path.rsplit("/", 1)[-1]))

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()

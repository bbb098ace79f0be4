#!/usr/bin/env python3
"""A bounded load test of `careshift serve` on loopback (issue 12).

CLIENTS threads (each with one keep-alive connection, started together) send REQUESTS mixed
read requests in all; meanwhile SLOW slowloris connections each send a request's headers one
byte a second and never finish them (a connection the server cuts is opened again, so the
pressure stays). It checks every answer (status 200, a complete JSON body) and reports, as one
JSON object on stdout: failed requests, latency percentiles, requests per second, how the
server treated the slow connections (cut after how many seconds), and the server's memory
(VmHWM, the peak resident set, and VmRSS at the end, from /proc/PID/status). It stops by
itself: the slow connections are kept open until at least MIN_SECONDS have passed, so the
server's header deadline (10 s) shows, and never longer than MAX_SECONDS.

usage: serve_load.py URL SERVER_PID [--clients 200] [--requests 5000] [--slow 50]
                     [--min-seconds 13] [--max-seconds 100] [--token TOKEN]
"""
import argparse
import http.client
import json
import select
import socket
import threading
import time
import urllib.parse

# GET paths (and one HEAD) in the mix: every endpoint, filters, paging, the charts.
MIX = [
    ("GET", "/api/runs"),
    ("GET", "/api/tables"),
    ("GET", "/api/summary"),
    ("GET", "/api/summary?scenario=mijnstreek-alleen"),
    ("GET", "/api/psa?scenario=plan"),
    ("GET", "/api/charts?lang=en"),
    ("GET", "/api/charts?lang=nl"),
    ("GET", "/api/tables/payers?scenario=plan"),
    ("GET", "/api/tables/criteria?scenario=plan&year_from=2027&year_to=2030"),
    ("GET", "/api/tables/care?scenario=plan&year_from=2030&year_to=2030&limit=200"),
    ("GET", "/api/tables/demography?limit=500&offset=1000"),
    ("GET", "/api/tables/business_case?stakeholder=total"),
    ("GET", "/api/tables/workforce?scenario=baseline&limit=300&offset=200"),
    ("HEAD", "/api/runs"),
]


def status_of(pid):
    """VmHWM and VmRSS of the process in kB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmHWM", "VmRSS"):
                out[k] = int(v.split()[0])
    return out


class Clients:
    def __init__(self, host, port, n, total, headers):
        self.host, self.port, self.headers = host, port, headers
        self.next = 0
        self.total = total
        self.lock = threading.Lock()
        self.lat = []
        self.failures = []
        self.start = threading.Barrier(n)

    def take(self):
        with self.lock:
            if self.next >= self.total:
                return None
            self.next += 1
            return self.next - 1

    def one(self, conn, i):
        method, path = MIX[i % len(MIX)]
        t = time.perf_counter()
        conn.request(method, path, headers=self.headers)
        r = conn.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t) * 1e3
        if r.status != 200:
            raise RuntimeError(f"{method} {path}: status {r.status}")
        if method == "GET":
            json.loads(body)  # complete and well-formed
        elif body:
            raise RuntimeError(f"HEAD {path}: a body")
        return ms

    def run(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.start.wait()
        while (i := self.take()) is not None:
            try:
                ms = self.one(conn, i)
                with self.lock:
                    self.lat.append(ms)
            except Exception as e:  # any failure counts; the next request gets a new connection
                with self.lock:
                    self.failures.append(f"{MIX[i % len(MIX)][1]}: {e!r}")
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        conn.close()


class Slowloris:
    """N connections sending a request's headers one byte a second, never finishing them."""

    def __init__(self, host, port, n):
        self.addr = (host, port)
        self.n = n
        self.stop = threading.Event()
        self.cut_after = []  # seconds from open to the server's close
        self.opened = 0
        self.refused = 0

    def open(self):
        s = socket.create_connection(self.addr, timeout=5)
        s.setblocking(False)
        self.opened += 1
        return [s, time.monotonic(), iter(b"GET /api/runs HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10000)]

    def closed_by_server(self, s):
        r, _, _ = select.select([s], [], [], 0)
        if not r:
            return False
        try:  # an answer or EOF: either way the server is done with it
            s.recv(4096)
        except OSError:
            pass
        return True

    def tick(self, conns):
        for c in conns:
            s, t0, data = c
            gone = self.closed_by_server(s)
            now = time.monotonic()  # here: with 200 busy client threads a tick can take seconds
            if not gone:
                try:
                    s.send(bytes([next(data)]))
                except (OSError, StopIteration):
                    gone = True
            if gone:
                self.cut_after.append(now - t0)
                s.close()
                try:
                    c[:] = self.open()
                except OSError:
                    self.refused += 1
                    c[:] = [None, now, None]

    def run(self):
        conns = [self.open() for _ in range(self.n)]
        while not self.stop.wait(1.0):
            live = [c for c in conns if c[0] is not None]
            self.tick(live)
        for c in conns:
            if c[0] is not None:
                c[0].close()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("pid", type=int)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--requests", type=int, default=5000)
    ap.add_argument("--slow", type=int, default=50)
    ap.add_argument("--min-seconds", type=float, default=13)
    ap.add_argument("--max-seconds", type=float, default=100)
    ap.add_argument("--token")
    a = ap.parse_args()
    u = urllib.parse.urlsplit(a.url)
    headers = {"Authorization": f"Bearer {a.token}"} if a.token else {}
    t0 = time.monotonic()
    slow = Slowloris(u.hostname, u.port, a.slow)
    st = threading.Thread(target=slow.run, daemon=True)
    st.start()
    time.sleep(0.5)  # the slow connections are in before the load starts
    cl = Clients(u.hostname, u.port, a.clients, a.requests, headers)
    peak = [0]

    def sample():  # the resident set while the load runs
        while st.is_alive() and not slow.stop.is_set():
            peak[0] = max(peak[0], status_of(a.pid).get("VmRSS", 0))
            time.sleep(0.2)

    threading.Thread(target=sample, daemon=True).start()
    workers = [threading.Thread(target=cl.run, daemon=True) for _ in range(a.clients)]
    tl = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join(max(1.0, a.max_seconds - (time.monotonic() - t0)))
    load_s = time.monotonic() - tl
    hung = sum(w.is_alive() for w in workers)
    while time.monotonic() - t0 < min(a.min_seconds, a.max_seconds):
        time.sleep(0.2)
    slow.stop.set()
    st.join(5)
    mem = status_of(a.pid)
    print(json.dumps({
        "requests": len(cl.lat) + len(cl.failures), "failed": len(cl.failures), "hung_clients": hung,
        "failures": cl.failures[:10], "seconds": round(load_s, 2),
        "rps": round(len(cl.lat) / load_s, 1) if load_s else None,
        "p50_ms": round(pct(cl.lat, 50), 2), "p99_ms": round(pct(cl.lat, 99), 2),
        "max_ms": round(max(cl.lat), 2) if cl.lat else None,
        "slow": {"connections": a.slow, "opened": slow.opened, "refused": slow.refused,
                 "cut": len(slow.cut_after),
                 "cut_after_s": [round(min(slow.cut_after), 1), round(max(slow.cut_after), 1)]
                 if slow.cut_after else None},
        "vmhwm_kb": mem.get("VmHWM"), "vmrss_kb": mem.get("VmRSS"), "vmrss_peak_kb": peak[0],
        "total_seconds": round(time.monotonic() - t0, 2),
    }))


if __name__ == "__main__":
    main()

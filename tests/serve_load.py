#!/usr/bin/env python3
"""A bounded load test of `careshift serve` on loopback (issue 12).

CLIENTS threads (each with one keep-alive connection, started together) send REQUESTS mixed
read requests in all; meanwhile SLOW slowloris connections each send a request's headers one
byte a second and never finish them (a connection the server cuts is opened again, so the
pressure stays). It checks every answer (status 200, a complete JSON body) and reports, as one
JSON object on stdout: failed requests, latency percentiles, requests per second, how the
server treated the slow connections (cut after how many seconds), and the server's memory
(VmHWM, the peak resident set, and VmRSS at the end, from /proc/PID/status). It stops by
itself: the slow connections are kept open until at least MIN_SECONDS have passed and every
one of the first SLOW connections was cut (so the server's header deadline, 10 s, shows), and
never longer than MAX_SECONDS. The slow connections are driven by a process of their own: a
thread among 200 busy client threads would see the cuts seconds late (the GIL), and a check
of the deadline would then measure Python, not the server.

A read on a kept-alive connection that the server closes before any byte of the answer is sent
once more on a new connection, as browsers do: the server closes a connection that has waited
10 s for its next request, and under this load a client thread can be that late (the GIL); the
request and the close then cross. Only a close before the status line is sent again, and only
where the server may close: within half a second of sending, or on a connection that had
already waited 9.5 s or more since its last answer when the request went out (a starved client
thread may notice the close seconds after sending). These are counted in "stale_retries" (the
tests allow at most 10; "stale_idle" says how many of them came later than half a second, which
only their idle time allowed), and the read's time counts from the first send. A second failure of
the same read, or any other, is a failure.

With --whatif N (a `serve --plan` server), N of the REQUESTS are POST /api/whatif, spread
evenly through the mix, each with a random override from GET /api/whatif/parameters (a value
between the parameter's min and max, now and then a theme left out as well; seeded, so a run
is repeatable). A what-if is correct when it is answered 200 with a complete JSON answer (its
set echoed, the summary with four criteria per term and the business case, the charts) or 503
with Retry-After (every what-if slot taken); anything else is a failure. Their latency (of the
200s) and the number of 503s are reported apart from the reads ("whatif"); "p50_ms" and
"p99_ms" stay those of the reads. A run without PSA (psa false in /api/runs, as a --plan
server) has /api/psa left out of the mix, as it would answer 404.

usage: serve_load.py URL SERVER_PID [--clients 200] [--requests 5000] [--slow 50]
                     [--min-seconds 13] [--max-seconds 100] [--token TOKEN] [--whatif N]
"""
import argparse
import http.client
import json
import multiprocessing
import random
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


def whatif_body(params, i):
    """The body of what-if number i: one parameter moved within its range, every fifth time a
    theme left out as well."""
    rng = random.Random(i)
    nums = [p for p in params if p["kind"] != "theme_enabled"]
    themes = [p for p in params if p["kind"] == "theme_enabled"]
    p = rng.choice(nums)
    value = p["min"] + rng.random() * (p["max"] - p["min"])
    sets = {p["path"]: value}
    if themes and i % 5 == 0:
        sets[rng.choice(themes)["path"]] = False
    return {"set": sets, "lang": "nl" if i % 2 else "en"}


def whatif_complete(j, body):
    """Whether a 200 answer is a complete what-if answer to body."""
    s = j.get("summary") or {}
    return (j.get("set") == body["set"] and j.get("scenario") == "plan" and j.get("lang") == body["lang"]
            and isinstance(j.get("charts"), list) and len(j["charts"]) > 0
            and all(len((s.get(t) or {}).get("criteria") or []) == 4 for t in ("short_term", "long_term"))
            and isinstance(s.get("business_case"), list) and len(s["business_case"]) > 0)


# A connection that has waited this long since its last answer may be closed by the server
# (its header deadline: 10 s, checked four times a second), with the margin of the clock reads.
IDLE_CUT = 9.5


class Clients:
    def __init__(self, host, port, n, total, headers, mix=MIX, whatifs=0, params=None):
        self.host, self.port, self.headers = host, port, headers
        self.mix = mix
        self.next = 0
        self.total = total
        self.lock = threading.Lock()
        self.lat = []
        self.failures = []
        self.start = threading.Barrier(n)
        # what-ifs at evenly spread request numbers
        self.whatif_at = {int((k + 0.5) * total / whatifs) for k in range(whatifs)} if whatifs else set()
        self.params = params or []
        self.wi_lat = []  # ms of the 200s
        self.wi_busy = 0  # 503s with Retry-After
        self.wi_failures = []
        self.stale_retries = 0  # reads sent again after a kept-alive connection closed (read)
        self.stale_idle = 0  # of which closed later than 0.5 s after sending, idle >= IDLE_CUT
        self.wi_seconds = []  # the server's own "seconds" of each 200

    def what(self, i):
        return "POST /api/whatif" if i in self.whatif_at else self.mix[i % len(self.mix)][1]

    def whatif(self, conn, i):
        """One what-if: the milliseconds of a 200, None for a 503 with Retry-After."""
        body = whatif_body(self.params, i)
        t = time.perf_counter()
        conn.request("POST", "/api/whatif", body=json.dumps(body),
                     headers={**self.headers, "Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        conn.done = time.perf_counter()  # (read: the connection's last answer)
        ms = (conn.done - t) * 1e3
        if r.status == 503:
            ra = r.getheader("Retry-After") or ""
            if not ra.isdigit() or int(ra) < 1:
                raise RuntimeError(f"503 without a Retry-After of whole seconds: {ra!r}")
            j = json.loads(data)
            if set(j) != {"error", "field"}:
                raise RuntimeError(f"503 with the body {data[:200]!r}")
            return None
        if r.status != 200:
            raise RuntimeError(f"status {r.status}: {data[:300]!r} for {json.dumps(body)}")
        j = json.loads(data)
        if not whatif_complete(j, body):
            raise RuntimeError(f"an incomplete answer for {json.dumps(body)}: {data[:300]!r}")
        with self.lock:
            self.wi_seconds.append(j.get("seconds"))
        return ms

    def take(self):
        with self.lock:
            if self.next >= self.total:
                return None
            self.next += 1
            return self.next - 1

    def read(self, conn, i):
        """One read on a kept-alive connection, as a browser does it: when the connection was
        used before and the server closes it before the answer's status line, within half a
        second of sending (the server closed it as idle just as the request went out: the race
        every keep-alive client has), the read (GET or HEAD, idempotent) is sent once more on a
        new connection (RFC 9110 9.2.2), counted in stale_retries. A failure later, or while
        the body is read, is a failure. Gives the connection to go on with and the milliseconds
        from the first send."""
        method, path = self.mix[i % len(self.mix)]
        t = time.perf_counter()
        idle = t - getattr(conn, "done", t)  # since the connection's last answer
        try:
            conn.request(method, path, headers=self.headers)
            r = conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            late = time.perf_counter() - t > 0.5
            if not getattr(conn, "used", False) or (late and idle < IDLE_CUT):
                raise
            conn.close()
            with self.lock:
                self.stale_retries += 1
                self.stale_idle += late  # (only the idle time allowed it: reported apart)
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            conn.request(method, path, headers=self.headers)
            r = conn.getresponse()
        body = r.read()
        conn.done = time.perf_counter()
        ms = (conn.done - t) * 1e3
        if r.status != 200:
            raise RuntimeError(f"{method} {path}: status {r.status}")
        if method == "GET":
            json.loads(body)  # complete and well-formed
        elif body:
            raise RuntimeError(f"HEAD {path}: a body")
        return conn, ms

    def run(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.start.wait()
        while (i := self.take()) is not None:
            wi = i in self.whatif_at
            try:
                if wi:
                    ms = self.whatif(conn, i)
                else:
                    conn, ms = self.read(conn, i)
                conn.used = True
                with self.lock:
                    if not wi:
                        self.lat.append(ms)
                    elif ms is None:
                        self.wi_busy += 1
                    else:
                        self.wi_lat.append(ms)
            except Exception as e:  # any failure counts; the next request gets a new connection
                with self.lock:
                    (self.wi_failures if wi else self.failures).append(f"{self.what(i)}: {e!r}"[:600])
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        conn.close()


class Slowloris:
    """N connections sending a request's headers one byte a second, never finishing them; run
    in a process of its own (start/stop), which sends its counts back through a pipe."""

    def __init__(self, host, port, n):
        self.addr = (host, port)
        self.n = n
        self.cut_after = []  # seconds from open to the server's close
        self.first_cut = 0  # how many of the first n connections were cut
        self.opened = 0
        self.refused = 0

    def open(self, first=False):
        s = socket.create_connection(self.addr, timeout=5)
        s.setblocking(False)
        self.opened += 1
        return [s, time.monotonic(), iter(b"GET /api/runs HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10000), first]

    def tick(self, conns):
        socks = [c[0] for c in conns]
        readable = set(select.select(socks, [], [], 0)[0]) if socks else set()
        now = time.monotonic()
        for c in conns:
            s, t0, data, first = c
            gone = s in readable  # an answer or EOF: either way the server is done with it
            if gone:
                try:
                    s.recv(4096)
                except OSError:
                    pass
            else:
                try:
                    s.send(bytes([next(data)]))
                except (OSError, StopIteration):
                    gone = True
            if gone:
                self.cut_after.append(now - t0)
                self.first_cut += first
                s.close()
                try:
                    c[:] = self.open()
                except OSError:
                    self.refused += 1
                    c[:] = [None, now, None, False]

    def counts(self):
        return {"opened": self.opened, "refused": self.refused, "first_cut": self.first_cut,
                "cut_after": self.cut_after}

    def serve(self, pipe):
        """The process: open the connections, tick every second, answer "counts" and "stop"."""
        conns = [self.open(True) for _ in range(self.n)]
        pipe.send("ready")
        while True:
            t = time.monotonic()
            self.tick([c for c in conns if c[0] is not None])
            if pipe.poll(max(0.0, 1.0 - (time.monotonic() - t))):
                msg = pipe.recv()
                pipe.send(self.counts())
                if msg == "stop":
                    break
        for c in conns:
            if c[0] is not None:
                c[0].close()

    def start(self):
        self.pipe, child = multiprocessing.Pipe()
        self.proc = multiprocessing.Process(target=self.serve, args=(child,), daemon=True)
        self.proc.start()
        if not self.pipe.poll(30) or self.pipe.recv() != "ready":
            raise SystemExit("the slowloris process did not start")

    def ask(self, msg="counts"):
        self.pipe.send(msg)
        c = self.pipe.recv()
        self.opened, self.refused = c["opened"], c["refused"]
        self.first_cut, self.cut_after = c["first_cut"], c["cut_after"]
        if msg == "stop":
            self.proc.join(5)


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
    ap.add_argument("--whatif", type=int, default=0, help="how many of the requests are POST /api/whatif")
    a = ap.parse_args()
    u = urllib.parse.urlsplit(a.url)
    headers = {"Authorization": f"Bearer {a.token}"} if a.token else {}
    # what the server has: /api/psa only with a PSA, the what-if parameters only with --plan
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request("GET", "/api/runs", headers=headers)
    r = c.getresponse()
    psa = r.status == 200 and json.loads(r.read())["runs"][0]["psa"]
    mix = [m for m in MIX if psa or not m[1].startswith("/api/psa")]
    params = []
    if a.whatif:
        c.request("GET", "/api/whatif/parameters", headers=headers)
        r = c.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit(f"GET /api/whatif/parameters: {r.status} {body[:200]!r} (--whatif needs serve --plan)")
        params = json.loads(body)["parameters"]
    c.close()
    t0 = time.monotonic()
    slow = Slowloris(u.hostname, u.port, a.slow)
    slow.start()  # the slow connections are in before the load starts
    cl = Clients(u.hostname, u.port, a.clients, a.requests, headers, mix, a.whatif, params)
    peak = [0]
    sampling = threading.Event()

    def sample():  # the resident set while the load runs
        while not sampling.is_set():
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
    while time.monotonic() - t0 < a.max_seconds:
        if time.monotonic() - t0 >= a.min_seconds:
            slow.ask()
            if slow.first_cut >= a.slow:
                break
        time.sleep(0.5)
    slow.ask("stop")
    sampling.set()
    mem = status_of(a.pid)
    out = {
        "requests": len(cl.lat) + len(cl.failures) + len(cl.wi_lat) + cl.wi_busy + len(cl.wi_failures),
        "failed": len(cl.failures) + len(cl.wi_failures), "hung_clients": hung,
        "failures": (cl.failures + cl.wi_failures)[:10], "seconds": round(load_s, 2),
        "rps": round((len(cl.lat) + len(cl.wi_lat) + cl.wi_busy) / load_s, 1) if load_s else None,
        "p50_ms": round(pct(cl.lat, 50), 2), "p99_ms": round(pct(cl.lat, 99), 2),
        "max_ms": round(max(cl.lat), 2) if cl.lat else None, "stale_retries": cl.stale_retries,
        "stale_idle": cl.stale_idle,
        "slow": {"connections": a.slow, "opened": slow.opened, "refused": slow.refused,
                 "cut": len(slow.cut_after), "first_cut": slow.first_cut,
                 "cut_after_s": [round(min(slow.cut_after), 1), round(max(slow.cut_after), 1)]
                 if slow.cut_after else None},
        "vmhwm_kb": mem.get("VmHWM"), "vmrss_kb": mem.get("VmRSS"), "vmrss_peak_kb": peak[0],
        "total_seconds": round(time.monotonic() - t0, 2),
    }
    if a.whatif:  # the reads' numbers above are of the reads alone
        r2 = lambda x: round(x, 2) if x is not None else None  # noqa: E731
        out["reads"] = {"requests": len(cl.lat) + len(cl.failures), "failed": len(cl.failures)}
        out["whatif"] = {
            "requests": len(cl.wi_lat) + cl.wi_busy + len(cl.wi_failures), "ok": len(cl.wi_lat),
            "busy_503": cl.wi_busy, "failed": len(cl.wi_failures), "failures": cl.wi_failures[:5],
            "p50_ms": r2(pct(cl.wi_lat, 50)), "p99_ms": r2(pct(cl.wi_lat, 99)),
            "max_ms": r2(max(cl.wi_lat)) if cl.wi_lat else None,
            "server_seconds_p50": r2(pct(cl.wi_seconds, 50)),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark of `careshift serve` on loopback (issue 12): what-if latency and read throughput.

Starts `careshift serve --plan PLAN --port 0`, then
  1. what-if latency: WHATIFS sequential POST /api/whatif, each moving one uptake slider to a
     new value (a different run each time), timed at the client: median and p99;
  2. read throughput: CLIENTS threads with keep-alive connections send READS GET requests in
     all (the summary, a filtered table page, the run), timed from the first to the last:
     requests per second, and the reads' median and p99.
Prints one line per figure; bench/RESULTS.md records them with the machine.

usage: serve_bench.py CARESHIFT PLAN [--whatifs 30] [--clients 8] [--reads 4000]
"""
import argparse
import http.client
import json
import statistics
import subprocess
import threading
import time

READS = ["/api/summary", "/api/tables/criteria?scenario=plan&year_from=2027&year_to=2030",
         "/api/runs", "/api/tables/payers?scenario=plan&limit=100"]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("careshift")
    ap.add_argument("plan")
    ap.add_argument("--whatifs", type=int, default=30)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--reads", type=int, default=4000)
    a = ap.parse_args()
    t0 = time.monotonic()
    srv = subprocess.Popen([a.careshift, "serve", "--plan", a.plan, "--port", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = srv.stdout.readline().split()[-1]
        print(f"serve --plan start (the plan's full run): {time.monotonic() - t0:.2f} s")
        host, port = url.split("//")[1].rstrip("/").rsplit(":", 1)
        port = int(port)
        c = http.client.HTTPConnection(host, port, timeout=60)
        c.request("GET", "/api/whatif/parameters")
        params = json.loads(c.getresponse().read())["parameters"]
        up = [p for p in params if p["kind"] == "uptake_max"][0]
        lat = []
        for i in range(a.whatifs):
            v = up["min"] + (up["max"] - up["min"]) * (i + 1) / (a.whatifs + 1)
            body = json.dumps({"set": {up["path"]: v}})
            t = time.monotonic()
            c.request("POST", "/api/whatif", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            assert r.status == 200, r.status
            lat.append(time.monotonic() - t)
        print(f"what-if ({up['path']}), {a.whatifs} runs one after another: median "
              f"{statistics.median(lat) * 1e3:.0f} ms, p99 {pct(lat, 99) * 1e3:.0f} ms")
        per = a.reads // a.clients
        rl = [[] for _ in range(a.clients)]

        def client(k):
            cc = http.client.HTTPConnection(host, port, timeout=60)
            for i in range(per):
                t = time.monotonic()
                cc.request("GET", READS[(i + k) % len(READS)])
                r = cc.getresponse()
                r.read()
                assert r.status == 200, r.status
                rl[k].append(time.monotonic() - t)

        th = [threading.Thread(target=client, args=(k,)) for k in range(a.clients)]
        t = time.monotonic()
        for x in th:
            x.start()
        for x in th:
            x.join()
        wall = time.monotonic() - t
        all_ = [x for xs in rl for x in xs]
        print(f"reads, {a.clients} keep-alive clients, {len(all_)} requests: "
              f"{len(all_) / wall:.0f} requests/s, median {statistics.median(all_) * 1e3:.1f} ms, "
              f"p99 {pct(all_, 99) * 1e3:.1f} ms (client in Python on the same machine)")
    finally:
        srv.terminate()
        srv.wait(timeout=30)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Closed-loop HTTP load: N concurrent clients (threads, one keep-alive connection each) send GET requests
and the latency of each is recorded. Prints one JSON object: p50/p90/p99/max in ms, requests/s, errors.

  serve_load.py http://127.0.0.1:8080 '/api/v1/versions?model=model-{m}&limit=100' --models 1000 \
      --clients 16 --requests 2000 [--token T] [--label NAME]

`{m}` in the path is replaced by a random integer in [0, --models) per request, `{m4}` by the same number
zero-padded to 4 digits (the MLflow seed's `bench-model-0042`).
"""
import argparse, http.client, json, random, sys, threading, time, urllib.parse


def main():
    p = argparse.ArgumentParser()
    p.add_argument("base")
    p.add_argument("path")
    p.add_argument("--models", type=int, default=100)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--token")
    p.add_argument("--label", default="")
    a = p.parse_args()
    url = urllib.parse.urlsplit(a.base)
    headers = {"Accept": "application/json"}
    if a.token:
        headers["Authorization"] = "Bearer " + a.token

    def path_for(rng):
        m = rng.randrange(a.models)
        return a.path.replace("{m4}", "%04d" % m).replace("{m}", str(m))

    def request(conn, rng):
        conn.request("GET", path_for(rng), headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)

    # Warm-up on one connection (not measured).
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    rng = random.Random(7)
    for _ in range(a.warmup):
        request(conn, rng)
    conn.close()

    latencies, errors, items = [], [], [0]
    lock = threading.Lock()
    remaining = [a.requests]

    def client(seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        local, local_errors, local_bytes = [], [], 0
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status, size = request(conn, rng)
                local_bytes += size
                if status != 200:
                    local_errors.append(status)
            except Exception as e:  # a dropped connection counts as an error and is reopened
                local_errors.append(str(e))
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
            local.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(local)
            errors.extend(local_errors)
            items[0] += local_bytes

    threads = [threading.Thread(target=client, args=(i,)) for i in range(a.clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def pct(q):
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 2)

    print(json.dumps({
        "label": a.label, "path": a.path, "clients": a.clients, "requests": len(latencies),
        "errors": len(errors), "first_errors": [str(e) for e in errors[:3]],
        "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": pct(1.0),
        "rps": round(len(latencies) / wall, 1), "seconds": round(wall, 2), "bytes": items[0],
    }))
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())

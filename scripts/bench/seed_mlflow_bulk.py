"""Fills a real MLflow server with many model versions, fast, for the sync benchmark (`make bench`).

    .venv/bin/python scripts/bench/seed_mlflow_bulk.py URL --models 100 --versions 10000 [--threads 8]

Talks to the REST API directly (no MlflowClient: it waits for each version to become READY, which
costs an extra call per version). One task per model, run on a thread pool: create the registered
model (description, tags), create its versions one after another (source, description, two tags; the
server numbers them), then set aliases: `champion` on the last version, `challenger` on the one before,
`baseline` on the first. Versions of one model are created sequentially because the server computes
the next version number per model; different models go in parallel.

Progress on stderr; stdout gets one JSON line: {"models", "versions", "aliases", "requests", "seconds"}.
"""

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import requests

local = threading.local()
counter_lock = threading.Lock()
counters = {"requests": 0, "versions": 0, "retries": 0}


def session():
    if not hasattr(local, "session"):
        local.session = requests.Session()
    return local.session


def post(base, path, body, attempts=6):
    """POST with retries on connection errors, 5xx and 429 (SQLite may be briefly locked)."""
    delay = 0.2
    for attempt in range(attempts):
        try:
            response = session().post(f"{base}/api/2.0/mlflow/{path}", json=body, timeout=60)
            with counter_lock:
                counters["requests"] += 1
            if response.status_code < 300:
                return response.json()
            if response.status_code < 500 and response.status_code != 429:
                raise RuntimeError(f"{path} {body.get('name')}: HTTP {response.status_code}: {response.text[:300]}")
            error = f"HTTP {response.status_code}: {response.text[:200]}"
        except requests.RequestException as exc:
            error = str(exc)
        if attempt + 1 < attempts:
            with counter_lock:
                counters["retries"] += 1
            time.sleep(delay)
            delay *= 2
    raise RuntimeError(f"{path} {body.get('name')}: gave up after {attempts} attempts: {error}")


def seed_model(base, index, count):
    name = f"bench-model-{index:04d}"
    team = f"team-{index % 10}"
    post(base, "registered-models/create", {
        "name": name,
        "description": f"Benchmark model {index} ({count} versions).",
        "tags": [{"key": "team", "value": team}, {"key": "tier", "value": "gold" if index % 3 == 0 else "silver"}],
    })
    for v in range(1, count + 1):
        answer = post(base, "model-versions/create", {
            "name": name,
            "source": f"s3://bench-models/{name}/v{v}/model",
            "description": f"{name} version {v}",
            "tags": [{"key": "team", "value": team}, {"key": "batch", "value": f"b{(index * count + v) % 1000}"}],
        })
        got = answer["model_version"]["version"]
        if got != str(v):
            raise RuntimeError(f"{name}: expected version {v}, the server created {got}")
        with counter_lock:
            counters["versions"] += 1
    aliases = {"champion": count, "challenger": count - 1, "baseline": 1} if count else {}
    for alias, v in aliases.items():
        if v >= 1:
            post(base, "registered-models/alias", {"name": name, "alias": alias, "version": str(v)})
    return sum(1 for v in aliases.values() if v >= 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--versions", type=int, default=10000, help="total versions over all models")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    if args.models < 1 or args.versions < 0:
        parser.error("--models must be >= 1 and --versions >= 0")

    per_model = [args.versions // args.models + (1 if i < args.versions % args.models else 0) for i in range(args.models)]
    started = time.monotonic()
    aliases = 0
    done_models = 0
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        futures = [pool.submit(seed_model, base, i, n) for i, n in enumerate(per_model)]
        last_report = started
        for future in as_completed(futures):
            aliases += future.result()  # raises the first failure
            done_models += 1
            now = time.monotonic()
            if now - last_report >= 5 or done_models == args.models:
                last_report = now
                rate = counters["versions"] / max(now - started, 1e-9)
                print(f"seed: {done_models}/{args.models} models, {counters['versions']}/{args.versions} versions "
                      f"({rate:.0f} versions/s)", file=sys.stderr, flush=True)
    seconds = time.monotonic() - started
    print(json.dumps({"models": args.models, "versions": counters["versions"], "aliases": aliases,
                      "requests": counters["requests"], "retries": counters["retries"], "seconds": round(seconds, 2)}))


if __name__ == "__main__":
    main()

"""The Python baseline of the MLflow sync benchmark (`make bench`): what a script using the official
client has to do to read the same registry state a `modelgate sync --full` reads.

    .venv/bin/python scripts/bench/mlflow_client_baseline.py URL [--max-results 10000]

1. `MlflowClient().search_model_versions(max_results=N, page_token=...)` until there is no next page:
   every version of every model (the same GET model-versions/search endpoint modelgate uses);
2. `get_registered_model(name)` for every model seen: the only call that returns all aliases
   (and the model's tags and description).

Nothing is stored: this is the lower bound of a Python sync (no catalog, no change detection, no run
lookups). The timer starts after `import mlflow` and the client construction, so interpreter and import
time (several seconds) are not counted against the client. stdout gets one JSON line:
{"versions", "models", "aliases", "requests", "seconds"}; "seconds" is the listing time only.
"""

import argparse
import json
import logging
import sys
import time
import warnings

warnings.filterwarnings("ignore")

from mlflow import MlflowClient  # noqa: E402

logging.getLogger("mlflow").setLevel(logging.WARNING)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--max-results", type=int, default=10000,
                        help="page size of search_model_versions (the client's default, 10000)")
    args = parser.parse_args()
    client = MlflowClient(tracking_uri=args.url, registry_uri=args.url)

    started = time.perf_counter()
    requests = 0
    seen = set()
    versions = []
    names = []
    token = None
    while True:
        page = client.search_model_versions(max_results=args.max_results, page_token=token)
        requests += 1
        for v in page:
            key = (v.name, v.version)
            if key in seen:  # page tokens are offsets: a concurrent write can repeat a version
                continue
            seen.add(key)
            versions.append(v)
            if not names or names[-1] != v.name:
                names.append(v.name)
        token = page.token
        if not token:
            break
    aliases = 0
    for name in dict.fromkeys(names):
        model = client.get_registered_model(name)
        requests += 1
        aliases += len(model.aliases)
    seconds = time.perf_counter() - started
    print(json.dumps({"versions": len(versions), "models": len(dict.fromkeys(names)), "aliases": aliases,
                      "requests": requests, "seconds": round(seconds, 3)}))
    print(f"baseline: {len(versions)} versions, {len(set(names))} models, {aliases} aliases, {requests} requests "
          f"in {seconds:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

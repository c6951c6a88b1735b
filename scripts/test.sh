#!/usr/bin/env bash
# `make test`: installs what is missing, starts the real peers (MLflow server with and without basic auth,
# moto with SigV4 verification) on free 127.0.0.1 ports, runs the whole Swift test suite against them,
# then checks the HTTP API against its OpenAPI document with schemathesis (scripts/contract.sh), and stops the
# peers whatever happens. Extra arguments go to `swift test` (e.g. --filter Catalog).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

state=$(mktemp -d "${TMPDIR:-/tmp}/modelgate-peers.XXXXXX")
cleanup() {
  bash scripts/peers/mlflow.sh stop "$state" >/dev/null 2>&1 || true
  bash scripts/peers/moto.sh stop "$state" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT

echo "test: building (the first build takes several minutes)" >&2
set +e
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Wrapping|Emitting|Write|Planning|Linking)'
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || { echo "test: build failed" >&2; exit 1; }

echo "test: starting peers (mlflow server ~40 s on 2 cores, moto)" >&2
# A peer that does not start fails the run: `eval "$(…)"` would swallow the failure, so capture first.
moto_env=$(bash scripts/peers/moto.sh start "$state") || { echo "test: moto did not start" >&2; exit 1; }
eval "$moto_env"
mlflow_env=$(bash scripts/peers/mlflow.sh start --with-auth "$state") || { echo "test: mlflow server did not start" >&2; exit 1; }
eval "$mlflow_env"

swift test --skip-build "$@"

# The API contract: schemathesis against `modelgate serve` (skipped when only some tests were asked for).
if [ $# -eq 0 ]; then
  echo "test: the API contract (schemathesis against modelgate serve)" >&2
  bash scripts/contract.sh
fi

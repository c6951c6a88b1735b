#!/usr/bin/env bash
# `make demo`: the embedded default on a fresh machine. Installs the Debian packages the build needs (no Python
# venv: the demo needs no real peer), builds `modelgate`, and runs `modelgate demo`: simulators of MLflow,
# SageMaker, Vertex AI, Azure ML, GitLab and W&B on free 127.0.0.1 ports with a multi-cloud story, ModelGate's
# migrations of the champion into SageMaker and Vertex, a sync of all six, the catalog view, lineage, a report
# and a migration plan; then the web page and API until Ctrl-C.
#
#   bash scripts/demo.sh [--no-serve] [--port P]      (DEMO_ARGS="--no-serve" make demo)
#
# scripts/demo-mlflow.sh runs the everyday commands against a real MLflow server instead.
set -euo pipefail
cd "$(dirname "$0")/.."
MODELGATE_SKIP_VENV=1 bash scripts/setup.sh
echo "demo: building modelgate (the first build takes several minutes)" >&2
set +e
swift build --product modelgate 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Wrapping|Emitting|Write|Planning|Linking)'
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || { echo "demo: build failed" >&2; exit 1; }
exec .build/debug/modelgate demo "$@"

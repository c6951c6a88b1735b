#!/usr/bin/env bash
# `make reliability`: the reliability suite at full size (RELIABILITY_FULL=1): every simulated registry through
# 20% faults with more models, 10 SIGKILLs of `modelgate sync` and of `modelgate migrate apply`, the malformed
# payloads, and the secrets search. `make test` runs the same suites at a smaller size.
set -euo pipefail
cd "$(dirname "$0")/.."
MODELGATE_SKIP_VENV=1 bash scripts/setup.sh
echo "reliability: building" >&2
set +e
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Wrapping|Emitting|Write|Planning|Linking)'
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || { echo "reliability: build failed" >&2; exit 1; }
RELIABILITY_FULL=1 swift test --skip-build --filter 'Reliability' "$@"

#!/usr/bin/env bash
# The everyday commands against a real local MLflow server, from a fresh machine (`make demo` runs the
# embedded default, scripts/demo.sh).
#
#   bash scripts/demo-mlflow.sh [--keep] [--no-serve]
#
# 1. installs what is missing (scripts/setup.sh) and builds `modelgate` (debug);
# 2. starts a real MLflow 3.17.2 server on a free 127.0.0.1 port, with its state in a temp directory
#    (scripts/peers/mlflow.sh; it takes ~40 s to answer on 2 cores, so it starts while the build runs);
# 3. seeds it with a small registry (scripts/demo/seed_mlflow.py: four models, versions from runs with
#    params, metrics, datasets and git commits, tags, stages, aliases) and writes a modelgate.yaml for it;
# 4. runs the main job: registries, sync, models, versions, versions --alias champion, show the champion;
#    then moves the champion alias in MLflow (through `modelgate request`), syncs again and shows
#    `modelgate history ... --alias champion` ("champion moved from 3 to 4").
#
# Command headers go to stderr, command output to stdout. Any failing step stops the demo with exit 1.
# The server is stopped and the temp directory removed on every exit, unless --keep is given: then the
# server keeps running and the script prints how to use it and how to stop it.
# --no-serve is accepted for the future `modelgate demo --no-serve`; there is no web page yet (it comes
# with `modelgate serve`), so it changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    --no-serve) ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown option $arg (usage: scripts/demo-mlflow.sh [--keep] [--no-serve])" >&2; exit 64 ;;
  esac
done

REGISTRY=mlflow-demo
started=$SECONDS
say() { echo "demo: $*" >&2; }
die() { echo "demo: FAILED: $*" >&2; exit 1; }

state=$(mktemp -d "${TMPDIR:-/tmp}/modelgate-demo.XXXXXX")
peer_pid=""
cleanup() {
  local status=$?
  if [ "$keep" = 1 ] && [ "$status" -eq 0 ]; then return; fi
  [ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null || true   # a start still waiting for /health
  bash scripts/peers/mlflow.sh stop "$state" >/dev/null 2>&1 || true
  rm -rf "$state"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. Install and start the registry (in the background), build.
say "installing what is missing (scripts/setup.sh)"
bash scripts/setup.sh

say "starting a real MLflow server in $state (in the background, ~40 s)"
bash scripts/peers/mlflow.sh start "$state" >"$state/peer.env" 2>"$state/peer.log" &
peer_pid=$!

say "building modelgate (the first build takes several minutes)"
set +e
swift build --product modelgate 2>&1 \
  | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Wrapping|Emitting|Write|Planning|Linking)|unhandled; explicitly declare them|^    /.*/checkouts/.*CMakeLists.txt$' >&2
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || die "swift build --product modelgate (exit $status)"
BIN="$(swift build --show-bin-path)"
[ -x "$BIN/modelgate" ] || die "no $BIN/modelgate after the build"

say "waiting for the MLflow server"
if ! wait "$peer_pid"; then
  peer_pid=""
  cat "$state/peer.log" >&2
  die "the MLflow server did not start"
fi
peer_pid=""
# shellcheck disable=SC1091
source "$state/peer.env"
URL="$MODELGATE_TEST_MLFLOW_URL"
say "MLflow is up at $URL"

# 2. Seed it and point a config at it.
say "seeding MLflow with sample models (scripts/demo/seed_mlflow.py)"
.venv/bin/python scripts/demo/seed_mlflow.py "$URL" >"$state/seed.json" || die "seeding MLflow"
champion=$(.venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["models"]["fraud-detector"]["aliases"]["champion"])' <"$state/seed.json")
challenger=$(.venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["models"]["fraud-detector"]["aliases"]["challenger"])' <"$state/seed.json")

cat >"$state/modelgate.yaml" <<YAML
# Written by scripts/demo-mlflow.sh: one open MLflow server on loopback.
catalog: ./catalog.sqlite
registries:
  - {name: $REGISTRY, kind: mlflow, url: $URL}
sync: {concurrency: 4, tombstone_after_misses: 2, full_every: 24}
YAML
export MODELGATE_CONFIG="$state/modelgate.yaml"
export PATH="$BIN:$PATH"

# 3. The main job. `run CMD...` prints a header on stderr, runs it, stops the demo if it fails.
if [ -t 2 ]; then bold=$'\033[1m'; plain=$'\033[0m'; else bold=""; plain=""; fi
run() {
  printf '\n%s$ %s%s\n' "$bold" "$*" "$plain" >&2
  "$@" || die "$* (exit $?)"
}
note() { printf '\n# %s\n' "$*" >&2; }

note "config: $MODELGATE_CONFIG (MODELGATE_CONFIG points at it)"
run modelgate registries
run modelgate sync
run modelgate models
run modelgate versions
run modelgate versions --alias champion
run modelgate show "$REGISTRY:fraud-detector@$champion"

note "promote the challenger in MLflow (raw API calls): 'champion' moves from $champion to $challenger, 'challenger' is removed, $challenger goes to Production"
run modelgate request "$REGISTRY" POST /api/2.0/mlflow/registered-models/alias \
  --data "{\"name\": \"fraud-detector\", \"alias\": \"champion\", \"version\": \"$challenger\"}"
run modelgate request "$REGISTRY" DELETE /api/2.0/mlflow/registered-models/alias \
  --data '{"name": "fraud-detector", "alias": "challenger"}'
run modelgate request "$REGISTRY" POST /api/2.0/mlflow/model-versions/transition-stage \
  --data "{\"name\": \"fraud-detector\", \"version\": \"$challenger\", \"stage\": \"Production\", \"archive_existing_versions\": true}" \
  --quiet >/dev/null
second_sync_at=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
run modelgate sync
run modelgate versions --model fraud-detector
run modelgate history "$REGISTRY:fraud-detector" --alias champion
run modelgate history "$REGISTRY:fraud-detector" --since "$second_sync_at"

history_json=$(modelgate history "$REGISTRY:fraud-detector" --alias champion --output json) || die "history --output json"
echo "$history_json" | .venv/bin/python -c '
import json, sys
champion, challenger = sys.argv[1], sys.argv[2]
moves = [e for e in json.load(sys.stdin) if e.get("before") == champion and e.get("after") == challenger]
sys.exit(0 if moves else 1)' "$champion" "$challenger" \
  || die "the change log has no 'champion moved from $champion to $challenger'"

echo >&2
say "ok: champion moved from $champion to $challenger, seen by the second sync ($((SECONDS - started)) s in all)"
say "the web page and HTTP API over the catalog come with \`modelgate serve\` (not built yet); this demo only prints"
if [ "$keep" = 1 ]; then
  cat >&2 <<EOF

demo: --keep: the MLflow server keeps running at $URL (MLflow UI there too).
  export MODELGATE_CONFIG=$MODELGATE_CONFIG
  $BIN/modelgate versions --model fraud-detector
  $BIN/modelgate history $REGISTRY:fraud-detector
  $BIN/modelgate request $REGISTRY GET '/api/2.0/mlflow/registered-models/get?name=fraud-detector'
Stop it and remove its state with:
  bash scripts/peers/mlflow.sh stop $state && rm -rf $state
EOF
fi

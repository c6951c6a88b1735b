#!/usr/bin/env bash
# `make bench`: ModelGate's benchmarks. Never part of `make test`. What is measured: scripts/bench/README.md.
#
#   bash scripts/bench.sh              # all three parts
#   bash scripts/bench.sh catalog      # only (a), the catalog benchmark (Benchmarks/main.swift)
#   bash scripts/bench.sh mlflow       # only (b), the MLflow sync benchmark against a real server
#   bash scripts/bench.sh sagemaker    # only (c), the SageMaker sync benchmark against moto
#   bash scripts/bench.sh serve        # only (d), `modelgate serve` latency next to a real MLflow server
#
# (a) `swift run -c release ModelGateBenchmarks`: apply(page:) upserts per second against a raw SQLite
#     insert loop in the same run, and the query plans and times of `versions` filters over the catalog.
# (b) a real MLflow 3.17.2 server (scripts/peers/mlflow.sh) seeded over its REST API with
#     MODELGATE_BENCH_VERSIONS versions over MODELGATE_BENCH_MODELS models (+3 aliases per model); then,
#     in the same run: the Python baseline (scripts/bench/mlflow_client_baseline.py), `modelgate sync
#     --full` (release build) into a fresh catalog, and a no-change re-sync (time and request count).
# (c) moto_server with SigV4 verification on (scripts/peers/moto.sh) seeded with boto3 with
#     MODELGATE_BENCH_SM_PACKAGES versioned model packages over MODELGATE_BENCH_SM_GROUPS groups; then, in
#     the same run: the boto3 baseline (scripts/bench/sagemaker_boto3_baseline.py: list groups, list
#     packages, describe each), `modelgate sync --full` into a fresh catalog, and a no-change re-sync.
#
# Environment (all optional):
#   BENCH_SCALE=0.05               every size whose own variable is unset (default 1.0): (a) 1,000,000 versions
#                                  in 10,000 models, (b) 10,000 MLflow versions, (c) 2,000 SageMaker packages
#   MODELGATE_BENCH_VERSIONS=10000 (b) versions in the MLflow server
#   MODELGATE_BENCH_MODELS=100     (b) models they are spread over
#   MODELGATE_BENCH_THREADS=4      (b) seeding threads (the server has one worker on SQLite)
#   MODELGATE_BENCH_MAX_RESULTS=10000  (b) the baseline's search_model_versions page size (its default)
#   MODELGATE_BENCH_PAGE_SIZE=     (b) `page_size:` for modelgate (unset: its defaults, 100 models and
#                                      10,000 versions a page)
#   MODELGATE_BENCH_SM_PACKAGES=2000   (c) versioned model packages in moto
#   MODELGATE_BENCH_SM_GROUPS=20       (c) model package groups they are spread over
#   MODELGATE_BENCH_SM_THREADS=8       (c) seeding threads (one group per task)
#   MODELGATE_BENCH_KEEP=1         (b, c) leave the servers running and the state directory in place
#   (d) serve: BENCH_SCALE (default 0.1 here: 100,000 versions; 1.0 = 1,000,000) sizes the served catalog;
#   MODELGATE_BENCH_SERVE_CLIENTS=16, MODELGATE_BENCH_SERVE_REQUESTS=2000 per query; the MLflow side is the
#   (b) server with MODELGATE_BENCH_VERSIONS (10,000) versions seeded through its API
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

what="${1:-all}"
case "$what" in
  all|catalog|mlflow|sagemaker|serve) ;;
  -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "bench: unknown part '$what' (all, catalog, mlflow, sagemaker or serve)" >&2; exit 64 ;;
esac
# want PART: whether this run includes PART.
want() { [ "$what" = all ] || [ "$what" = "$1" ]; }

# BENCH_SCALE grows or shrinks every size whose own variable is unset (catalog 1,000,000, MLflow 10,000,
# SageMaker 2,000 at 1.0; serve 100,000 at its default 0.1).
scaled() { awk -v n="$1" -v s="${BENCH_SCALE:-1.0}" -v m="$2" 'BEGIN { v = int(n * s); if (v < m) v = m; print v }'; }
VERSIONS="${MODELGATE_BENCH_VERSIONS:-$(scaled 10000 100)}"
MODELS="${MODELGATE_BENCH_MODELS:-100}"
THREADS="${MODELGATE_BENCH_THREADS:-4}"
MAX_RESULTS="${MODELGATE_BENCH_MAX_RESULTS:-10000}"
PAGE_SIZE="${MODELGATE_BENCH_PAGE_SIZE:-}"
SM_PACKAGES="${MODELGATE_BENCH_SM_PACKAGES:-$(scaled 2000 20)}"
SM_GROUPS="${MODELGATE_BENCH_SM_GROUPS:-20}"
SM_THREADS="${MODELGATE_BENCH_SM_THREADS:-8}"
KEEP="${MODELGATE_BENCH_KEEP:-0}"
PY="$ROOT/.venv/bin/python"

say() { echo "bench: $*" >&2; }
die() { echo "bench: FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# json FILE EXPR: evaluates a Python expression over the JSON document in FILE (bound to `d`).
json() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

noise='^\[[0-9]+/[0-9]+\] (Compiling|Wrapping|Emitting|Write|Planning|Linking)|unhandled; explicitly declare them|^    /.*/checkouts/.*CMakeLists.txt$'
# build ARGS...: `swift build ARGS` with the per-file progress lines filtered out, output on stderr.
build() {
  local status
  set +e
  swift build "$@" 2>&1 | grep -vE "$noise" >&2
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] || die "swift build $* (exit $status)"
}

state=$(mktemp -d "${TMPDIR:-/tmp}/modelgate-bench.XXXXXX")
peer_pid=""
moto_pid=""
serve_pid=""
moto_dir="$state/moto"
cleanup() {
  local status=$?
  [ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  if [ "$KEEP" = 1 ] && { [ -f "$state/peer.env" ] || [ -f "$moto_dir/moto.env" ]; }; then
    [ -f "$state/peer.env" ] && say "MODELGATE_BENCH_KEEP=1: MLflow server left running (stop: bash scripts/peers/mlflow.sh stop $state)"
    [ -f "$moto_dir/moto.env" ] && say "MODELGATE_BENCH_KEEP=1: moto left running (stop: bash scripts/peers/moto.sh stop $moto_dir)"
    say "MODELGATE_BENCH_KEEP=1: state left in $state"
  else
    bash scripts/peers/mlflow.sh stop "$state" >/dev/null 2>&1 || true
    bash scripts/peers/moto.sh stop "$moto_dir" >/dev/null 2>&1 || true
    rm -rf "$state"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
mkdir -p .build
say "installing what is missing (scripts/setup.sh)"
bash scripts/setup.sh

if want mlflow || want serve; then
  # Started first: it takes ~40 s to answer, the release builds run meanwhile.
  say "starting a real MLflow server in $state (in the background)"
  bash scripts/peers/mlflow.sh start "$state" >"$state/peer.env" 2>"$state/peer.log" &
  peer_pid=$!
fi
if want sagemaker; then
  # moto.sh writes the exports (with the secret key) to $moto_dir/moto.env only; nothing is printed.
  say "starting moto (SigV4 verification on) in $moto_dir (in the background)"
  mkdir -p "$moto_dir"
  bash scripts/peers/moto.sh start "$moto_dir" >/dev/null 2>"$state/moto-start.log" &
  moto_pid=$!
fi

MG=""
# modelgate_release: builds modelgate (release) once and sets MG to the binary.
modelgate_release() {
  [ -z "$MG" ] || return 0
  say "building modelgate (release)"
  build -c release --product modelgate
  MG="$(swift build -c release --show-bin-path)/modelgate"
  [ -x "$MG" ] || die "no $MG after the build"
}

# ---------------------------------------------------------------------------------------------------
# (a) The catalog benchmark.
catalog_out="$state/catalog-bench.txt"
if want catalog; then
  say "(a) building ModelGateBenchmarks (release; the first release build takes several minutes)"
  build -c release --product ModelGateBenchmarks
  say "(a) running the catalog benchmark (BENCH_SCALE=${BENCH_SCALE:-1.0}; at 1.0 it takes a few minutes)"
  catalog_started=$(now)
  set +e
  swift run -c release --skip-build ModelGateBenchmarks 2>&1 | tee "$catalog_out"
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] || die "ModelGateBenchmarks (exit $status)"
  catalog_seconds=$(elapsed "$catalog_started" "$(now)")
fi

# ---------------------------------------------------------------------------------------------------
# (b) The MLflow sync benchmark.
if want mlflow; then
  modelgate_release

  say "(b) waiting for the MLflow server"
  if ! wait "$peer_pid"; then peer_pid=""; cat "$state/peer.log" >&2; die "the MLflow server did not start"; fi
  peer_pid=""
  # shellcheck disable=SC1091
  source "$state/peer.env"
  URL="$MODELGATE_TEST_MLFLOW_URL"

  say "(b) seeding $VERSIONS versions over $MODELS models through the REST API ($THREADS threads)"
  "$PY" scripts/bench/seed_mlflow_bulk.py "$URL" --models "$MODELS" --versions "$VERSIONS" --threads "$THREADS" \
    >"$state/seed.json" || die "seeding"
  seed_seconds=$(json "$state/seed.json" 'd["seconds"]')
  aliases=$(json "$state/seed.json" 'd["aliases"]')

  {
    echo "catalog: $state/catalog.sqlite"
    echo "registries:"
    echo "  - name: mlflow-bench"
    echo "    kind: mlflow"
    echo "    url: $URL"
    [ -z "$PAGE_SIZE" ] || echo "    page_size: $PAGE_SIZE"
  } >"$state/modelgate.yaml"

  # One cheap call each way so neither side pays for the server's first request.
  "$MG" request mlflow-bench GET '/api/2.0/mlflow/registered-models/search?max_results=1' \
    --config "$state/modelgate.yaml" >/dev/null || die "warm-up request"

  say "(b) Python baseline: MlflowClient.search_model_versions (max_results=$MAX_RESULTS) + get_registered_model per model"
  py_started=$(now)
  "$PY" scripts/bench/mlflow_client_baseline.py "$URL" --max-results "$MAX_RESULTS" >"$state/baseline.json" \
    || die "the Python baseline"
  py_process=$(elapsed "$py_started" "$(now)")
  py_seconds=$(json "$state/baseline.json" '"%.2f" % d["seconds"]')
  py_requests=$(json "$state/baseline.json" 'd["requests"]')
  py_versions=$(json "$state/baseline.json" 'd["versions"]')
  py_aliases=$(json "$state/baseline.json" 'd["aliases"]')
  [ "$py_versions" = "$VERSIONS" ] || die "the baseline read $py_versions versions, expected $VERSIONS"

  say "(b) modelgate sync --full into a fresh catalog"
  full_started=$(now)
  "$MG" sync --full --output json --config "$state/modelgate.yaml" >"$state/full.json" || die "modelgate sync --full"
  full_seconds=$(elapsed "$full_started" "$(now)")
  full_created=$(json "$state/full.json" 'd["registries"][0]["created"]')
  full_requests=$(json "$state/full.json" 'd["registries"][0]["requests"]')
  full_internal=$(json "$state/full.json" '"%.2f" % d["registries"][0]["seconds"]')
  [ "$full_created" = "$VERSIONS" ] || die "sync --full created $full_created versions, expected $VERSIONS"
  catalog_aliases=$("$MG" versions --alias champion --output json --config "$state/modelgate.yaml" \
    | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
  [ "$catalog_aliases" = "$MODELS" ] || die "the catalog has $catalog_aliases champions, expected $MODELS"

  say "(b) no-change re-sync"
  re_started=$(now)
  "$MG" sync --output json --config "$state/modelgate.yaml" >"$state/resync.json" || die "modelgate sync (re-sync)"
  re_seconds=$(elapsed "$re_started" "$(now)")
  re_requests=$(json "$state/resync.json" 'd["registries"][0]["requests"]')
  re_changed=$(json "$state/resync.json" 'sum(d["registries"][0][k] for k in ("created", "updated", "deleted"))')
  re_unchanged=$(json "$state/resync.json" 'd["registries"][0]["unchanged"]')
  [ "$re_changed" = 0 ] || die "the no-change re-sync reported $re_changed created/updated/deleted"

  ratio=$(awk -v a="$full_seconds" -v b="$py_seconds" 'BEGIN { printf "%.2f", a / b }')
  ratio_process=$(awk -v a="$full_seconds" -v b="$py_process" 'BEGIN { printf "%.2f", a / b }')
fi

# ---------------------------------------------------------------------------------------------------
# (c) The SageMaker sync benchmark against moto.
if want sagemaker; then
  modelgate_release

  say "(c) waiting for moto"
  if ! wait "$moto_pid"; then
    moto_pid=""; cat "$state/moto-start.log" "$moto_dir/moto.log" >&2 2>/dev/null || true; die "moto did not start"
  fi
  moto_pid=""
  # MODELGATE_TEST_MOTO_URL and the keys of an IAM user allowed sagemaker:* (exported for the scripts and
  # for the ${…} references in the config below; the secret is never printed or written elsewhere).
  # shellcheck disable=SC1091
  source "$moto_dir/moto.env"
  SM_URL="$MODELGATE_TEST_MOTO_URL"

  say "(c) seeding $SM_PACKAGES versioned model packages over $SM_GROUPS groups with boto3 ($SM_THREADS threads)"
  "$PY" scripts/bench/seed_sagemaker.py "$SM_URL" --groups "$SM_GROUPS" --packages "$SM_PACKAGES" \
    --threads "$SM_THREADS" >"$state/sm-seed.json" || die "seeding moto"
  sm_seed_seconds=$(json "$state/sm-seed.json" 'd["seconds"]')
  sm_seeded=$(json "$state/sm-seed.json" 'd["packages"]')
  sm_approved=$(json "$state/sm-seed.json" 'd["approved"]')
  [ "$sm_seeded" = "$SM_PACKAGES" ] || die "seeded $sm_seeded packages, expected $SM_PACKAGES"

  {
    echo "catalog: $state/sm-catalog.sqlite"
    echo "registries:"
    echo "  - name: sm-bench"
    echo "    kind: sagemaker"
    echo "    region: us-east-1"
    echo "    endpoint: $SM_URL"
    echo '    auth: {type: aws, access_key_id: "${MODELGATE_TEST_AWS_ACCESS_KEY_ID}", secret_access_key: "${MODELGATE_TEST_AWS_SECRET_ACCESS_KEY}"}'
  } >"$state/sm-modelgate.yaml"

  # One cheap signed call through modelgate before anything is timed: checks the config and the keys.
  "$MG" request sm-bench POST / --data '{"MaxResults": 1}' --header 'X-Amz-Target: SageMaker.ListModelPackageGroups' \
    --header 'Content-Type: application/x-amz-json-1.1' --config "$state/sm-modelgate.yaml" >/dev/null \
    || die "warm-up request"

  say "(c) boto3 baseline: list_model_package_groups, list_model_packages (Versioned) per group, describe_model_package each"
  sm_py_started=$(now)
  "$PY" scripts/bench/sagemaker_boto3_baseline.py "$SM_URL" >"$state/sm-baseline.json" || die "the boto3 baseline"
  sm_py_process=$(elapsed "$sm_py_started" "$(now)")
  sm_py_seconds=$(json "$state/sm-baseline.json" '"%.2f" % d["seconds"]')
  sm_py_requests=$(json "$state/sm-baseline.json" 'd["requests"]')
  sm_py_packages=$(json "$state/sm-baseline.json" 'd["distinct"]')
  sm_py_groups=$(json "$state/sm-baseline.json" 'd["groups"]')
  sm_py_artifacts=$(json "$state/sm-baseline.json" 'd["artifacts"]')
  [ "$sm_py_groups" = "$SM_GROUPS" ] || die "the baseline read $sm_py_groups groups, expected $SM_GROUPS"
  [ "$sm_py_packages" = "$SM_PACKAGES" ] || die "the baseline read $sm_py_packages packages, expected $SM_PACKAGES"
  [ "$sm_py_artifacts" = "$SM_PACKAGES" ] || die "the baseline saw $sm_py_artifacts artifact URIs, expected $SM_PACKAGES"

  say "(c) modelgate sync --full into a fresh catalog"
  sm_full_started=$(now)
  "$MG" sync --full --output json --config "$state/sm-modelgate.yaml" >"$state/sm-full.json" \
    || die "modelgate sync --full (sagemaker)"
  sm_full_seconds=$(elapsed "$sm_full_started" "$(now)")
  sm_full_created=$(json "$state/sm-full.json" 'd["registries"][0]["created"]')
  sm_full_requests=$(json "$state/sm-full.json" 'd["registries"][0]["requests"]')
  sm_full_retries=$(json "$state/sm-full.json" 'd["registries"][0]["retries"]')
  sm_full_internal=$(json "$state/sm-full.json" '"%.2f" % d["registries"][0]["seconds"]')
  [ "$sm_full_created" = "$SM_PACKAGES" ] || die "sync --full created $sm_full_created versions, expected $SM_PACKAGES"
  # versions_count ARGS...: how many versions `modelgate versions ARGS` lists.
  versions_count() {
    "$MG" versions --registry sm-bench "$@" --output json --config "$state/sm-modelgate.yaml" \
      | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'
  }
  sm_catalog_versions=$(versions_count)
  sm_catalog_approved=$(versions_count --lifecycle approved)
  [ "$sm_catalog_versions" = "$SM_PACKAGES" ] || die "the catalog has $sm_catalog_versions versions, expected $SM_PACKAGES"
  [ "$sm_catalog_approved" = "$sm_approved" ] || die "the catalog has $sm_catalog_approved approved versions, seeded $sm_approved"

  say "(c) no-change re-sync (incremental; moto's Search ignores time filters, so it falls back to a full walk)"
  sm_re_started=$(now)
  "$MG" sync --output json --config "$state/sm-modelgate.yaml" >"$state/sm-resync.json" \
    || die "modelgate sync (sagemaker re-sync)"
  sm_re_seconds=$(elapsed "$sm_re_started" "$(now)")
  sm_re_requests=$(json "$state/sm-resync.json" 'd["registries"][0]["requests"]')
  sm_re_internal=$(json "$state/sm-resync.json" '"%.2f" % d["registries"][0]["seconds"]')
  sm_re_changed=$(json "$state/sm-resync.json" 'sum(d["registries"][0][k] for k in ("created", "updated", "deleted"))')
  sm_re_unchanged=$(json "$state/sm-resync.json" 'd["registries"][0]["unchanged"]')
  [ "$sm_re_changed" = 0 ] || die "the no-change re-sync reported $sm_re_changed created/updated/deleted"
  [ "$sm_re_unchanged" = "$SM_PACKAGES" ] || die "the no-change re-sync saw $sm_re_unchanged unchanged, expected $SM_PACKAGES"

  sm_ratio=$(awk -v a="$sm_full_seconds" -v b="$sm_py_seconds" 'BEGIN { printf "%.2f", a / b }')
  sm_ratio_process=$(awk -v a="$sm_full_seconds" -v b="$sm_py_process" 'BEGIN { printf "%.2f", a / b }')
  sm_ratio_re=$(awk -v a="$sm_re_seconds" -v b="$sm_py_seconds" 'BEGIN { printf "%.2f", a / b }')
fi

# ---------------------------------------------------------------------------------------------------
# (d) `modelgate serve`: p50/p99 of GET /api/v1/versions?model=… and ?search=… under concurrent clients, next to
#     the real MLflow server's model-versions/search over the versions seeded through its API, in the same run.
if want serve; then
  modelgate_release
  SERVE_SCALE="${BENCH_SCALE:-0.1}"
  SERVE_CLIENTS="${MODELGATE_BENCH_SERVE_CLIENTS:-16}"
  SERVE_REQUESTS="${MODELGATE_BENCH_SERVE_REQUESTS:-2000}"
  say "(d) building ModelGateBenchmarks (release) to fill the catalog"
  build -c release --product ModelGateBenchmarks
  say "(d) filling a catalog (BENCH_SCALE=$SERVE_SCALE)"
  BENCH_SCALE="$SERVE_SCALE" MODELGATE_BENCH_FILL="$state/serve-catalog.sqlite" \
    swift run -c release --skip-build ModelGateBenchmarks >"$state/serve-fill.txt" 2>&1 || { cat "$state/serve-fill.txt" >&2; die "filling the catalog"; }
  serve_fill=$(cat "$state/serve-fill.txt" | tail -1)
  serve_models=$(awk -v s="$SERVE_SCALE" 'BEGIN { m = int(10000 * s); if (m < 10) m = 10; print m }')
  serve_versions=$((serve_models * 100))
  port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  say "(d) modelgate serve on 127.0.0.1:$port over $serve_versions versions"
  (cd "$state" && exec "$MG" serve --catalog "$state/serve-catalog.sqlite" --host 127.0.0.1 --port "$port" --quiet) \
    >"$state/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$state/serve.log" >&2; die "modelgate serve did not start"; }
  load() {  # load LABEL BASE PATH MODELS → JSON line in $state/load-LABEL.json
    "$PY" scripts/bench/serve_load.py "$2" "$3" --models "$4" --clients "$SERVE_CLIENTS" --requests "$SERVE_REQUESTS" \
      --label "$1" >"$state/load-$1.json" || { cat "$state/load-$1.json" >&2; die "load $1"; }
  }
  say "(d) modelgate: $SERVE_REQUESTS requests per query, $SERVE_CLIENTS clients"
  load mg-model "http://127.0.0.1:$port" '/api/v1/versions?model=model-{m}&limit=100' "$serve_models"
  load mg-search "http://127.0.0.1:$port" '/api/v1/versions?search=model-{m}&limit=100' "$serve_models"
  kill "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""

  if [ -z "${URL:-}" ]; then
    say "(d) waiting for the MLflow server"
    if ! wait "$peer_pid"; then peer_pid=""; cat "$state/peer.log" >&2; die "the MLflow server did not start"; fi
    peer_pid=""
    # shellcheck disable=SC1091
    source "$state/peer.env"
    URL="$MODELGATE_TEST_MLFLOW_URL"
    say "(d) seeding $VERSIONS versions over $MODELS models through the REST API ($THREADS threads)"
    "$PY" scripts/bench/seed_mlflow_bulk.py "$URL" --models "$MODELS" --versions "$VERSIONS" --threads "$THREADS" \
      >"$state/seed.json" || die "seeding"
  fi
  say "(d) MLflow: model-versions/search, same clients and requests"
  load mlflow-model "$URL" "/api/2.0/mlflow/model-versions/search?filter=name%3D%27bench-model-{m4}%27&max_results=100" "$MODELS"
  load mlflow-search "$URL" "/api/2.0/mlflow/model-versions/search?filter=name%20LIKE%20%27%25model-{m4}%25%27&max_results=100" "$MODELS"
fi

# ---------------------------------------------------------------------------------------------------
# Results.
{
  echo
  echo "================================ ModelGate benchmark results ================================"
  echo "machine: $(nproc) cores, $(uname -sr); swift $(swift --version 2>/dev/null | grep -oE 'version [0-9.]+' | head -1 | cut -d' ' -f2)"
  if want catalog; then
    echo
    echo "(a) catalog (Benchmarks/main.swift, BENCH_SCALE=${BENCH_SCALE:-1.0}, ${catalog_seconds} s in all)"
    grep -E '^(ModelGate catalog benchmark|apply\(page:\)|identical re-apply|raw INSERT loop|ratio )' "$catalog_out" \
      | sed 's/^/  /'
    grep -E 'ms per query' "$catalog_out" | sed 's/^/  query /'
    scans=$(grep -E 'plan: ' "$catalog_out" | grep -E 'SCAN' | grep -vE 'USING (COVERING )?INDEX' || true)
    if [ -n "$scans" ]; then echo "  query plans with a full scan:"; echo "$scans" | sed 's/^ */    /'
    else echo "  query plans: every filter uses an index (no full SCAN)"; fi
  fi
  if want mlflow; then
    echo
    echo "(b) MLflow sync: $VERSIONS versions over $MODELS models, $aliases aliases, real MLflow 3.17.2 at $URL"
    echo "    (seeded in ${seed_seconds} s; modelgate page_size: ${PAGE_SIZE:-default}; baseline max_results: $MAX_RESULTS)"
    printf '  %-52s %10s %10s\n' "" "seconds" "requests"
    printf '  %-52s %10s %10s\n' "Python MlflowClient baseline (listing only)" "$py_seconds" "$py_requests"
    printf '  %-52s %10s %10s\n' "Python baseline, whole process (with import mlflow)" "$py_process" "$py_requests"
    printf '  %-52s %10s %10s\n' "modelgate sync --full, fresh catalog (whole process)" "$full_seconds" "$full_requests"
    printf '  %-52s %10s %10s\n' "  of which the sync itself (summary \"seconds\")" "$full_internal" ""
    printf '  %-52s %10s %10s\n' "modelgate sync, no change (whole process)" "$re_seconds" "$re_requests"
    echo "  ratio modelgate/python: ${ratio} (against the listing only), ${ratio_process} (against the whole Python process)"
    echo "  modelgate also stored everything in its catalog: $full_created versions created, $catalog_aliases champions;"
    echo "  the re-sync wrote nothing: 0 created/updated/deleted, $re_unchanged unchanged; the baseline saw $py_aliases aliases"
  fi
  if want sagemaker; then
    echo
    echo "(c) SageMaker sync: $SM_PACKAGES versioned packages in $SM_GROUPS groups, moto 5.2.1 (SigV4 checked) at $SM_URL"
    echo "    (seeded with boto3 in ${sm_seed_seconds} s; both sides list with MaxResults 100)"
    printf '  %-52s %10s %10s\n' "" "seconds" "requests"
    printf '  %-52s %10s %10s\n' "boto3 baseline: list + describe each (listing only)" "$sm_py_seconds" "$sm_py_requests"
    printf '  %-52s %10s %10s\n' "boto3 baseline, whole process (with import boto3)" "$sm_py_process" "$sm_py_requests"
    printf '  %-52s %10s %10s\n' "modelgate sync --full, fresh catalog (whole process)" "$sm_full_seconds" "$sm_full_requests"
    printf '  %-52s %10s %10s\n' "  of which the sync itself (summary \"seconds\")" "$sm_full_internal" ""
    printf '  %-52s %10s %10s\n' "modelgate sync, no change (whole process)" "$sm_re_seconds" "$sm_re_requests"
    printf '  %-52s %10s %10s\n' "  of which the sync itself (summary \"seconds\")" "$sm_re_internal" ""
    echo "  ratio modelgate/boto3: ${sm_ratio} (full sync against the listing only), ${sm_ratio_process} (against the"
    echo "  whole boto3 process), ${sm_ratio_re} (no-change re-sync against the listing only)"
    echo "  modelgate also stored everything in its catalog: $sm_full_created versions created ($sm_catalog_approved approved,"
    echo "  as seeded), $sm_full_retries retries; the re-sync wrote nothing: 0 created/updated/deleted, $sm_re_unchanged unchanged"
  fi
  if want serve; then
    echo
    echo "(d) modelgate serve: $serve_versions versions in the catalog (BENCH_SCALE=$SERVE_SCALE; $serve_fill)"
    echo "    against a real MLflow 3.17.2 server with $VERSIONS versions seeded through its API;"
    echo "    $SERVE_CLIENTS concurrent clients (scripts/bench/serve_load.py, keep-alive), $SERVE_REQUESTS requests each row"
    printf '  %-58s %9s %9s %9s %8s %6s\n' "" "p50 ms" "p99 ms" "max ms" "req/s" "errors"
    for row in "mg-model:modelgate GET /api/v1/versions?model=M&limit=100" \
               "mg-search:modelgate GET /api/v1/versions?search=TEXT&limit=100" \
               "mlflow-model:MLflow model-versions/search name='M' (100)" \
               "mlflow-search:MLflow model-versions/search name LIKE '%TEXT%' (100)"; do
      key="${row%%:*}"; label="${row#*:}"; f="$state/load-$key.json"
      printf '  %-58s %9s %9s %9s %8s %6s\n' "$label" "$(json "$f" 'd["p50_ms"]')" "$(json "$f" 'd["p99_ms"]')" \
        "$(json "$f" 'd["max_ms"]')" "$(json "$f" 'd["rps"]')" "$(json "$f" 'd["errors"]')"
    done
  fi
  echo
  echo "Summary: ModelGate against its baseline, measured in this run (ratio = ModelGate / baseline time; < 1 is faster)"
  printf '  %-62s %8s\n' "benchmark" "ratio"
  if want catalog; then
    catalog_ratio=$(awk '/^ratio/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+x$/) { sub("x", "", $i); print $i; exit } }' "$catalog_out")
    printf '  %-62s %8s\n' "catalog: apply(page:) upsert vs a raw SQLite INSERT loop (time)" "$catalog_ratio"
  fi
  if want mlflow; then printf '  %-62s %8s\n' "MLflow: sync --full vs the Python MlflowClient listing" "$ratio"; fi
  if want sagemaker; then printf '  %-62s %8s\n' "SageMaker: sync --full vs boto3 list + describe" "$sm_ratio"; fi
  if want serve; then
    serve_ratio=$(awk -v a="$(json "$state/load-mg-model.json" 'd["p50_ms"]')" -v b="$(json "$state/load-mlflow-model.json" 'd["p50_ms"]')" \
      'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }')
    printf '  %-62s %8s\n' "serve: p50 of versions?model= vs MLflow model-versions/search" "$serve_ratio"
  fi
  echo
  echo "bench: done in $((SECONDS - started)) s"
} | tee "$ROOT/.build/bench-results.txt"

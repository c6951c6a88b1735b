#!/usr/bin/env bash
# The API contract (issue 15 item 4): schemathesis, pinned in .venv by scripts/setup.sh, runs every check it has
# against `modelgate serve` (admin token) over a throwaway catalog seeded by the demo's world, with bounded
# examples and a fixed seed. Exits non-zero on any failure. Builds nothing: expects .build/debug/modelgate.
#
#   scripts/contract.sh                      # MODELGATE_BIN, CONTRACT_EXAMPLES, CONTRACT_SEED override the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${MODELGATE_BIN:-$root/.build/debug/modelgate}
st=$root/.venv/bin/schemathesis
examples=${CONTRACT_EXAMPLES:-50}
seed=${CONTRACT_SEED:-20261207}

[ -x "$bin" ] || { echo "contract: $bin is not built; run 'swift build' first" >&2; exit 1; }
[ -x "$st" ] || { echo "contract: schemathesis is not in .venv; run scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/modelgate-contract.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$work"

# A catalog with the demo's world: six registries, copies across them, aliases, history, lineage, conflicts.
if ! "$bin" demo --no-serve --quiet --catalog "$work/catalog.sqlite" >demo.out 2>demo.err; then
  echo "contract: seeding the catalog with 'modelgate demo --no-serve' failed:" >&2
  cat demo.err >&2
  exit 1
fi

# An admin token from the environment (never written to the config file), on a free loopback port.
MODELGATE_CONTRACT_TOKEN=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
export MODELGATE_CONTRACT_TOKEN
cat >modelgate.yaml <<YAML
catalog: $work/catalog.sqlite
server:
  listen: 127.0.0.1:0
  tokens:
    - {name: contract, role: admin, token: "\${MODELGATE_CONTRACT_TOKEN}"}
YAML
: >serve.err
"$bin" serve --config "$work/modelgate.yaml" --host 127.0.0.1 --port 0 >serve.out 2>serve.err &
server_pid=$!
port=""
for _ in $(seq 1 200); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' serve.err | head -1 || true)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "contract: modelgate serve did not start:" >&2
  cat serve.err >&2
  exit 1
fi
base="http://127.0.0.1:$port"
auth="Authorization: Bearer $MODELGATE_CONTRACT_TOKEN"

# Cursors are opaque values the server issues (a made-up one is a 400 naming `cursor`): take real ones from
# first pages and give them to schemathesis as the values of those parameters.
field() { # URL, JSON key → the key's string value, or nothing
  local body
  body=$(curl -fsS -H "$auth" "$base$1") || { echo "contract: GET $1 failed" >&2; return 1; }
  printf '%s' "$body" | "$root/.venv/bin/python" -c \
    "import json,sys; v=json.load(sys.stdin).get('$2'); print(v if isinstance(v,str) else '')"
}
versions_cursor=$(field "/api/v1/versions?limit=1" next_cursor)
models_cursor=$(field "/api/v1/models?limit=1" next_cursor)
conflicts_cursor=$(field "/api/v1/conflicts?limit=1" next_cursor)
history_cursor=$(field "/api/v1/history?registry=mlflow&model=fraud-detector&limit=1" next_cursor)
detail_cursor=$(field "/api/v1/registries/mlflow/models/fraud-detector?limit=1" versions_next_cursor)
mlflow_models_token=$(field "/api/2.0/mlflow/registered-models/search?max_results=1" next_page_token)
mlflow_versions_token=$(field "/api/2.0/mlflow/model-versions/search?max_results=1" next_page_token)
# The demo's world has no conflicts, so there is no conflicts cursor to give: an empty value means "first page".
for name in versions_cursor models_cursor history_cursor detail_cursor mlflow_models_token mlflow_versions_token; do
  [ -n "${!name}" ] || { echo "contract: the seeded catalog gave no $name (its first page should have a next one)" >&2; exit 1; }
done
override() { # PATH-REGEX, PARAMETER, VALUE
  printf '[[operations]]\ninclude-path-regex = '"'"'%s'"'"'\nparameters = { "query.%s" = "%s" }\n\n' "$1" "$2" "$3"
}
{
  override '^/(api/v1/versions)?$' cursor "$versions_cursor"
  override '^/(api/v1/)?models$' cursor "$models_cursor"
  override '^/(api/v1/)?conflicts$' cursor "$conflicts_cursor"
  override '^/api/v1/history$' cursor "$history_cursor"
  override '^/(api/v1/registries/\{registry\}/models/\{model\}|ui/model)$' cursor "$detail_cursor"
  override '^/api/2\.0/mlflow/registered-models/search$' page_token "$mlflow_models_token"
  override '^/api/2\.0/mlflow/model-versions/search$' page_token "$mlflow_versions_token"
} >schemathesis.toml

started=$(date +%s)
set +e
"$st" --config-file "$work/schemathesis.toml" run "$base/api/v1/openapi.json" --url "$base" -H "$auth" \
  --checks all --max-examples "$examples" --seed "$seed" --generation-database none --no-color \
  --output-sanitize true >schemathesis.out 2>&1
status=$?
set -e
if [ "$status" -eq 0 ]; then
  sed -n '/^=* SUMMARY =*$/,$p' schemathesis.out
else
  cat schemathesis.out
  echo "contract: schemathesis found failures (exit $status); reproduce with scripts/contract.sh" >&2
fi
echo "contract: $(($(date +%s) - started)) s against $base, seed $seed, $examples examples per operation" >&2
exit "$status"

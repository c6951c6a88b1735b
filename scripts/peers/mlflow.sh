#!/usr/bin/env bash
# Starts real MLflow 3.17.2 servers (from .venv) for ModelGate's integration tests, and stops them.
#
#   eval "$(scripts/peers/mlflow.sh start)"            # plain server
#   eval "$(scripts/peers/mlflow.sh start --with-auth)" # plus a second server with --app-name basic-auth
#   scripts/peers/mlflow.sh stop                       # stops what `start` recorded in the pidfile
#   scripts/peers/mlflow.sh start [--with-auth] DIR / stop DIR   # same, with state in DIR (as moto.sh takes it)
#
# `start` prints only `export NAME=value` lines on stdout (logs and progress go to stderr):
#   MODELGATE_TEST_MLFLOW_URL, and with --with-auth also MODELGATE_TEST_MLFLOW_AUTH_URL,
#   MODELGATE_TEST_MLFLOW_AUTH_USER, MODELGATE_TEST_MLFLOW_AUTH_PASSWORD (a random throwaway admin password).
# State (sqlite DBs, artifacts, logs, the pidfile) lives in $MODELGATE_PEERS_DIR (default .build/peers/mlflow);
# each start uses a fresh state directory below it. Environment: MODELGATE_MLFLOW_STARTUP_TIMEOUT (s, default 180).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
MLFLOW="$ROOT/.venv/bin/mlflow"
PYTHON="$ROOT/.venv/bin/python"
BASE="${MODELGATE_PEERS_DIR:-$ROOT/.build/peers/mlflow}"
PIDFILE="$BASE/mlflow.pids"
TIMEOUT="${MODELGATE_MLFLOW_STARTUP_TIMEOUT:-180}"

log() { echo "mlflow.sh: $*" >&2; }

# set_base DIR: keeps state (and the pidfile) in DIR instead of the default.
set_base() {
  mkdir -p "$1"
  BASE="$(cd "$1" && pwd)"
  PIDFILE="$BASE/mlflow.pids"
}

free_port() {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# launch NAME DIR PORT [extra args...]: starts `mlflow server` in its own process group, records its pid.
launch() {
  local name="$1" dir="$2" port="$3"; shift 3
  mkdir -p "$dir/artifacts"
  ( cd "$dir" && exec setsid "$MLFLOW" server \
      --backend-store-uri "sqlite:///$dir/mlflow.db" \
      --default-artifact-root "$dir/artifacts" \
      --host 127.0.0.1 --port "$port" --workers 1 "$@" \
      </dev/null >"$dir/server.log" 2>&1 ) &
  local pid=$!
  echo "$pid $name $port" >>"$PIDFILE"
  log "started $name (pid $pid) on 127.0.0.1:$port, log $dir/server.log"
}

# wait_health NAME PORT PID LOGDIR: polls /health until 200, the process dies or the timeout passes.
wait_health() {
  local name="$1" port="$2" pid="$3" logdir="$4" waited=0
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) exited before becoming healthy; last log lines:"
      tail -n 30 "$logdir/server.log" >&2 || true
      return 1
    fi
    if [ "$waited" -ge "$TIMEOUT" ]; then log "$name not healthy after ${TIMEOUT}s"; return 1; fi
    sleep 1; waited=$((waited + 1))
  done
  log "$name healthy after ${waited}s"
}

stop() {
  [ -f "$PIDFILE" ] || { log "nothing to stop (no $PIDFILE)"; return 0; }
  local pid name port
  while read -r pid name port; do
    [ -n "$pid" ] || continue
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
      log "stopped $name (pid $pid, port $port)"
    fi
  done <"$PIDFILE"
  rm -f "$PIDFILE"
}

start() {
  local with_auth=0
  for arg in "$@"; do
    case "$arg" in
      --with-auth) with_auth=1 ;;
      -*) log "unknown option: $arg"; exit 64 ;;
      *) set_base "$arg" ;;
    esac
  done
  [ -x "$MLFLOW" ] || { log "$MLFLOW not found; run scripts/setup.sh first"; exit 1; }
  mkdir -p "$BASE"
  if [ -f "$PIDFILE" ]; then log "stopping servers of an earlier start"; stop; fi
  local state; state="$(mktemp -d "$BASE/run.XXXXXX")"
  # The pidfile sits in BASE so `stop` finds it; the server directories are in the fresh state dir.
  ln -sfn "$state" "$BASE/current"

  local port; port="$(free_port)"
  launch plain "$state/plain" "$port"
  local plain_pid; plain_pid="$(awk '$2=="plain"{print $1}' "$PIDFILE" | tail -n 1)"

  local auth_port="" auth_pid="" password=""
  if [ "$with_auth" = 1 ]; then
    auth_port="$(free_port)"
    while [ "$auth_port" = "$port" ]; do auth_port="$(free_port)"; done
    password="mg-$("$PYTHON" -c 'import secrets; print(secrets.token_hex(12))')"
    mkdir -p "$state/auth"
    umask_old="$(umask)"; umask 077
    cat >"$state/auth/basic_auth.ini" <<INI
[mlflow]
default_permission = READ
database_uri = sqlite:///$state/auth/basic_auth.db
admin_username = admin
admin_password = $password
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
INI
    umask "$umask_old"
    # An exported MLFLOW_AUTH_ADMIN_* (even empty) would override the ini file, so the child gets none.
    (
      unset MLFLOW_AUTH_ADMIN_PASSWORD MLFLOW_AUTH_ADMIN_USERNAME
      export MLFLOW_AUTH_CONFIG_PATH="$state/auth/basic_auth.ini"
      export MLFLOW_FLASK_SERVER_SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_hex(24))')"
      launch auth "$state/auth" "$auth_port" --app-name basic-auth
    )
    auth_pid="$(awk '$2=="auth"{print $1}' "$PIDFILE" | tail -n 1)"
  fi

  local ok=1
  wait_health plain "$port" "$plain_pid" "$state/plain" || ok=0
  if [ "$with_auth" = 1 ] && [ "$ok" = 1 ]; then wait_health auth "$auth_port" "$auth_pid" "$state/auth" || ok=0; fi
  if [ "$ok" != 1 ]; then stop; exit 1; fi

  echo "export MODELGATE_TEST_MLFLOW_URL=http://127.0.0.1:$port"
  if [ "$with_auth" = 1 ]; then
    echo "export MODELGATE_TEST_MLFLOW_AUTH_URL=http://127.0.0.1:$auth_port"
    echo "export MODELGATE_TEST_MLFLOW_AUTH_USER=admin"
    echo "export MODELGATE_TEST_MLFLOW_AUTH_PASSWORD=$password"
  fi
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) if [ -n "${2:-}" ]; then set_base "$2"; fi; stop ;;
  *) echo "usage: $0 start [--with-auth] [DIR] | stop [DIR]" >&2; exit 64 ;;
esac

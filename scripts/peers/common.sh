# Shared helpers for the peer scripts (sourced, not run).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL SECONDS: polls until URL answers (any HTTP status) or the time runs out.
wait_http() {
  local url=$1 limit=$2 start=$SECONDS
  while (( SECONDS - start < limit )); do
    if curl -s -o /dev/null -m 2 "$url"; then return 0; fi
    sleep 0.5
  done
  return 1
}

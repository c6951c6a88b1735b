#!/usr/bin/env bash
# Installs what ModelGate's build, tests and demo need and that a fresh machine may lack:
# Debian packages (libcurl, OpenSSL, SQLite headers) and a Python venv with the pinned real peers
# (mlflow server with its auth app, moto server) and schemathesis for the API contract (scripts/contract.sh).
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libcurl4-openssl-dev libssl-dev libsqlite3-dev pkg-config curl python3-venv chromium graphviz)
MLFLOW_PIN="mlflow[auth]==3.17.2"
MOTO_PIN="moto[server]==5.2.1"
SCHEMATHESIS_PIN="schemathesis==4.32.5"

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${MODELGATE_SKIP_VENV:-0}" != "1" ]; then
  stamp=".venv/.modelgate-pins"
  want="$MLFLOW_PIN $MOTO_PIN $SCHEMATHESIS_PIN"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: creating .venv with $want (a few minutes the first time)" >&2
    python3 -m venv .venv
    .venv/bin/pip install -q --upgrade pip >/dev/null
    .venv/bin/pip install -q "$MLFLOW_PIN" "$MOTO_PIN" "$SCHEMATHESIS_PIN"
    echo "$want" > "$stamp"
  fi
fi
echo "setup: ok" >&2

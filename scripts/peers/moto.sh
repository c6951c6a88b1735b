#!/usr/bin/env bash
# Starts moto_server (SageMaker + IAM) on a free 127.0.0.1 port with SigV4 signature verification on.
#   scripts/peers/moto.sh start DIR   prints `export MODELGATE_TEST_MOTO_URL=… MODELGATE_TEST_AWS_*=…` lines
#   scripts/peers/moto.sh stop DIR
# The first three calls are free (INITIAL_NO_AUTH_ACTION_COUNT=3): they create an IAM user, its policy
# (sagemaker:*) and an access key. Every later call must be signed with that key, or moto answers 403.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/common.sh"
cmd=${1:?start|stop}; dir=${2:?state directory}
mkdir -p "$dir"

case "$cmd" in
start)
  port=$(free_port)
  INITIAL_NO_AUTH_ACTION_COUNT=3 nohup "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" \
    > "$dir/moto.log" 2>&1 &
  echo $! > "$dir/moto.pid"
  wait_http "http://127.0.0.1:$port/moto-api/" 60 || { echo "moto did not start; see $dir/moto.log" >&2; exit 1; }
  "$root/.venv/bin/python" - "$port" > "$dir/moto.env" <<'PY'
import json, sys, boto3
url = f"http://127.0.0.1:{sys.argv[1]}"
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="modelgate-test")
iam.put_user_policy(UserName="modelgate-test", PolicyName="sagemaker-all", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sagemaker:*"], "Resource": "*"}]}))
key = iam.create_access_key(UserName="modelgate-test")["AccessKey"]
print(f"export MODELGATE_TEST_MOTO_URL={url}")
print(f"export MODELGATE_TEST_AWS_ACCESS_KEY_ID={key['AccessKeyId']}")
print(f"export MODELGATE_TEST_AWS_SECRET_ACCESS_KEY={key['SecretAccessKey']}")
PY
  cat "$dir/moto.env"
  ;;
stop)
  [ -f "$dir/moto.pid" ] && kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
  rm -f "$dir/moto.pid"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 64 ;;
esac

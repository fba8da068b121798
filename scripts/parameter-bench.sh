#!/usr/bin/env bash
# Parameter Store benchmark (`make bench` runs it): over HTTP with SigV4, against the release
# daemon, with the same load generator as scripts/api-bench.sh (APIBenchmark):
#   1. GetParameter of a String, and of a SecureString WithDecryption: target >= 5,000 requests/s;
#   2. the same two requests against moto_server (moto[server], installed with pip when missing),
#      so the figure says how many times faster schedulerd is;
#   3. PutParameter with Overwrite: target >= 1,000 writes/s committed to SQLite, checked after the
#      run: every 200 answer is a version (the version is at least the answers + 1, and at most
#      that plus the requests still in flight when the load generator stopped).
#
# Usage: scripts/parameter-bench.sh
# Environment (all optional): API_BENCH_CONNECTIONS (default "2 4"), API_BENCH_DURATION (default
# 10), API_BENCH_WARMUP (default 2), API_BENCH_SCRATCH (default .build-bench), PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."

connections_list="${API_BENCH_CONNECTIONS:-2 4}"
duration="${API_BENCH_DURATION:-10}"
warmup="${API_BENCH_WARMUP:-2}"
scratch="${API_BENCH_SCRATCH:-.build-bench}"
python="${PYTHON:-python3}"

if ! "$python" -c 'import boto3, botocore.auth' >/dev/null 2>&1; then
    echo "parameter-bench: $python cannot import boto3 (pip install boto3)" >&2
    exit 1
fi
if ! "$python" -c 'import moto.server, flask' >/dev/null 2>&1; then
    echo "parameter-bench: moto[server] is missing; installing it with pip" >&2
    "$python" -m pip install --quiet 'moto[server]' || "$python" -m pip install --quiet --break-system-packages 'moto[server]'
fi

. scripts/bench-common.sh
release_build parameter-bench schedulerd APIBenchmark

work="$(mktemp -d "${TMPDIR:-/tmp}/schedulerd-parameter-bench.XXXXXX")"
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

# seed ENDPOINT KEY SECRET: the parameters the requests read and write, made with boto3.
seed() {
    "$python" - "$@" <<'PY'
import sys, boto3
endpoint, key, secret = sys.argv[1:4]
ssm = boto3.client("ssm", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
ssm.put_parameter(Name="/bench/plain", Value="postgres://db.internal:5432/app", Type="String", Overwrite=True)
ssm.put_parameter(Name="/bench/secret", Value="correct-horse-battery-staple", Type="SecureString", Overwrite=True)
ssm.put_parameter(Name="/bench/written", Value="0", Type="String", Overwrite=True)
assert ssm.get_parameter(Name="/bench/secret", WithDecryption=True)["Parameter"]["Value"] == "correct-horse-battery-staple"
PY
}

# version_of ENDPOINT KEY SECRET NAME
version_of() {
    "$python" - "$@" <<'PY'
import sys, boto3
endpoint, key, secret, name = sys.argv[1:5]
ssm = boto3.client("ssm", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
print(ssm.get_parameter(Name=name)["Parameter"]["Version"])
PY
}

plain_body='{"Name":"/bench/plain"}'
secret_body='{"Name":"/bench/secret","WithDecryption":true}'
put_body='{"Name":"/bench/written","Value":"overwritten by the benchmark","Type":"String","Overwrite":true}'

echo
echo "== schedulerd serve: GetParameter and PutParameter, SigV4 verified on every request =="
mkdir -p "$work/data" "$work/calendars"
printf 'listen: 127.0.0.1:0\ndata_dir: %s\ncalendars_dir: %s\n' "$work/data" "$work/calendars" >"$work/schedulerd.yaml"
"$bin/schedulerd" credentials create --name bench --role admin --data-dir "$work/data" >"$work/credentials"
key="$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' "$work/credentials")"
secret="$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' "$work/credentials")"
start_server "$work/schedulerd.log" "$bin/schedulerd" serve --config "$work/schedulerd.yaml"
endpoint="http://127.0.0.1:$port"
seed "$endpoint" "$key" "$secret"
sign "127.0.0.1:$port" "$key" "$secret" "$work/plain.http" AmazonSSM.GetParameter "$plain_body"
sign "127.0.0.1:$port" "$key" "$secret" "$work/secret.http" AmazonSSM.GetParameter "$secret_body"
sign "127.0.0.1:$port" "$key" "$secret" "$work/put.http" AmazonSSM.PutParameter "$put_body"
sed 's/\(Signature=[0-9a-f]*\)[0-9a-f]/\1x/' "$work/plain.http" >"$work/tampered.http"
echo "check: signed -> $(status_of "$work/plain.http" "$port"), tampered signature -> $(status_of "$work/tampered.http" "$port")"
[ "$(status_of "$work/tampered.http" "$port")" != 200 ] || { echo "parameter-bench: FAILED: SigV4 is not verified" >&2; exit 1; }

measure GetParameter-String "$work/plain.http"
ours_plain="$best_rps"; ours_plain_line="$best_line"
measure GetParameter-SecureString "$work/secret.http"
ours_secret="$best_rps"; ours_secret_line="$best_line"
put_connections_list="$connections_list"
put_total=0
for c in $put_connections_list; do
    connections_list="$c"
    measure PutParameter-Overwrite "$work/put.http"
    put_total=$((put_total + $(field "$best_line" all_responses)))
    if awk -v a="$best_rps" -v b="${ours_put:-0}" 'BEGIN { exit !(a > b) }'; then ours_put="$best_rps"; ours_put_line="$best_line"; fi
done
connections_list="$put_connections_list"
version="$(version_of "$endpoint" "$key" "$secret" /bench/written)"
in_flight=0
for c in $put_connections_list; do in_flight=$((in_flight + c)); done
echo "check: /bench/written is at version $version after $put_total answered PutParameter requests (+1 from seeding;" \
     "up to $in_flight more were sent when the load generator stopped and are committed unanswered)"
if [ "$((version - 1))" -lt "$put_total" ] || [ "$((version - 1))" -gt "$((put_total + in_flight))" ]; then
    echo "parameter-bench: FAILED: versions lost or invented" >&2; exit 1
fi
if grep -q correct-horse "$work/data"/schedulerd.sqlite* "$work/schedulerd.log" "$work/schedulerd.log.err"; then
    echo "parameter-bench: FAILED: the SecureString's plaintext is in the data directory or the log" >&2; exit 1
fi
stop_server

echo
echo "== moto_server: the same GetParameter requests =="
moto_port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
server_pid=$!
port="$moto_port"
for _ in $(seq 1 120); do
    "$python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" >/dev/null 2>&1 && break
    sleep 0.25
done
seed "http://127.0.0.1:$port" AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
sign "127.0.0.1:$port" AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY "$work/moto-plain.http" AmazonSSM.GetParameter "$plain_body"
sign "127.0.0.1:$port" AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY "$work/moto-secret.http" AmazonSSM.GetParameter "$secret_body"
measure moto-GetParameter-String "$work/moto-plain.http"
moto_plain="$best_rps"
measure moto-GetParameter-SecureString "$work/moto-secret.http"
moto_secret="$best_rps"
stop_server

echo
echo "== Parameter Store benchmark summary ($(nproc) cores shared by the load generator and the server; best of connections: $connections_list) =="
awk -v p="$ours_plain" -v s="$ours_secret" -v w="$ours_put" -v mp="$moto_plain" -v ms="$moto_secret" \
    -v pp="$(field "$ours_plain_line" p99_ms)" -v sp="$(field "$ours_secret_line" p99_ms)" -v wp="$(field "$ours_put_line" p99_ms)" 'BEGIN {
    printf "GetParameter String, SigV4:                 %8.0f requests/s (p99 %s ms; moto_server %.0f/s: %.1fx faster) %s\n", p, pp, mp, p / mp, (p >= 5000 ? "PASS" : "FAIL")
    printf "GetParameter SecureString WithDecryption:   %8.0f requests/s (p99 %s ms; moto_server %.0f/s: %.1fx faster) %s\n", s, sp, ms, s / ms, (s >= 5000 ? "PASS" : "FAIL")
    printf "PutParameter Overwrite, committed:          %8.0f writes/s   (p99 %s ms) %s\n", w, wp, (w >= 1000 ? "PASS" : "FAIL")
}'

# Shared by the HTTP benchmarks (scripts/api-bench.sh, scripts/parameter-bench.sh,
# scripts/fleet-bench.sh): the release build, starting and stopping a server that prints its
# port, signing a raw request with botocore, and running the load generator (APIBenchmark)
# with CPU accounting. Source it; it reads the globals scratch, python, bin, duration, warmup
# and connections_list, and sets bin, server_pid, port and best_*.

# release_build LABEL PRODUCT...: release-builds the products in $scratch and sets bin to
# their directory. One product per invocation: given several --product options, swift build
# builds only the last.
release_build() {
    local label="$1"; shift
    echo "$label: release build (scratch path $scratch)"
    for product in "$@"; do
        swift build -c release --scratch-path "$scratch" --product "$product"
    done
    bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"
}

server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}

trap 'exit 130' INT TERM

# start_server LOG COMMAND...: starts it in the background, sets server_pid and port from the
# `... listening on http://127.0.0.1:PORT` line it prints.
start_server() {
    local log="$1"; shift
    "$@" >"$log" 2>"$log.err" &
    server_pid=$!
    port=""
    for _ in $(seq 1 240); do
        port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" | head -n 1)"
        [ -n "$port" ] && return 0
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "bench: $1 exited before listening:" >&2
            cat "$log" "$log.err" >&2
            server_pid=""
            exit 1
        fi
        sleep 0.25
    done
    echo "bench: $1 did not print its port within 60 s" >&2
    cat "$log" "$log.err" >&2
    exit 1
}

# sign HOSTPORT KEY SECRET FILE [TARGET [BODY]]: the raw bytes of a SigV4-signed JSON 1.1
# request (default: GetCalendarState of the example calendars).
sign() {
    "$python" - "$@" <<'PY'
import sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

hostport, key, secret, path = sys.argv[1:5]
target = sys.argv[5] if len(sys.argv) > 5 else "AmazonSSM.GetCalendarState"
body = (sys.argv[6] if len(sys.argv) > 6 else '{"CalendarNames":["office-hours","nightly-stop"]}').encode()
request = AWSRequest(method="POST", url=f"http://{hostport}/", data=body, headers={
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": target,
})
SigV4Auth(Credentials(key, secret), "ssm", "us-east-1").add_auth(request)
lines = ["POST / HTTP/1.1", f"Host: {hostport}"]
lines += [f"{name}: {value}" for name, value in request.headers.items() if name.lower() != "host"]
lines += [f"Content-Length: {len(body)}"]
with open(path, "wb") as f:
    f.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
PY
}

# status_of FILE PORT: the HTTP status the server answers to the raw request in FILE.
status_of() {
    "$python" - "$@" <<'PY'
import socket, sys
data = open(sys.argv[1], "rb").read()
with socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=10) as s:
    s.sendall(data)
    reply = b""
    while b"\r\n" not in reply:
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
print(reply.split(b" ")[1].decode() if reply.startswith(b"HTTP/") else "none")
PY
}

field() { echo "$1" | sed "s/.* $2=\([^ ]*\).*/\1/"; }

# CPU accounting around each run, so that a figure taken while something else was busy is seen
# as such: the server's CPU time per request does not depend on the load, the machine's share
# left to other processes says whether the requests/s can be trusted.
clk_tck="$(getconf CLK_TCK)"
cpu_ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }                   # utime + stime
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }   # user nice system irq softirq

# measure LABEL FILE: runs the load generator for each connection count; sets best_* from
# the run with the most requests/s. Any failed run stops the benchmark.
measure() {
    local label="$1" file="$2" c out result rps s0 s1 m0 m1 t0 t1 cpu
    best_rps=0; best_line=""; best_c=""; best_cpu=""
    for c in $connections_list; do
        s0="$(cpu_ticks_of "$server_pid")"; m0="$(machine_busy)"; t0="$(date +%s.%N)"
        if ! out="$("$bin/APIBenchmark" --request "$file" --port "$port" --connections "$c" \
                      --duration "$duration" --warmup "$warmup" --label "$label")"; then
            echo "$out"
            echo "bench: FAILED: $label with $c connections answered errors or non-200 responses (above)" >&2
            exit 1
        fi
        s1="$(cpu_ticks_of "$server_pid")"; m1="$(machine_busy)"; t1="$(date +%s.%N)"
        echo "$out" | grep -v '^RESULT '
        result="$(echo "$out" | grep '^RESULT ')"
        cpu="$(awk -v s="$((s1 - s0))" -v m="$((m1 - m0))" -v t0="$t0" -v t1="$t1" -v hz="$clk_tck" \
                   -v n="$(field "$result" all_responses)" -v g="$(field "$result" generator_cpu_s)" -v cores="$(nproc)" 'BEGIN {
            wall = t1 - t0; server = s / hz; other = m / hz - server - g; if (other < 0) other = 0
            printf "server %.2f cores, %.0f us CPU per request; load generator %.2f cores; other processes %.2f cores (of %d)",
                   server / wall, 1e6 * server / (n > 0 ? n : 1), g / wall, other / wall, cores
            if (other / wall > 0.15) printf "\n  !!! other processes were busy during this run: its requests/s is lower than on an idle machine"
        }')"
        echo "  CPU:        $cpu"
        rps="$(field "$result" rps)"
        if awk -v a="$rps" -v b="$best_rps" 'BEGIN { exit !(a > b) }'; then
            best_rps="$rps"; best_line="$result"; best_c="$c"; best_cpu="$(echo "$cpu" | head -n 1)"
        fi
    done
}

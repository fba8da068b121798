#!/usr/bin/env bash
# End-to-end test: the real `schedulerd serve` driven by the real `aws` CLI and boto3, every
# request signed with keys made by `schedulerd credentials create` (Tests/e2e/test_aws_clients.py:
# calendars, rules, events; Tests/e2e/test_parameters.py: the Parameter Store; test_automation.py:
# automations; test_resources.py: the EC2 and RDS simulators; all on the helpers
# of Tests/e2e/harness.py).
#
# Usage: scripts/e2e.sh [SCHEDULERD_BINARY] [unittest options, e.g. -v or -k boto3] [test modules or names]
#   SCHEDULERD_BINARY defaults to .build/debug/schedulerd, built when missing.
# Needs python3 with boto3 and the `aws` executable (awscli); .ci/run installs them.
# E2E_KEEP=1 keeps every test's temporary directory (a failed test's is always kept).
set -euo pipefail

cd "$(dirname "$0")/.."

binary="${1:-.build/debug/schedulerd}"
if [ $# -gt 0 ]; then shift; fi
python="${PYTHON:-python3}"

if [ ! -x "$binary" ]; then
    if [ "$binary" = ".build/debug/schedulerd" ]; then
        echo "e2e: $binary is missing; building it" >&2
        "${SWIFT:-swift}" build --product schedulerd
    else
        echo "e2e: no executable at $binary" >&2
        exit 2
    fi
fi

missing=()
"$python" -c 'import boto3, botocore' >/dev/null 2>&1 || missing+=("boto3 (for $python)")
command -v "${AWS_CLI:-aws}" >/dev/null 2>&1 || missing+=("the aws executable")
if [ ${#missing[@]} -gt 0 ]; then
    echo "e2e: missing ${missing[*]}: install with '$python -m pip install awscli boto3' (.ci/run does)" >&2
    exit 1
fi

echo "e2e: $("${AWS_CLI:-aws}" --version 2>&1 | head -n 1); boto3 $("$python" -c 'import boto3; print(boto3.__version__)')" >&2
SCHEDULERD_BIN="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")" \
    exec "$python" -m unittest discover --start-directory Tests/e2e --top-level-directory Tests/e2e --pattern 'test_*.py' "$@"

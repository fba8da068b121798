"""Shared by the end-to-end tests (every Tests/e2e/test_*.py): a real
`schedulerd serve` in a temporary directory, keys made with `schedulerd credentials create`, and
the real `aws` CLI and boto3 pointed at it with `--endpoint-url`.

`DaemonTestCase` gives each test a sandbox (kept when the test fails), an admin and a readonly
key, `start_daemon`/`stop_daemon` (SIGTERM: exit 0, no fault or error in the log), `aws(...)`,
`client(...)`, `assertClientError`, `eventually` and the recorded outbox; `iso`, `parse_iso`,
`recorder_arn` and `read_recorded` for times and command targets.
"""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import boto3
import botocore.config
from botocore.exceptions import ClientError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.abspath(os.environ.get("SCHEDULERD_BIN") or os.path.join(ROOT, ".build/debug/schedulerd"))
AWS = os.environ.get("AWS_CLI") or shutil.which("aws") or "aws"
REGION = "us-east-1"
ACCOUNT = "123456789012"
KEEP = os.environ.get("E2E_KEEP") == "1"  # keep every sandbox, not only those of failed tests

# Nothing from the caller's AWS setup (profiles, config files, endpoints, session tokens) may
# reach the clients: the CLI and boto3 see only what each test gives them.
for name in [n for n in os.environ if n.startswith("AWS_")]:
    del os.environ[name]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_PAGER"] = ""

LISTENING = re.compile(r"^schedulerd: AWS API listening on (http://127\.0\.0\.1:\d+) ")
# What the daemon logs for an unexpected error ("api fault"); the simulators' injected faults are
# expected and logged as such.
FAULT = re.compile(r"\bapi fault\b", re.IGNORECASE)
LOG_LEVEL = re.compile(r"^\S+ (trace|debug|info|notice|warning|error|critical) ")


def iso(instant):
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def instance_id(group, index):
    """The id schedulerd derives for the index-th instance of a fleet group declared in the
    configuration (computed here independently of the daemon)."""
    return "i-" + hashlib.sha256(f"schedulerd/ec2/{group}/{index}".encode()).hexdigest()[:17]


def recorder_arn(path):
    """A command target ARN whose program appends `IDEMPOTENCY_KEY<TAB>STDIN` and a newline to
    `path`, in one write (deliveries run side by side: several appends each would interleave)."""
    script = 't="$(mktemp)"; { printf "%s\\t" "$SCHEDULERD_IDEMPOTENCY_KEY"; cat; echo; } > "$t"; cat "$t" >> "$1"; rm -f "$t"'
    return "arn:schedulerd:command:::" + json.dumps(["/bin/sh", "-c", script, "recorder", path])


def read_recorded(path):
    """[(key, payload)] from a recorder's file, in the order written."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return []
    return [tuple(line.split("\t", 1)) if "\t" in line else (None, line) for line in text.splitlines()]


class Daemon:
    """`schedulerd serve` as a child process in its own session, stdout watched for the
    listening line, stderr kept in a file."""

    def __init__(self, sandbox, config, data, extra, name="serve"):
        self.stderr_path = os.path.join(sandbox, f"{name}.stderr")
        self.stdout_lines = []
        self.endpoint = None
        self._listening = threading.Event()
        self.spawned = time.monotonic()
        with open(self.stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(
                [BINARY, "serve", "--config", config, "--data-dir", data] + extra,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                start_new_session=True)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self._listening.wait(60)
        self.listening = time.monotonic()

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stdout_lines.append(line)
            match = LISTENING.match(line)
            if match and self.endpoint is None:
                self.endpoint = match.group(1)
                self._listening.set()
        self._listening.set()

    @property
    def running(self):
        return self.proc.poll() is None

    def stderr(self):
        try:
            with open(self.stderr_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except FileNotFoundError:
            return ""

    def stderr_tail(self, lines=40):
        return "\n".join(self.stderr().splitlines()[-lines:])

    def terminate(self, within):
        """SIGTERM to the daemon alone (it drains its own deliveries); its exit status, or None."""
        if self.running:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(within)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """Cleanup: a daemon still running, and anything it started (its session), killed."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        if self.proc.stdout:
            self.proc.stdout.close()


class DaemonTestCase(unittest.TestCase):
    """A test with its own sandbox, keys and (once started) daemon."""

    maxDiff = None

    # MARK: sandbox, credentials, daemon

    def setUp(self):
        self.assertTrue(os.access(BINARY, os.X_OK), f"no schedulerd binary at {BINARY}")
        self.sandbox = tempfile.mkdtemp(prefix="schedulerd-e2e-")
        self.data = os.path.join(self.sandbox, "data")
        self.daemon = None
        self.addCleanup(self._cleanup)
        self.admin = self.create_credential("e2e-admin", "admin")
        self.readonly = self.create_credential("e2e-readonly", "readonly")

    def _failed(self):
        """Whether this test has failed so far (unittest keeps no public record of it; when
        this cannot be told, say yes: the diagnostics are printed and the sandbox kept)."""
        outcome = getattr(self, "_outcome", None)
        errors = getattr(outcome, "errors", None)  # Python < 3.11
        if errors is not None:
            return any(exc_info for _, exc_info in errors)
        result = getattr(outcome, "result", None)
        if result is None or not hasattr(result, "failures"):
            return True
        return any(test is self for test, _ in list(result.failures) + list(result.errors))

    def _cleanup(self):
        failed = self._failed()
        if self.daemon is not None:
            if failed:
                sys.stderr.write(f"\n--- {self.id()}: daemon stderr (last 60 lines) ---\n{self.daemon.stderr_tail(60)}\n"
                                 f"--- sandbox kept: {self.sandbox} ---\n")
            self.daemon.kill()
        if not failed and not KEEP:
            shutil.rmtree(self.sandbox, ignore_errors=True)

    def diag(self):
        """What to look at when an assertion fails: the end of the daemon's log."""
        return "\n--- daemon stderr (tail) ---\n" + (self.daemon.stderr_tail() if self.daemon else "(no daemon)")

    def run_binary(self, *args, timeout=60):
        result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 0, f"schedulerd {' '.join(args)}: {result.stderr}")
        return result.stdout

    def create_credential(self, name, role):
        out = self.run_binary("credentials", "create", "--name", name, "--role", role, "--data-dir", self.data)
        pairs = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        self.assertEqual(sorted(pairs), ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], f"credentials create printed {out!r}")
        self.assertRegex(pairs["AWS_ACCESS_KEY_ID"], r"^AKIA[A-Z0-9]{16}$")
        return pairs["AWS_ACCESS_KEY_ID"], pairs["AWS_SECRET_ACCESS_KEY"]

    def start_daemon(self, extra=(), config="", configuration=None, name="serve"):
        """`schedulerd serve` on a free port with the sandbox's data and calendars, then `config`
        after `rules: []` (or `configuration` in its place: YAML with rules, fleet …); its log in
        NAME.stderr."""
        calendars = os.path.join(self.sandbox, "calendars")
        os.makedirs(calendars, exist_ok=True)
        config = self.write("schedulerd.yaml", (
            "listen: 127.0.0.1:0\n"
            f"data_dir: {self.data}\n"
            f"calendars_dir: {calendars}\n"
            + (configuration if configuration is not None else "rules: []\n" + config)))
        if self.daemon is not None:
            self.daemon.kill()  # a restart: the previous one has stopped; close its pipe
        self.daemon = Daemon(self.sandbox, config, self.data, list(extra), name=name)
        self.assertIsNotNone(self.daemon.endpoint,
                             f"serve printed no listening line within 60 s (running: {self.daemon.running}); "
                             f"stdout: {self.daemon.stdout_lines}" + self.diag())
        return self.daemon

    def stop_daemon(self):
        """SIGTERM: exit 0 within 15 s, and no fault (an API 500, say) or error in the log."""
        status = self.daemon.terminate(15)
        self.assertEqual(status, 0, "exit status after SIGTERM (None: still running after 15 s)" + self.diag())
        log = self.daemon.stderr().splitlines()
        self.assertEqual([line for line in log if FAULT.search(line)], [], "fault lines in the daemon's stderr")
        bad = [line for line in log if (LOG_LEVEL.match(line) or [None, None])[1] in ("error", "critical")]
        self.assertEqual(bad, [], "error lines in the daemon's stderr")
        self.assertTrue(any("stopped" in line for line in log[-5:]), "no 'stopped' at the end of the log" + self.diag())

    def write(self, relative, text):
        path = os.path.join(self.sandbox, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return path

    def eventually(self, what, probe, within, every=0.25, progress=None):
        """Polls `probe` until it returns something truthy; fails after `within` seconds (with
        what `progress()` says, if given), or at once if the daemon exits."""
        deadline = time.monotonic() + within
        while True:
            value = probe()
            if value:
                return value
            if self.daemon is not None and not self.daemon.running:
                self.fail(f"the daemon exited (status {self.daemon.proc.returncode}) while waiting for {what}" + self.diag())
            if time.monotonic() > deadline:
                seen = f"; so far: {progress()!r}" if progress else ""
                self.fail(f"waited {within:.0f} s for {what}{seen}" + self.diag())
            time.sleep(every)

    def recorded_events(self):
        """`schedulerd events --json` (read-only, alongside the running daemon), or None when it
        fails (the failure kept in `events_error`: a poll tries again, and says why on timeout)."""
        result = subprocess.run([BINARY, "events", "--data-dir", self.data, "--json"], capture_output=True, text=True,
                                timeout=60, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            self.events_error = f"schedulerd events exited {result.returncode}: {result.stderr.strip()}"
            return None
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def outbox_summary(self):
        """The outbox in one line per event, for failure messages."""
        events = self.recorded_events()
        if events is None:
            return getattr(self, "events_error", "schedulerd events failed")
        return [f"{e['event'].get('time')} {e['event'].get('source')} {json.dumps(e['event'].get('detail'))} "
                f"{[(d['rule'], d['target'], d['status'], d.get('error')) for d in e['deliveries']]}" for e in events]

    # MARK: clients

    def aws(self, *args, key=None, expect_ok=True, timeout=120):
        """The aws CLI with one key; parsed JSON output on success, (status, stderr) when
        `expect_ok` is False."""
        access, secret = key or self.admin
        env = dict(os.environ, AWS_ACCESS_KEY_ID=access, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION=REGION)
        command = [AWS, "--endpoint-url", self.daemon.endpoint, "--output", "json", *args]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if not expect_ok:
            return result.returncode, result.stderr
        self.assertEqual(result.returncode, 0, f"{' '.join(args[:2])} failed: {result.stderr}" + self.diag())
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def client(self, service, key=None):
        access, secret = key or self.admin
        session = boto3.session.Session(aws_access_key_id=access, aws_secret_access_key=secret, region_name=REGION)
        config = botocore.config.Config(retries={"mode": "standard", "total_max_attempts": 1},
                                        connect_timeout=10, read_timeout=60)
        return session.client(service, endpoint_url=self.daemon.endpoint, config=config)

    def assertClientError(self, code, call, *args, status=400, **kwargs):
        with self.assertRaises(ClientError, msg=f"{call.__name__} was not refused with {code}") as caught:
            call(*args, **kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], code, f"{call.__name__}: {response}")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status, f"{call.__name__}: {response}")
        self.assertTrue(response["ResponseMetadata"].get("RequestId"), f"{call.__name__}: no x-amzn-RequestId")
        return response["Error"].get("Message", "")

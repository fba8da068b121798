#!/usr/bin/env python3
"""Differential test: schedulerd's instance expansion against recurring-ical-events.

For every *.ics file in the test/calendars/ directory that ships inside the
installed recurring_ical_events package, this script computes the instance
windows two ways and compares them as multisets of (uid, start, end):

* the oracle: recurring_ical_events.of(calendar).between(...) with UTC-aware
  bounds, post-filtered with the same rules the engine applies (cancelled,
  zero-length and advisory instances dropped, duplicate windows of one UID
  removed; dates and floating times placed in X-WR-TIMEZONE, else UTC);
* the engine: `schedulerd calendar instances FILE --from ... --to ... --json`.

A file on which RIE raises and which the engine rejects (exit 1) counts as
agreement. Engine UIDs that do not occur in the file are matched with RIE's
UID-less events, whatever name the engine gives them. Known disagreements are
listed, with a reason, in Tests/differential/expected-differences.txt. The
last line printed is `N passed, M failed`. The exit status is non-zero when fewer than --min-pass
files agree or a disagreeing file is not listed in the expectations file.

Usage:
    scripts/rie_differential.py [--schedulerd PATH] [--only NAME] [--jobs 2]
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime as dt
import json
import pathlib
import re
import resource
import signal
import subprocess
import sys
import time
import zoneinfo

UTC = dt.timezone.utc
WINDOW_START = dt.datetime(1990, 1, 1, tzinfo=UTC)
WINDOW_END = dt.datetime(2030, 1, 1, tzinfo=UTC)
# RIE compares DATE values against aware bounds as UTC midnights, while the
# engine places them at local midnight. Query RIE over a slightly wider range
# and apply the exact overlap rule afterwards, so that events near the window
# edges are judged the same way on both sides.
RIE_MARGIN = dt.timedelta(days=3)
NO_UID = "<no UID>"
ENGINE_TIMEOUT_SECONDS = 300
SHOW_DIFFERENCES = 3

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_EXPECTATIONS = REPO_ROOT / "Tests" / "differential" / "expected-differences.txt"
DEFAULT_ENGINE = ".build/debug/schedulerd"

Window = tuple[str, str, str]  # (uid, start, end), times as YYYY-MM-DDTHH:MM:SSZ


def import_oracle():
    """Import icalendar and recurring_ical_events, or exit with a clear message."""
    try:
        import icalendar  # noqa: F401
        import recurring_ical_events  # noqa: F401
    except ImportError as error:
        sys.exit(
            f"error: cannot import the oracle ({error}); "
            "run `pip install recurring-ical-events icalendar` or scripts/differential.sh"
        )
    return icalendar, recurring_ical_events


def corpus_directory() -> pathlib.Path:
    _, rie = import_oracle()
    return pathlib.Path(rie.__file__).resolve().parent / "test" / "calendars"


def format_utc(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_utc(value, zone: dt.tzinfo) -> dt.datetime:
    """Turn an RIE DTSTART/DTEND value into an aware UTC datetime (whole seconds).

    DATE values become local midnight in `zone`; naive (floating) datetimes are
    read as wall-clock time in `zone`; aware datetimes keep their instant.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        result = value.astimezone(UTC)
    elif isinstance(value, dt.date):
        result = dt.datetime.combine(value, dt.time(0), tzinfo=zone).astimezone(UTC)
    else:
        raise TypeError(f"unexpected time value {value!r}")
    return result.replace(microsecond=0)


def overlaps(start: dt.datetime, end: dt.datetime) -> bool:
    return start < WINDOW_END and end > WINDOW_START


def is_cancelled(component) -> bool:
    return str(component.get("STATUS", "")).strip().upper() == "CANCELLED"


def is_advisory(component) -> bool:
    if "X-EVENT-TYPE" not in component:
        return False
    return str(component.get("X-EVENT-TYPE")).strip().upper() != "STANDARD"


class OracleResult:
    """What RIE says about one file: a window multiset or the error it raised."""

    def __init__(self, windows=None, error=None, uids=frozenset()):
        self.windows: collections.Counter[Window] | None = windows
        self.error: str | None = error
        self.uids: frozenset[str] = uids


def oracle_windows(path: pathlib.Path, keep_duplicates: bool = False) -> OracleResult:
    icalendar, rie = import_oracle()
    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        uids = frozenset(str(event["UID"]) for event in calendar.walk("VEVENT") if "UID" in event)
        zone_name = calendar.get("X-WR-TIMEZONE")
        zone = zoneinfo.ZoneInfo(str(zone_name).strip()) if zone_name is not None else UTC
        occurrences = rie.of(calendar).between(WINDOW_START - RIE_MARGIN, WINDOW_END + RIE_MARGIN)
        windows: collections.Counter[Window] = collections.Counter()
        for occurrence in occurrences:
            if is_cancelled(occurrence) or is_advisory(occurrence):
                continue
            start = as_utc(occurrence["DTSTART"].dt, zone)
            end = as_utc(occurrence["DTEND"].dt, zone)
            if start == end or not overlaps(start, end):
                continue
            uid = str(occurrence["UID"]) if "UID" in occurrence else NO_UID
            key = (uid, format_utc(start), format_utc(end))
            # The engine removes duplicate instances per UID; RIE does not when
            # several overrides are moved onto the same slot. Events without a
            # UID are separate series in RIE and are never merged.
            if keep_duplicates or uid == NO_UID or key not in windows:
                windows[key] += 1
    except Exception as error:  # noqa: BLE001 - any oracle failure is a verdict
        return OracleResult(error=f"{type(error).__name__}: {error}"[:200])
    return OracleResult(windows=windows, uids=uids)


class EngineResult:
    """What the engine says about one file."""

    def __init__(self, windows=None, rejected=None, failure=None):
        self.windows: collections.Counter[Window] | None = windows
        self.rejected: str | None = rejected  # stderr of an exit-1 rejection
        self.failure: str | None = failure  # crash, bad JSON, timeout, ...


def engine_command(engine: str, path: pathlib.Path) -> list[str]:
    return [
        engine, "calendar", "instances", str(path),
        "--from", format_utc(WINDOW_START), "--to", format_utc(WINDOW_END),
        "--json",
    ]


def parse_engine_time(text) -> str:
    if not isinstance(text, str):
        raise ValueError(f"time is not a string: {text!r}")
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time has no UTC offset: {text!r}")
    return format_utc(moment)


def engine_result(process: subprocess.Popen, uids: frozenset[str]) -> EngineResult:
    try:
        stdout, stderr = process.communicate(timeout=ENGINE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return EngineResult(failure=f"timed out after {ENGINE_TIMEOUT_SECONDS}s")
    stderr_text = stderr.decode("utf-8", "replace").strip()
    if process.returncode == 1:
        return EngineResult(rejected=stderr_text or "(no message)")
    if process.returncode != 0:
        first = stderr_text.splitlines()[0] if stderr_text else ""
        return EngineResult(failure=f"exit status {process.returncode}: {first}"[:200])
    try:
        items = json.loads(stdout)
        if not isinstance(items, list):
            raise ValueError("top level is not an array")
        windows: collections.Counter[Window] = collections.Counter()
        for item in items:
            if not isinstance(item, dict):
                raise ValueError(f"array element is not an object: {item!r}")
            uid = item.get("uid")
            uid = str(uid) if uid is not None else ""
            # Events without a UID: whatever name the engine gives them, match
            # them with RIE's UID-less events.
            if uid not in uids:
                uid = NO_UID
            windows[(uid, parse_engine_time(item.get("start")), parse_engine_time(item.get("end")))] += 1
    except (ValueError, TypeError) as error:
        return EngineResult(failure=f"bad JSON output: {error}"[:200])
    return EngineResult(windows=windows)


REJECTION_FORMAT = re.compile(r"^.+:\d+: .+")


class Verdict:
    def __init__(self, name, agree, summary, oracle, engine, note=None):
        self.name = name
        self.agree = agree
        self.summary = summary
        self.oracle = oracle
        self.engine = engine
        self.note = note


def describe(windows: collections.Counter[Window]) -> list[str]:
    lines = []
    for (uid, start, end), count in sorted(windows.items(), key=lambda item: (item[0][1], item[0][2], item[0][0])):
        lines.append(f"{start} {end} {uid}" + (f" x{count}" if count > 1 else ""))
    return lines


def compare(name: str, oracle: OracleResult, engine: EngineResult) -> Verdict:
    note = None
    if engine.rejected is not None:
        first = engine.rejected.splitlines()[0]
        if not REJECTION_FORMAT.match(first):
            note = f"engine rejection message is not `FILE:LINE: message`: {first[:120]}"
    if engine.failure is not None:
        side = f"RIE raised {oracle.error}" if oracle.error else f"RIE {sum(oracle.windows.values())} windows"
        return Verdict(name, False, f"engine failed ({engine.failure}); {side}", oracle, engine, note)
    if oracle.error is not None:
        if engine.rejected is not None:
            return Verdict(name, True, "both reject", oracle, engine, note)
        return Verdict(
            name, False,
            f"RIE raised {oracle.error}; engine accepted with {sum(engine.windows.values())} windows",
            oracle, engine, note,
        )
    if engine.rejected is not None:
        return Verdict(
            name, False,
            f"engine rejected ({engine.rejected.splitlines()[0][:160]}); RIE {sum(oracle.windows.values())} windows",
            oracle, engine, note,
        )
    if oracle.windows == engine.windows:
        return Verdict(name, True, f"{sum(oracle.windows.values())} windows", oracle, engine, note)
    only_oracle = oracle.windows - engine.windows
    only_engine = engine.windows - oracle.windows
    parts = [
        f"RIE {sum(oracle.windows.values())} vs engine {sum(engine.windows.values())} windows",
        f"{sum(only_oracle.values())} only in RIE",
        f"{sum(only_engine.values())} only in engine",
    ]
    if only_oracle:
        parts.append("RIE-only e.g. " + "; ".join(describe(only_oracle)[:SHOW_DIFFERENCES]))
    if only_engine:
        parts.append("engine-only e.g. " + "; ".join(describe(only_engine)[:SHOW_DIFFERENCES]))
    return Verdict(name, False, ", ".join(parts), oracle, engine, note)


def check_file(engine: str, path: pathlib.Path, keep_duplicates: bool = False) -> Verdict:
    """Run the engine and RIE on one file; the engine runs while RIE computes."""
    try:
        process = subprocess.Popen(
            engine_command(engine, path), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
    except OSError as error:
        process = None
        launch_error = f"cannot run {engine}: {error}"
    oracle = oracle_windows(path, keep_duplicates)
    if process is None:
        engine_side = EngineResult(failure=launch_error)
    else:
        engine_side = engine_result(process, oracle.uids)
    return compare(path.name, oracle, engine_side)


def read_expectations(path: pathlib.Path) -> dict[str, str]:
    expected: dict[str, str] = {}
    if not path.exists():
        return expected
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(None, 1)
        name = fields[0]
        if not name.endswith(".ics"):
            print(f"warning: {path}:{number}: entry does not name an .ics file: {name}", file=sys.stderr)
        expected[name] = fields[1].strip() if len(fields) > 1 else ""
    return expected


def run_one(engine: str, path: pathlib.Path, keep_duplicates: bool) -> int:
    verdict = check_file(engine, path, keep_duplicates)
    for side, result in (("RIE", verdict.oracle), ("engine", verdict.engine)):
        windows = result.windows
        if windows is None:
            reason = (
                getattr(result, "error", None) or getattr(result, "rejected", None) or getattr(result, "failure", None)
            )
            print(f"== {side}: no windows ({reason})")
            continue
        print(f"== {side}: {sum(windows.values())} windows")
        for line in describe(windows):
            print(f"   {line}")
    if verdict.oracle.windows is not None and verdict.engine.windows is not None and not verdict.agree:
        print("== only in RIE:")
        for line in describe(verdict.oracle.windows - verdict.engine.windows):
            print(f"   {line}")
        print("== only in engine:")
        for line in describe(verdict.engine.windows - verdict.oracle.windows):
            print(f"   {line}")
    if verdict.note:
        print(f"NOTE {verdict.name}: {verdict.note}")
    print(f"{'AGREE' if verdict.agree else 'DIFF'} {verdict.name}: {verdict.summary}")
    print(f"{int(verdict.agree)} passed, {int(not verdict.agree)} failed")
    return 0 if verdict.agree else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schedulerd", default=DEFAULT_ENGINE, help="engine binary (default %(default)s)")
    parser.add_argument("--only", metavar="NAME", help="check one calendar and print both sides in full")
    parser.add_argument("--calendars", type=pathlib.Path, help="directory of *.ics files (default: RIE's test corpus)")
    parser.add_argument("--expectations", type=pathlib.Path, default=DEFAULT_EXPECTATIONS)
    parser.add_argument("--min-pass", type=int, default=88, help="fewest agreeing files accepted (default %(default)s)")
    parser.add_argument(
        "--keep-rie-duplicates", action="store_true",
        help="compare RIE's raw multiset, without removing duplicate windows per UID",
    )
    parser.add_argument("--jobs", type=int, default=2, help="files checked concurrently (default %(default)s)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # allow `| head`

    import_oracle()
    directory = args.calendars or corpus_directory()
    engine = args.schedulerd
    if "/" in engine and not pathlib.Path(engine).exists():
        print(f"error: engine binary {engine} does not exist (build it, or pass --schedulerd PATH)", file=sys.stderr)
        return 2

    if args.only:
        name = args.only if args.only.endswith(".ics") else args.only + ".ics"
        path = pathlib.Path(args.only) if pathlib.Path(args.only).is_file() else directory / name
        if not path.is_file():
            print(f"error: no calendar {path}", file=sys.stderr)
            return 2
        return run_one(engine, path, args.keep_rie_duplicates)

    files = sorted(directory.glob("*.ics"))
    if not files:
        print(f"error: no *.ics files in {directory}", file=sys.stderr)
        return 2
    expected = read_expectations(args.expectations)

    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        verdicts = list(pool.map(lambda path: check_file(engine, path, args.keep_rie_duplicates), files))
    elapsed = time.monotonic() - began

    passed = failed = 0
    unexpected = []
    for verdict in verdicts:
        if verdict.note:
            print(f"NOTE {verdict.name}: {verdict.note}")
        if verdict.agree:
            passed += 1
            if verdict.name in expected:
                print(f"NOW AGREES {verdict.name}: now agrees, remove from expectations")
            continue
        failed += 1
        if verdict.name in expected:
            reason = expected[verdict.name] or "no reason given"
            print(f"DIFF {verdict.name} (expected: {reason}): {verdict.summary}")
        else:
            unexpected.append(verdict.name)
            print(f"UNEXPECTED {verdict.name}: {verdict.summary}")
    names = {path.name for path in files}
    for name in sorted(set(expected) - names):
        print(f"warning: expectations list {name}, which is not in {directory}", file=sys.stderr)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    engine_seconds = children.ru_utime + children.ru_stime
    print(
        f"checked {len(files)} calendars in {elapsed:.1f}s (engine CPU {engine_seconds:.1f}s); "
        f"{len(unexpected)} unexpected differences; at least {args.min_pass} must agree"
    )
    status = 0
    sys.stdout.flush()  # keep stdout and stderr in order when both go to one log
    if passed < args.min_pass:
        print(f"FAILED: only {passed} calendars agree, {args.min_pass} required", file=sys.stderr)
        status = 1
    if unexpected:
        print(
            f"FAILED: {len(unexpected)} differences are not listed in {args.expectations} (UNEXPECTED lines above)",
            file=sys.stderr,
        )
        status = 1
    print(f"{passed} passed, {failed} failed")
    return status


if __name__ == "__main__":
    sys.exit(main())

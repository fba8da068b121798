#!/usr/bin/env python3
"""Time recurring-ical-events (RIE) expanding one calendar over a UTC year.

Usage:
    scripts/rie_bench.py FILE [--year 2026] [--cut N] [--write-cut OUT.ics]

With --cut N only the first N VEVENTs are kept, together with the VCALENDAR
properties and every VTIMEZONE; other components are dropped. The timed parse
is of the calendar that is expanded (the cut one when --cut is given), and
--write-cut writes exactly that text so that the Swift benchmark can time
itself on the same events.

Prints one JSON object on stdout:
    {"events": n, "instances": k, "parse_seconds": ..., "expand_seconds": ...,
     "windows": w, "max_rss_mb": m}
`instances` counts what RIE's between() returns for [YYYY-01-01, YYYY+1-01-01)
UTC; `windows` counts those left after the engine's filtering rules
(cancelled, zero-length and advisory instances dropped, exact overlap).
`expand_seconds` covers of() (which includes X-WR-TIMEZONE normalisation and
series set-up) plus between(). `max_rss_mb` is the peak of the whole process,
including the untimed parse of the full file when --cut is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import resource
import sys
import time
import zoneinfo

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import rie_differential as differential  # noqa: E402  (shared filtering rules)


def cut_calendar(calendar, keep: int):
    """A copy of calendar with its properties, its VTIMEZONEs and the first keep VEVENTs."""
    result = calendar.copy()  # properties only, no subcomponents
    kept = 0
    for component in calendar.subcomponents:
        if component.name == "VTIMEZONE":
            result.add_component(component)
        elif component.name == "VEVENT" and kept < keep:
            result.add_component(component)
            kept += 1
    return result


def count_windows(occurrences, zone_name, start, end) -> int:
    zone = zoneinfo.ZoneInfo(str(zone_name).strip()) if zone_name is not None else dt.timezone.utc
    count = 0
    for occurrence in occurrences:
        if differential.is_cancelled(occurrence) or differential.is_advisory(occurrence):
            continue
        first = differential.as_utc(occurrence["DTSTART"].dt, zone)
        last = differential.as_utc(occurrence["DTEND"].dt, zone)
        if first != last and first < end and last > start:
            count += 1
    return count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=pathlib.Path)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--cut", type=int, metavar="N", help="keep only the first N VEVENTs")
    parser.add_argument("--write-cut", type=pathlib.Path, metavar="OUT.ics", help="write the calendar that is timed")
    args = parser.parse_args(argv)
    if args.cut is not None and args.cut < 0:
        parser.error("--cut must not be negative")

    icalendar, rie = differential.import_oracle()
    text = args.file.read_bytes()
    if args.cut is not None:
        # Cut first (untimed), then time the parse of the cut text itself.
        text = cut_calendar(icalendar.Calendar.from_ical(text), args.cut).to_ical()
    if args.write_cut is not None:
        args.write_cut.write_bytes(text)

    began = time.perf_counter()
    calendar = icalendar.Calendar.from_ical(text)
    parse_seconds = time.perf_counter() - began
    events = sum(1 for component in calendar.subcomponents if component.name == "VEVENT")

    start = dt.datetime(args.year, 1, 1, tzinfo=dt.timezone.utc)
    end = dt.datetime(args.year + 1, 1, 1, tzinfo=dt.timezone.utc)
    began = time.perf_counter()
    occurrences = rie.of(calendar).between(start, end)
    expand_seconds = time.perf_counter() - began

    result = {
        "events": events,
        "instances": len(occurrences),
        "parse_seconds": round(parse_seconds, 4),
        "expand_seconds": round(expand_seconds, 4),
        "windows": count_windows(occurrences, calendar.get("X-WR-TIMEZONE"), start, end),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

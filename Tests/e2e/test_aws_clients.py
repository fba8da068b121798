#!/usr/bin/env python3
"""End to end: the real `schedulerd serve` driven by the real `aws` CLI and boto3.

Every request is SigV4-signed with keys made by `schedulerd credentials create`, against the
daemon's AWS JSON 1.1 endpoint (`--endpoint-url`). Two scenarios, each with its own daemon in
its own temporary directory:

1. The aws CLI on simulated time: import a calendar from an .ics file (`create-document
   --content file://...`), a rule on that calendar with a command target, the calendar's state
   now and at given instants; a readonly key refused on writes, a wrong secret and an unknown
   key refused; then every transition runs the command once, in order, with the payload
   rendered by the input transformer and its idempotency key.
2. boto3: state, paginated listing, the document hash, PutEvents routed by an event-pattern rule
   to a command, TestEventPattern, and the error codes of refused requests.

Each scenario ends with SIGTERM: the daemon must exit 0 with no fault in its log.

Usage: scripts/e2e.sh [BINARY]  (or SCHEDULERD_BIN=... python3 Tests/e2e/test_aws_clients.py -v)
Python standard library, boto3/botocore and the `aws` executable only.
"""

import datetime as dt
import hashlib
import json
import os
import sys
import time
import unittest

from harness import ACCOUNT, REGION, DaemonTestCase, iso, parse_iso, read_recorded, recorder_arn


def utc(hour, minute=0):
    return dt.datetime(2026, 12, 1, hour, minute, tzinfo=dt.timezone.utc)


def state_at(windows, instant):
    """A DEFAULT_OPEN calendar's state and next transition, worked out from its CLOSED windows
    [start, end) directly, not by the engine under test."""
    state = "CLOSED" if any(start <= instant < end for start, end in windows) else "OPEN"
    boundaries = sorted(b for window in windows for b in window if b > instant)
    return state, (boundaries[0] if boundaries else None)


class EndToEnd(DaemonTestCase):
    maxDiff = None

    # MARK: 1. The aws CLI on simulated time

    # One simulated hour is 3 real seconds and the clock starts at 23:00 the day before: the
    # calendar closes 04:00-05:00, 06:00-07:00 and 08:00-09:00, so the first transition is 15 s
    # after start and the last 30 s. Before the first one only create-document, put-rule and
    # put-targets must have run (measured: 2-4 s, 6 s with both cores busy).
    SPEED = 1200
    CLOCK_START = utc(0) - dt.timedelta(hours=1)
    WINDOWS = [(utc(4), utc(5)), (utc(6), utc(7)), (utc(8), utc(9))]
    CALENDAR = (
        "BEGIN:VCALENDAR\n"
        "VERSION:2.0\n"
        "PRODID:-//schedulerd//e2e//EN\n"
        "X-CALENDAR-TYPE:DEFAULT_OPEN\n"
        "X-WR-CALDESC:Maintenance windows (e2e)\n"
        "BEGIN:VEVENT\n"
        "UID:e2e-maintenance@schedulerd.test\n"
        "DTSTAMP:20261101T000000Z\n"
        "DTSTART:20261201T040000Z\n"
        "DTEND:20261201T050000Z\n"
        "RRULE:FREQ=HOURLY;INTERVAL=2;COUNT=3\n"
        "SUMMARY:Maintenance\n"
        "END:VEVENT\n"
        "END:VCALENDAR\n")

    def simulated_bounds(self, real_before, real_after):
        """The daemon's simulated clock lies in these bounds for a request made between the two
        real instants: its clock starts between spawning and the listening line."""
        low = self.CLOCK_START + dt.timedelta(seconds=(real_before - self.daemon.listening) * self.SPEED - 1)
        high = self.CLOCK_START + dt.timedelta(seconds=(real_after - self.daemon.spawned) * self.SPEED + 1)
        return low, high

    def test_1_cli_calendar_drives_command_target(self):
        name = "e2e-maintenance"
        arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/{name}"
        ics = self.write("maintenance.ics", self.CALENDAR)
        received = os.path.join(self.sandbox, "received.txt")
        transitions = sorted((instant, "CLOSED" if instant == start else "OPEN")
                             for start, end in self.WINDOWS for instant in (start, end))
        self.start_daemon(["--clock-speed", str(self.SPEED), "--clock-start", iso(self.CLOCK_START)])
        due_first = (transitions[0][0] - self.CLOCK_START).total_seconds() / self.SPEED
        due_last = (transitions[-1][0] - self.CLOCK_START).total_seconds() / self.SPEED

        # Import, route, target: all before the first transition (15 s).
        created = self.aws("ssm", "create-document", "--name", name, "--document-type", "ChangeCalendar",
                           "--document-format", "TEXT", "--content", f"file://{ics}")["DocumentDescription"]
        self.assertEqual((created["Name"], created["DocumentType"], created["DocumentFormat"]), (name, "ChangeCalendar", "TEXT"))
        self.assertEqual(created["Hash"], hashlib.sha256(self.CALENDAR.encode()).hexdigest())
        rule = "e2e-maintenance-changes"
        pattern = {"source": ["aws.ssm"], "detail-type": ["Calendar State Change"], "resources": [arn]}
        rule_arn = self.aws("events", "put-rule", "--name", rule, "--event-pattern", json.dumps(pattern))["RuleArn"]
        self.assertTrue(rule_arn.endswith(f":rule/{rule}"), rule_arn)
        target = {"Id": "cmd", "Arn": recorder_arn(received),
                  "InputTransformer": {"InputPathsMap": {"state": "$.detail.state", "at": "$.detail.atTime"},
                                       "InputTemplate": "<state> at <at>"}}
        put = self.aws("events", "put-targets", "--rule", rule, "--targets", json.dumps([target]))
        ready = time.monotonic()
        self.assertEqual((put.get("FailedEntryCount"), put.get("FailedEntries")), (0, []), f"put-targets: {put}")
        setup = f"setup done {ready - self.daemon.listening:.1f} s after the daemon listened; first transition due at {due_first:.0f} s"

        # The state now, on the daemon's simulated clock: consistent with the calendar at the
        # instant the daemon reports, and that instant within what the real clock allows.
        before = time.monotonic()
        now = self.aws("ssm", "get-calendar-state", "--calendar-names", name)
        low, high = self.simulated_bounds(before, time.monotonic())
        at = parse_iso(now["AtTime"])
        self.assertTrue(low <= at <= high, f"AtTime {now['AtTime']} outside [{iso(low)}, {iso(high)}] ({setup})")
        state, following = state_at(self.WINDOWS, at)
        expected = {"State": state, "AtTime": iso(at)}
        if following:
            expected["NextTransitionTime"] = iso(following)
        self.assertEqual(now, expected)
        # At given instants: inside a window, and after the last one (no next transition).
        self.assertEqual(self.aws("ssm", "get-calendar-state", "--calendar-names", name, "--at-time", "2026-12-01T06:30:00Z"),
                         {"State": "CLOSED", "AtTime": "2026-12-01T06:30:00Z", "NextTransitionTime": "2026-12-01T07:00:00Z"})
        self.assertEqual(self.aws("ssm", "get-calendar-state", "--calendar-names", arn, "--at-time", "2026-12-01T09:30:00Z"),
                         {"State": "OPEN", "AtTime": "2026-12-01T09:30:00Z"})

        # Refusals, while the transitions run. The readonly key may read (so it is a valid key)
        # but may neither delete the calendar nor remove the target: the deliveries below prove
        # both still work. A wrong secret and a key never issued are not accepted.
        self.assertEqual(self.aws("ssm", "describe-document", "--name", name, key=self.readonly)["Document"]["Name"], name)
        for refused in (["ssm", "delete-document", "--name", name], ["events", "remove-targets", "--rule", rule, "--ids", "cmd"]):
            status, stderr = self.aws(*refused, key=self.readonly, expect_ok=False)
            self.assertNotEqual(status, 0, f"readonly {' '.join(refused[:2])} succeeded")
            self.assertIn("AccessDeniedException", stderr, f"readonly {' '.join(refused[:2])}")
        wrong = (self.admin[0], ("y" if self.admin[1].startswith("x") else "x") + self.admin[1][1:])
        status, stderr = self.aws("ssm", "delete-document", "--name", name, key=wrong, expect_ok=False)
        self.assertNotEqual(status, 0, "delete-document with a wrong secret succeeded")
        self.assertIn("InvalidSignatureException", stderr)
        status, stderr = self.aws("events", "list-rules", key=("AKIAE2EUNKNOWN000000", self.admin[1]), expect_ok=False)
        self.assertNotEqual(status, 0, "list-rules with an unknown key succeeded")
        self.assertIn("UnrecognizedClientException", stderr)

        # Every transition delivered: one line each, then every delivery settled.
        self.eventually(f"{len(transitions)} deliveries to the command ({setup})",
                        lambda: len(read_recorded(received)) >= len(transitions),
                        within=max(0.0, due_last - (time.monotonic() - self.daemon.spawned)) + 30, every=0.5,
                        progress=lambda: {"received": read_recorded(received), "events": self.outbox_summary()})

        def settled():
            mine = [e for e in self.recorded_events() or [] if e["event"].get("resources") == [arn]]
            done = len(mine) >= len(transitions) and all(d["status"] == "delivered" for e in mine for d in e["deliveries"])
            return mine if done else None
        events = sorted(self.eventually("the calendar's deliveries settled", settled, within=20, every=0.5,
                                        progress=self.outbox_summary),
                        key=lambda e: e["event"]["time"])

        # The outbox: exactly the transitions, none for the state recorded at creation (OPEN).
        self.assertEqual([(e["event"]["detail"]["atTime"], e["event"]["detail"]["state"]) for e in events],
                         [(iso(instant), state) for instant, state in transitions], setup)
        for index, e in enumerate(events):
            body = e["event"]
            self.assertEqual((body["source"], body["detail-type"], body["account"], body["region"], body["time"]),
                             ("aws.ssm", "Calendar State Change", ACCOUNT, REGION, body["detail"]["atTime"]))
            following = transitions[index + 1][0] if index + 1 < len(transitions) else None
            self.assertEqual(body["detail"].get("nextTransitionTime"), following and iso(following), body)
            self.assertTrue(e["deliverable"], body)
            self.assertEqual([(d["rule"], d["target"], d["status"]) for d in e["deliveries"]], [(rule, "cmd", "delivered")],
                             f"{body['detail']['atTime']} ({setup})")

        # The command: one run per transition, in order, the rendered input on stdin (no more, no
        # less: no stray newline), each under its event's key EVENT_ID:TARGET_ID.
        recorded = read_recorded(received)
        self.assertEqual([payload for _, payload in recorded],
                         [f"{state} at {iso(instant)}" for instant, state in transitions])
        self.assertEqual([key for key, _ in recorded], [f"{e['event']['id']}:cmd" for e in events])
        self.assertEqual(len({key for key, _ in recorded}), len(transitions), "idempotency keys not distinct")

        # The simulated clock is past the calendar's end: OPEN for good.
        after = self.aws("ssm", "get-calendar-state", "--calendar-names", name)
        self.assertEqual((after["State"], "NextTransitionTime" in after), ("OPEN", False), after)
        self.assertGreaterEqual(after["AtTime"], iso(transitions[-1][0]), after)
        self.stop_daemon()
        sys.stderr.write(f"[{setup}; {len(transitions)} transitions delivered in order] ")

    # MARK: 2. boto3

    CALENDAR_UTF8 = CALENDAR.replace("SUMMARY:Maintenance", "SUMMARY:Fenêtre de maintenance — nuit")
    INVALID = (
        "BEGIN:VCALENDAR\n"
        "VERSION:2.0\n"
        "X-CALENDAR-TYPE:DEFAULT_OPEN\n"
        "BEGIN:VEVENT\n"
        "UID:broken@schedulerd.test\n"
        "SUMMARY:a date that is not one\n"
        "DTSTART:2026120XT040000Z\n"
        "DTEND:20261201T050000Z\n"
        "END:VEVENT\n"
        "END:VCALENDAR\n")
    INVALID_LINE = 7

    def test_2_boto3(self):
        self.start_daemon(["--clock-speed", "1", "--clock-start", "2026-12-01T00:00:00Z"])
        ssm, events = self.client("ssm"), self.client("events")
        ssm_ro, events_ro = self.client("ssm", self.readonly), self.client("events", self.readonly)

        # Documents: three calendars with non-ASCII content (the hash is over its UTF-8).
        names = ["e2e-b-nights", "e2e-a-maintenance", "e2e-c-weekends"]
        for name in names:
            created = ssm.create_document(Name=name, Content=self.CALENDAR_UTF8, DocumentType="ChangeCalendar",
                                          DocumentFormat="TEXT")["DocumentDescription"]
            self.assertEqual(created["Name"], name)
        description = ssm.describe_document(Name="e2e-a-maintenance")["Document"]
        self.assertEqual((description["Hash"], description["HashType"]),
                         (hashlib.sha256(self.CALENDAR_UTF8.encode("utf-8")).hexdigest(), "Sha256"))
        self.assertEqual((description["DocumentType"], description["DocumentFormat"], description["Description"]),
                         ("ChangeCalendar", "TEXT", "Maintenance windows (e2e)"))
        self.assertEqual(ssm.get_document(Name="e2e-a-maintenance")["Content"], self.CALENDAR_UTF8)

        # The listing, one per page: every document once, over several pages.
        pages = list(ssm.get_paginator("list_documents").paginate(
            Filters=[{"Key": "DocumentType", "Values": ["ChangeCalendar"]}], PaginationConfig={"PageSize": 1}))
        listed = [d["Name"] for page in pages for d in page["DocumentIdentifiers"]]
        self.assertTrue(all(len(page["DocumentIdentifiers"]) <= 1 for page in pages), pages)
        self.assertTrue(pages[0].get("NextToken"), "the first page of one has no NextToken")
        self.assertEqual(sorted(listed), sorted(names), f"pages: {pages}")

        # The state: by name and by ARN, at a given instant and on the daemon's clock (speed 1:
        # seconds after 2026-12-01T00:00:00Z, so OPEN until 04:00).
        state = ssm.get_calendar_state(CalendarNames=["e2e-a-maintenance"], AtTime="2026-12-01T08:15:00Z")
        self.assertEqual((state["State"], state["AtTime"], state["NextTransitionTime"]),
                         ("CLOSED", "2026-12-01T08:15:00Z", "2026-12-01T09:00:00Z"))
        state = ssm.get_calendar_state(CalendarNames=[f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/e2e-c-weekends"])
        self.assertEqual((state["State"], state["NextTransitionTime"]), ("OPEN", "2026-12-01T04:00:00Z"), state)
        self.assertTrue("2026-12-01T00:00:00Z" <= state["AtTime"] < "2026-12-01T00:10:00Z", state)

        # PutEvents through an event-pattern rule to a command target: the matching entry only.
        received = os.path.join(self.sandbox, "deploys.txt")
        pattern = {"source": ["e2e.deploy"], "detail-type": ["Deployment"], "detail": {"stage": ["prod"]}}
        events.put_rule(Name="e2e-prod-deploys", EventPattern=json.dumps(pattern))
        put = events.put_targets(Rule="e2e-prod-deploys", Targets=[{"Id": "rec", "Arn": recorder_arn(received), "InputPath": "$.detail"}])
        self.assertEqual((put["FailedEntryCount"], put["FailedEntries"]), (0, []))
        prod, dev = {"stage": "prod", "build": 42, "note": "café"}, {"stage": "dev", "build": 43}
        sent = events.put_events(Entries=[
            {"Source": "e2e.deploy", "DetailType": "Deployment", "Detail": json.dumps(prod), "Resources": ["app/web"]},
            {"Source": "e2e.deploy", "DetailType": "Deployment", "Detail": json.dumps(dev)},
        ])
        self.assertEqual(sent["FailedEntryCount"], 0, sent)
        ids = [entry.get("EventId") for entry in sent["Entries"]]
        self.assertTrue(all(ids) and len(set(ids)) == 2, sent)

        def settled():
            mine = {e["event"]["id"]: e for e in self.recorded_events() or [] if e["event"].get("source") == "e2e.deploy"}
            done = set(mine) == set(ids) and all(d["status"] == "delivered" for e in mine.values() for d in e["deliveries"])
            return mine if done and read_recorded(received) else None
        outbox = self.eventually("the PutEvents entries recorded and delivered", settled, within=20,
                                 progress=lambda: {"received": read_recorded(received), "events": self.outbox_summary()})
        self.assertEqual([(d["rule"], d["target"]) for d in outbox[ids[0]]["deliveries"]], [("e2e-prod-deploys", "rec")])
        self.assertEqual(outbox[ids[1]]["deliveries"], [], "the dev deployment matched the prod rule")
        self.assertEqual(outbox[ids[0]]["event"]["detail"], prod)
        recorded = read_recorded(received)
        self.assertEqual([key for key, _ in recorded], [f"{ids[0]}:rec"])
        self.assertEqual(json.loads(recorded[0][1]), prod)

        # TestEventPattern, with a readonly key (Test* is read-only).
        event = {"id": "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "Deployment", "source": "e2e.deploy",
                 "account": ACCOUNT, "time": "2026-12-01T00:00:00Z", "region": REGION, "resources": [], "detail": prod}
        self.assertIs(events_ro.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(event))["Result"], True)
        self.assertIs(events_ro.test_event_pattern(EventPattern=json.dumps(pattern),
                                                   Event=json.dumps(dict(event, detail=dev)))["Result"], False)

        # Refusals. The readonly key reads (so it is a valid key) but may not write, and the
        # refused writes left nothing behind.
        self.assertEqual(ssm_ro.describe_document(Name="e2e-b-nights")["Document"]["Name"], "e2e-b-nights")
        self.assertClientError("AccessDeniedException", ssm_ro.create_document, Name="e2e-readonly-doc",
                               Content=self.CALENDAR, DocumentType="ChangeCalendar", DocumentFormat="TEXT")
        self.assertClientError("AccessDeniedException", events_ro.put_rule, Name="e2e-readonly-rule",
                               EventPattern=json.dumps(pattern))
        self.assertClientError("InvalidDocument", ssm.describe_document, Name="e2e-readonly-doc")
        self.assertClientError("ResourceNotFoundException", events.describe_rule, Name="e2e-readonly-rule")
        # A wrong secret for a real key, and a key the daemon never issued.
        wrong = (self.admin[0], self.admin[1][:-4] + ("AAAA" if not self.admin[1].endswith("AAAA") else "BBBB"))
        self.assertClientError("InvalidSignatureException", self.client("ssm", wrong).create_document, Name="e2e-wrong-secret",
                               Content=self.CALENDAR, DocumentType="ChangeCalendar", DocumentFormat="TEXT")
        self.assertClientError("InvalidDocument", ssm.describe_document, Name="e2e-wrong-secret")
        self.assertClientError("UnrecognizedClientException", self.client("events", ("AKIAE2EUNKNOWN000000", self.admin[1])).list_rules)
        # A missing document, and content the calendar engine refuses, naming the line.
        self.assertClientError("InvalidDocument", ssm.get_document, Name="e2e-no-such-document")
        message = self.assertClientError("InvalidDocumentContent", ssm.create_document, Name="e2e-invalid",
                                         Content=self.INVALID, DocumentType="ChangeCalendar", DocumentFormat="TEXT")
        self.assertRegex(message, rf"\bline {self.INVALID_LINE}\b")
        self.assertIn("DTSTART", message)
        self.assertClientError("InvalidDocument", ssm.describe_document, Name="e2e-invalid")
        self.stop_daemon()


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""End to end: the headline job, two weeks of nightly stops and morning starts.

The real daemon runs the example's rules, calendars (`nightly-stop`, `us-holidays-2026`) and
runbooks (`config/runbooks/`) on a simulated clock from 29 October to 12 November 2026. That
span holds the end of daylight saving time in New York (1 November) and a federal holiday
(Veterans Day, 11 November). The fleet: four instances and a database tagged
`Schedule=office-hours`, one instance and one database without the tag.

Afterwards the archive (`schedulerd events --json`) is checked against an oracle written here
from the calendars' meaning, not from the engine: closing at 22:00 and opening at 07:00 New
York time, every day but the holiday. The checks:
- the transitions came at exactly the oracle's instants, DST included;
- after every CLOSED transition every tagged instance and database is stopped, and after every
  OPEN transition running (available), before the next transition;
- on the holiday morning nothing starts, and the fleet stays stopped until the day after;
- the untagged instance and database never change state;
- during the holiday, boto3's `describe_instances` and `describe_db_instances` show the tagged
  fleet stopped and the rest running; no automation failed (`aws ssm describe-automation-executions`).

Usage: scripts/e2e.sh [BINARY] (runs every test_*.py), or
SCHEDULERD_BIN=... python3 Tests/e2e/test_nightly.py -v
"""

import datetime as dt
import json
import os
import shutil
import unittest
import urllib.request
from zoneinfo import ZoneInfo

from harness import instance_id, DaemonTestCase, iso, parse_iso

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
START = dt.datetime(2026, 10, 29, tzinfo=dt.timezone.utc)
END = dt.datetime(2026, 11, 12, 18, tzinfo=dt.timezone.utc)
# 14 days in about 70 seconds: a night (9 simulated hours) lasts 1.9 real seconds.
SPEED = 17280
NEW_YORK = ZoneInfo("America/New_York")
HOLIDAYS = {dt.date(2026, 11, 11)}
# From after the holiday morning (07:00 EST = 12:00Z) to before the next working morning.
HOLIDAY = (dt.datetime(2026, 11, 11, 13, tzinfo=dt.timezone.utc), dt.datetime(2026, 11, 12, 11, tzinfo=dt.timezone.utc))


TAGGED = [instance_id("web", index) for index in range(3)] + [instance_id("batch", 0)]
UNTAGGED = instance_id("bastion", 0)
TAGGED_DB, UNTAGGED_DB = "orders-db", "reports-db"

RULE_TARGETS = """\
      - id: {verb}-instances
        automation:
          document: {ec2}
          target_parameter_name: InstanceId
          targets: [{{key: "tag:Schedule", values: [office-hours]}}]
          max_concurrency: 100%
          max_errors: 100%
      - id: {verb}-databases
        automation:
          document: {rds}
          target_parameter_name: InstanceId
          targets: [{{key: "tag:Schedule", values: [office-hours]}}]
          max_concurrency: 100%
          max_errors: 100%
"""

CONFIGURATION = (
    "rules:\n"
    "  - name: nightly-stop\n"
    "    event_pattern: {source: [aws.ssm], detail-type: [Calendar State Change], detail: {state: [CLOSED]},\n"
    "                    resources: ['arn:aws:ssm:us-east-1:123456789012:document/nightly-stop']}\n"
    "    targets:\n" + RULE_TARGETS.format(verb="stop", ec2="AWS-StopEC2Instance", rds="AWS-StopRdsInstance") +
    "  - name: morning-start\n"
    "    event_pattern: {source: [aws.ssm], detail-type: [Calendar State Change], detail: {state: [OPEN]},\n"
    "                    resources: ['arn:aws:ssm:us-east-1:123456789012:document/nightly-stop']}\n"
    "    targets:\n" + RULE_TARGETS.format(verb="start", ec2="StartEC2UnlessHoliday", rds="StartRdsUnlessHoliday") +
    "fleet:\n"
    "  ec2:\n"
    "    - {group: web, count: 3, tags: {Schedule: office-hours}}\n"
    "    - {group: batch, count: 1, type: c5.large, tags: {Schedule: office-hours}}\n"
    "    - {group: bastion, count: 1, type: t3.nano, tags: {Name: bastion}}\n"
    "  rds:\n"
    "    - {identifier: orders-db, tags: {Schedule: office-hours}}\n"
    "    - {identifier: reports-db}\n")


def oracle_transitions():
    """[(instant, state)] of nightly-stop from START to END: CLOSED at 22:00 and OPEN at 07:00
    New York time, each day."""
    transitions = []
    day = START.astimezone(NEW_YORK).date() - dt.timedelta(days=1)
    while day <= END.date():
        for hour, state in ((7, "OPEN"), (22, "CLOSED")):
            instant = dt.datetime(day.year, day.month, day.day, hour, tzinfo=NEW_YORK).astimezone(dt.timezone.utc)
            if START < instant <= END:
                transitions.append((instant, state))
        day += dt.timedelta(days=1)
    return transitions


class NightlyStopStart(DaemonTestCase):
    maxDiff = None

    def daemon_time(self):
        with urllib.request.urlopen(self.daemon.endpoint + "/healthz", timeout=10) as reply:
            return parse_iso(json.load(reply)["time"])

    def test_two_weeks_over_dst_and_a_holiday(self):
        for folder, names in (("calendars", ["nightly-stop.ics", "us-holidays-2026.ics"]),
                              ("runbooks", ["StartEC2UnlessHoliday.yaml", "StartRdsUnlessHoliday.yaml"])):
            os.makedirs(os.path.join(self.sandbox, folder), exist_ok=True)
            for name in names:
                shutil.copy(os.path.join(REPOSITORY, "config", folder, name), os.path.join(self.sandbox, folder, name))
        self.start_daemon(["--clock-speed", str(SPEED), "--clock-start", iso(START)], configuration=CONFIGURATION)
        # On the holiday, through the clients: the tagged fleet stopped since the night before,
        # the untagged resources running. The window is 22 simulated hours (4.6 real seconds).
        self.eventually("the holiday", lambda: self.daemon_time() >= HOLIDAY[0], within=240, every=0.1)
        ec2, rds = self.client("ec2"), self.client("rds")
        states = {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]}
        databases = {d["DBInstanceIdentifier"]: d["DBInstanceStatus"] for d in rds.describe_db_instances()["DBInstances"]}
        self.assertLess(self.daemon_time(), HOLIDAY[1], "the machine was too slow to look while the holiday lasted")
        self.assertEqual(states, {**{i: "stopped" for i in TAGGED}, UNTAGGED: "running"})
        self.assertEqual(databases, {TAGGED_DB: "stopped", UNTAGGED_DB: "available"})

        self.eventually(f"the daemon's clock to pass {iso(END)}", lambda: self.daemon_time() >= END, within=240, every=0.5)
        failed = self.aws("ssm", "describe-automation-executions", "--filters", "Key=ExecutionStatus,Values=Failed,TimedOut,Cancelled")
        self.assertEqual(failed["AutomationExecutionMetadataList"], [])
        self.stop_daemon()

        events = [entry["event"] for entry in self.recorded_events() if parse_iso(entry["event"]["time"]) <= END]
        transitions = [(parse_iso(e["time"]), e["detail"]["state"]) for e in events
                       if e["detail-type"] == "Calendar State Change" and e["resources"][0].endswith("/nightly-stop")]
        expected = oracle_transitions()
        self.assertEqual(transitions, expected, "the transitions, at the oracle's instants")
        self.assertIn((dt.datetime(2026, 11, 1, 2, tzinfo=dt.timezone.utc), "CLOSED"), transitions, "22:00 EDT on 31 October")
        self.assertIn((dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc), "OPEN"), transitions, "07:00 EST on 1 November")

        # Every resource's state changes, in order: [(time, state)].
        changes = {}
        for e in events:
            if e["detail-type"] == "EC2 Instance State-change Notification":
                changes.setdefault(e["detail"]["instance-id"], []).append((parse_iso(e["time"]), e["detail"]["state"]))
            elif e["detail-type"] == "RDS DB Instance Event":
                status = {"DB instance stopped": "stopped", "DB instance started": "available"}.get(e["detail"]["Message"])
                if status:
                    changes.setdefault(e["detail"]["SourceIdentifier"], []).append((parse_iso(e["time"]), status))
        self.assertNotIn(UNTAGGED, changes, "the untagged instance was touched")
        self.assertNotIn(UNTAGGED_DB, changes, "the untagged database was touched")

        def state_before(resource, instant, settled):
            """The resource's last settled state strictly before `instant`."""
            seen = [state for time, state in changes.get(resource, []) if time < instant and state in settled]
            return seen[-1] if seen else None

        holiday_mornings = 0
        for index, (instant, state) in enumerate(expected):
            following = expected[index + 1][0] if index + 1 < len(expected) else END
            local_day = instant.astimezone(NEW_YORK).date()
            if state == "CLOSED":
                want_ec2, want_rds = "stopped", "stopped"
            elif local_day in HOLIDAYS:
                holiday_mornings += 1
                want_ec2, want_rds = "stopped", "stopped"
                for resource in TAGGED + [TAGGED_DB]:
                    during = [s for time, s in changes.get(resource, []) if instant <= time < following]
                    self.assertEqual(during, [], f"{resource} changed on the holiday morning {instant}")
            else:
                want_ec2, want_rds = "running", "available"
            for resource in TAGGED:
                self.assertEqual(state_before(resource, following, {"running", "stopped"}), want_ec2,
                                 f"{resource} after the {state} transition at {iso(instant)} (before {iso(following)})")
            self.assertEqual(state_before(TAGGED_DB, following, {"available", "stopped"}), want_rds,
                             f"{TAGGED_DB} after the {state} transition at {iso(instant)}")
        self.assertEqual(holiday_mornings, 1, "Veterans Day fell in the span")


if __name__ == "__main__":
    unittest.main()

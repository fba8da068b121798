#!/usr/bin/env python3
"""End to end: SIGKILL the daemon again and again while it stops 500 instances.

A calendar closes a few seconds after the first start; its rule starts AWS-StopEC2Instance on
every instance tagged `Schedule=office-hours` (500 of them, one child execution each, 100% at
once). The daemon is then killed with SIGKILL at random moments (CRASH_KILLS times, default 20;
CRASH_SEED makes the moments repeatable) and started again on the same data each time, on the
real clock. After the last start it runs to the end. Then:
- every one of the 500 tagged instances is stopped, and the untagged one still runs;
- exactly one parent execution was started (the delivery's client token held across every
  crash) and it succeeded;
- it has exactly 500 children, one per instance, none twice, all succeeded;
- each instance went through `stopping` and `stopped` exactly once (no stop was lost or
  repeated into a second state change).

Usage: scripts/e2e.sh [BINARY] (runs every test_*.py), or
SCHEDULERD_BIN=... python3 Tests/e2e/test_crash.py -v
"""

import datetime as dt
import os
import random
import time
import unittest

from harness import instance_id, DaemonTestCase, iso

COUNT = 500
KILLS = int(os.environ.get("CRASH_KILLS", "20"))
SEED = int(os.environ.get("CRASH_SEED", str(random.SystemRandom().randrange(1 << 30))))


TAGGED = {instance_id("fleet", index) for index in range(COUNT)}
UNTAGGED = instance_id("bastion", 0)


def calendar(closes):
    """A DEFAULT_OPEN calendar closed for a day from `closes`."""
    stamp = closes.strftime("%Y%m%dT%H%M%SZ")
    until = (closes + dt.timedelta(days=1)).strftime("%Y%m%dT%H%M%SZ")
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//schedulerd//crash test//EN\r\nX-CALENDAR-TYPE:DEFAULT_OPEN\r\n"
            f"BEGIN:VEVENT\r\nUID:crash-freeze\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\nDTEND:{until}\r\n"
            "SUMMARY:stop everything\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


CONFIGURATION = f"""\
rules:
  - name: freeze-stop
    event_pattern: {{source: [aws.ssm], detail-type: [Calendar State Change], detail: {{state: [CLOSED]}}}}
    targets:
      - id: stop-fleet
        automation:
          document: AWS-StopEC2Instance
          target_parameter_name: InstanceId
          targets: [{{key: "tag:Schedule", values: [office-hours]}}]
          max_concurrency: 100%
          max_errors: 100%
fleet:
  transitions: {{ec2_stop: 2s}}
  ec2:
    - {{group: fleet, count: {COUNT}, tags: {{Schedule: office-hours}}}}
    - {{group: bastion, count: 1}}
"""


class CrashRecovery(DaemonTestCase):
    maxDiff = None

    def executions(self, ssm, filters):
        found = []
        for page in ssm.get_paginator("describe_automation_executions").paginate(Filters=filters):
            found += page["AutomationExecutionMetadataList"]
        return found

    def test_sigkill_while_stopping_500_instances(self):
        print(f"\n[crash test: {KILLS} kills, CRASH_SEED={SEED}]", flush=True)
        moments = random.Random(SEED)
        closes = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(seconds=4)
        self.write("calendars/freeze.ics", calendar(closes))
        kills = []
        for attempt in range(KILLS):
            self.start_daemon(configuration=CONFIGURATION, name=f"serve-{attempt}")
            # The first run kills after the calendar closed, so every kill falls while the stop
            # is under way (or, late on, after it is done: a restart must then change nothing).
            wait = moments.uniform(0.0, 2.5) + (max(0.0, (closes - dt.datetime.now(dt.timezone.utc)).total_seconds()) if attempt == 0 else 0)
            time.sleep(wait)
            self.assertTrue(self.daemon.running, f"run {attempt} exited by itself" + self.diag())
            self.daemon.kill()
            kills.append(round(wait, 2))
        self.start_daemon(configuration=CONFIGURATION, name="serve-final")

        ssm, ec2 = self.client("ssm"), self.client("ec2")

        def parent_done():
            parents = [e for e in self.executions(ssm, [{"Key": "DocumentNamePrefix", "Values": ["AWS-StopEC2Instance"]}])
                       if "ParentAutomationExecutionId" not in e]
            return parents if parents and all(p["AutomationExecutionStatus"] not in ("Pending", "InProgress") for p in parents) else None
        parents = self.eventually("the parent execution to end", parent_done, within=600, every=1)
        self.assertEqual(len(parents), 1, f"one parent execution, not {len(parents)}: {parents}")
        parent = parents[0]
        self.assertEqual(parent["AutomationExecutionStatus"], "Success", parent)

        children = self.executions(ssm, [{"Key": "ParentExecutionId", "Values": [parent["AutomationExecutionId"]]}])
        targets = [child["Target"] for child in children]
        self.assertEqual(len(children), COUNT, f"children: {len(children)}")
        self.assertEqual(set(targets), TAGGED, "one child per tagged instance")
        self.assertEqual(len(set(targets)), len(targets), "no instance has two children")
        self.assertEqual({child["AutomationExecutionStatus"] for child in children}, {"Success"})

        states = {}
        for page in ec2.get_paginator("describe_instances").paginate():
            for reservation in page["Reservations"]:
                for instance in reservation["Instances"]:
                    states[instance["InstanceId"]] = instance["State"]["Name"]
        self.assertEqual({i for i, s in states.items() if s == "stopped"}, TAGGED)
        self.assertEqual(states[UNTAGGED], "running")
        self.stop_daemon()

        changes = {}
        for entry in self.recorded_events():
            event = entry["event"]
            if event["detail-type"] == "EC2 Instance State-change Notification":
                changes.setdefault(event["detail"]["instance-id"], []).append(event["detail"]["state"])
        self.assertEqual({i: s for i, s in changes.items() if s != ["stopping", "stopped"]}, {},
                         "an instance whose state changes were not exactly stopping, stopped")
        self.assertEqual(set(changes), TAGGED)
        print(f"[killed after {kills} s]", flush=True)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""End to end: automations with the real `aws` CLI against the real `schedulerd serve`.

One daemon on simulated time (60 simulated seconds a real second). With the aws CLI only:

1. A runbook created with `create-document` reads a change calendar (GetCalendarState through
   aws:executeAwsApi), branches on its state, runs a shell script through aws:runCommand and
   AWS-RunShellScript, sleeps on the daemon's clock and waits for an approval that
   `send-automation-signal` gives; `get-automation-execution` shows every status on the way and
   the outputs; `describe-automation-step-executions` lists the steps.
2. `ClientToken`: the same token gives the same execution, another request under it is refused.
   Then `{{ssm:}}` and `{{ssm-secure:}}` parameter values, read from parameters `put-parameter` made.
3. AWS-StopEC2Instance resolves as AWS's own runbook (owner Amazon), stops an instance of the
   simulated fleet (`aws ec2 describe-instances` then says stopped), and for an unknown instance
   fails with EC2's error in `FailureMessage`.
4. A rule with an automation definition ARN target: `put-events` starts the runbook once, with
   the rule's input as its parameters.
5. `stop-automation-execution` cancels a sleeping execution.

The daemon must then stop on SIGTERM with exit status 0 and no fault or error in its log.

Usage: scripts/e2e.sh [BINARY]  (or SCHEDULERD_BIN=... python3 Tests/e2e/test_automation.py -v)
"""

import json
import os
import time
import unittest

from harness import ACCOUNT, REGION, DaemonTestCase

SPEED = 60

OPEN_CALENDAR = (
    "BEGIN:VCALENDAR\n"
    "VERSION:2.0\n"
    "PRODID:-//schedulerd//e2e//EN\n"
    "X-CALENDAR-TYPE:DEFAULT_OPEN\n"
    "END:VCALENDAR\n")

NIGHTLY = """\
description: Greets when the calendar is open, after a nap and an approval.
schemaVersion: '0.3'
parameters:
  Greeting:
    type: String
    default: hello
  Out:
    type: String
mainSteps:
  - name: readCalendar
    action: aws:executeAwsApi
    inputs:
      Service: ssm
      Api: GetCalendarState
      CalendarNames: [e2e-window]
    outputs:
      - {Name: State, Selector: $.State, Type: String}
  - name: whenOpen
    action: aws:branch
    inputs:
      Choices:
        - {NextStep: greet, Variable: '{{ readCalendar.State }}', StringEquals: OPEN}
      Default: closed
  - name: greet
    action: aws:runCommand
    inputs:
      DocumentName: AWS-RunShellScript
      InstanceIds: [i-0e2e000000000000a]
      Parameters:
        commands: ['echo "{{ Greeting }} from {{ automation:EXECUTION_ID }} on $AWS_SSM_INSTANCE_ID" | tee -a "{{ Out }}"']
  - name: nap
    action: aws:sleep
    inputs: {Duration: PT2M}
  - name: approval
    action: aws:approve
    inputs: {Approvers: [e2e-admin], Message: Greet again?}
    isEnd: true
  - name: closed
    action: aws:sleep
    inputs: {Duration: PT0S}
outputs: [greet.Output, readCalendar.State]
"""

GREET = """\
schemaVersion: '0.3'
parameters:
  Greeting: {type: String}
  Out: {type: String}
mainSteps:
  - name: greet
    action: aws:runCommand
    inputs:
      DocumentName: AWS-RunShellScript
      InstanceIds: [i-0e2e000000000000b]
      Parameters:
        commands: ['echo "{{ Greeting }}" >> "{{ Out }}"']
"""

RESUMABLE = """\
schemaVersion: '0.3'
parameters:
  Out: {type: String}
mainSteps:
  - name: before
    action: aws:runCommand
    inputs: {DocumentName: AWS-RunShellScript, InstanceIds: [i-1], Parameters: {commands: ['echo before >> "{{ Out }}"']}}
  - {name: nap, action: 'aws:sleep', inputs: {Duration: PT10M}}
  - name: after
    action: aws:runCommand
    inputs: {DocumentName: AWS-RunShellScript, InstanceIds: [i-1], Parameters: {commands: ['echo after >> "{{ Out }}"']}}
"""

NAP = """\
schemaVersion: '0.3'
mainSteps:
  - {name: nap, action: 'aws:sleep', inputs: {Duration: P1D}}
"""


class Automations(DaemonTestCase):
    def execution(self, execution_id):
        return self.aws("ssm", "get-automation-execution", "--automation-execution-id", execution_id)["AutomationExecution"]

    def until_status(self, execution_id, statuses, within=60):
        seen = []

        def probe():
            execution = self.execution(execution_id)
            if not seen or seen[-1] != execution["AutomationExecutionStatus"]:
                seen.append(execution["AutomationExecutionStatus"])
            return execution if execution["AutomationExecutionStatus"] in statuses else None
        execution = self.eventually(f"{execution_id} to be {'/'.join(statuses)}", probe, within=within, every=0.3,
                                    progress=lambda: seen)
        return execution, seen

    def test_automations_with_the_cli(self):
        self.start_daemon(["--clock-speed", str(SPEED), "--clock-start", "2026-12-01T12:00:00Z"],
                          config="fleet:\n  ec2:\n    - {group: web, count: 1, tags: {Name: web}}\n")
        out = os.path.join(self.sandbox, "greetings.txt")
        calendar = self.write("window.ics", OPEN_CALENDAR)
        self.aws("ssm", "create-document", "--name", "e2e-window", "--document-type", "ChangeCalendar",
                 "--document-format", "TEXT", "--content", f"file://{calendar}")
        for name, content in (("e2e-nightly", NIGHTLY), ("e2e-greet", GREET), ("e2e-nap", NAP)):
            created = self.aws("ssm", "create-document", "--name", name, "--document-type", "Automation",
                               "--document-format", "YAML", "--content", content)["DocumentDescription"]
            self.assertEqual((created["DocumentType"], created["Status"]), ("Automation", "Active"))

        # 1. The runbook, step by step, watched with get-automation-execution.
        started = self.aws("ssm", "start-automation-execution", "--document-name", "e2e-nightly",
                           "--parameters", json.dumps({"Greeting": ["hello"], "Out": [out]}))
        execution_id = started["AutomationExecutionId"]
        self.assertRegex(execution_id, r"^[0-9a-f-]{36}$")
        waiting, seen = self.until_status(execution_id, {"Waiting", "Failed", "TimedOut", "Cancelled", "Success"})
        self.assertEqual(waiting["AutomationExecutionStatus"], "Waiting", f"statuses seen: {seen}; {waiting}")
        self.assertEqual((waiting["CurrentStepName"], waiting["CurrentAction"]), ("approval", "aws:approve"))
        self.assertEqual([(s["StepName"], s["StepStatus"]) for s in waiting["StepExecutions"]],
                         [("readCalendar", "Success"), ("whenOpen", "Success"), ("greet", "Success"), ("nap", "Success"),
                          ("approval", "Waiting"), ("closed", "Pending")])
        self.assertEqual(waiting["Outputs"]["greet.Output"], ["No output available yet because the step is not successfully executed"])
        nap = waiting["StepExecutions"][3]
        # Two minutes on the daemon's clock (a wake comes a few simulated seconds late at 60x).
        self.assertAlmostEqual(nap["ExecutionEndTime"] - nap["ExecutionStartTime"], 120, delta=15)
        self.assertEqual(self.aws("ssm", "send-automation-signal", "--automation-execution-id", execution_id,
                                  "--signal-type", "Approve", "--payload", "Comment=fine"), {})
        done, _ = self.until_status(execution_id, {"Success", "Failed", "TimedOut", "Cancelled"})
        self.assertEqual(done["AutomationExecutionStatus"], "Success", done)
        greeting = f"hello from {execution_id} on i-0e2e000000000000a"
        self.assertEqual(done["Outputs"], {"greet.Output": [greeting + "\n"], "readCalendar.State": ["OPEN"]})
        self.assertEqual(done["Parameters"], {"Greeting": ["hello"], "Out": [out]})
        self.assertEqual(done["ExecutedBy"], f"arn:aws:iam::{ACCOUNT}:user/e2e-admin")
        self.assertIsInstance(done["ExecutionStartTime"], float)
        with open(out, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), greeting + "\n")
        steps = self.aws("ssm", "describe-automation-step-executions", "--automation-execution-id", execution_id,
                         "--filters", "Key=StepName,Values=approval")["StepExecutions"]
        self.assertEqual(len(steps), 1)
        self.assertEqual(steps[0]["Outputs"]["ApprovalStatus"], ["Approved"])
        self.assertIn('"Approver":"e2e-admin"', steps[0]["Outputs"]["ApproverDecisions"][0].replace(" ", ""))
        status, stderr = self.aws("ssm", "send-automation-signal", "--automation-execution-id", execution_id,
                                  "--signal-type", "Approve", expect_ok=False)
        self.assertNotEqual(status, 0)
        self.assertIn("InvalidAutomationSignalException", stderr)

        # 2. ClientToken.
        token = "5c0ffee0-1234-4abc-8def-0123456789ab"
        request = ["ssm", "start-automation-execution", "--document-name", "e2e-greet", "--client-token", token,
                   "--parameters", json.dumps({"Greeting": ["token"], "Out": [out]})]
        first = self.aws(*request)["AutomationExecutionId"]
        self.assertEqual(self.aws(*request)["AutomationExecutionId"], first)
        status, stderr = self.aws("ssm", "start-automation-execution", "--document-name", "e2e-greet", "--client-token", token,
                                  "--parameters", json.dumps({"Greeting": ["other"], "Out": [out]}), expect_ok=False)
        self.assertNotEqual(status, 0)
        self.assertIn("IdempotentParameterMismatch", stderr)
        self.until_status(first, {"Success"})

        # 2b. Parameter Store references: {{ssm:}} resolved and shown, {{ssm-secure:}} used but shown as written.
        stored = os.path.join(self.sandbox, "from-the-store.txt")
        self.aws("ssm", "put-parameter", "--name", "/e2e/greeting", "--value", "from the store", "--type", "String")
        self.aws("ssm", "put-parameter", "--name", "/e2e/secret", "--value", "pssst", "--type", "SecureString")
        plain = self.aws("ssm", "start-automation-execution", "--document-name", "e2e-greet",
                         "--parameters", json.dumps({"Greeting": ["{{ssm:/e2e/greeting}}"], "Out": [stored]}))["AutomationExecutionId"]
        done, _ = self.until_status(plain, {"Success", "Failed"})
        self.assertEqual(done["Parameters"]["Greeting"], ["from the store"], done)
        secure = self.aws("ssm", "start-automation-execution", "--document-name", "e2e-greet",
                          "--parameters", json.dumps({"Greeting": ["{{ssm-secure:/e2e/secret}}"], "Out": [stored]}))["AutomationExecutionId"]
        done, _ = self.until_status(secure, {"Success", "Failed"})
        self.assertEqual(done["AutomationExecutionStatus"], "Success", done)
        self.assertEqual(done["Parameters"]["Greeting"], ["{{ssm-secure:/e2e/secret}}"])
        with open(stored, encoding="utf-8") as handle:
            self.assertEqual(handle.read().splitlines(), ["from the store", "pssst"], "the actions got the values")
        status, stderr = self.aws("ssm", "start-automation-execution", "--document-name", "e2e-greet",
                                  "--parameters", json.dumps({"Greeting": ["{{ssm:/e2e/secret}}"], "Out": [stored]}), expect_ok=False)
        self.assertNotEqual(status, 0)
        self.assertIn("InvalidAutomationExecutionParametersException", stderr)
        self.assertIn("names a SecureString", stderr)

        # 3. AWS's runbook, owned by Amazon, stops an instance of the simulated fleet; an unknown
        # instance fails with EC2's own error.
        described = self.aws("ssm", "describe-document", "--name", "AWS-StopEC2Instance")["Document"]
        self.assertEqual((described["Owner"], described["DocumentType"]), ("Amazon", "Automation"))
        web = self.aws("ec2", "describe-instances", "--filters", "Name=tag:Name,Values=web")["Reservations"][0]["Instances"][0]
        self.assertEqual(web["State"]["Name"], "running")
        stop = self.aws("ssm", "start-automation-execution", "--document-name", "AWS-StopEC2Instance",
                        "--parameters", json.dumps({"InstanceId": [web["InstanceId"]]}))["AutomationExecutionId"]
        stopped, _ = self.until_status(stop, {"Failed", "Success", "TimedOut"})
        self.assertEqual(stopped["AutomationExecutionStatus"], "Success", stopped)
        reply = self.aws("ec2", "describe-instances", "--instance-ids", web["InstanceId"])
        self.assertEqual(reply["Reservations"][0]["Instances"][0]["State"]["Name"], "stopped")
        ec2 = self.aws("ssm", "start-automation-execution", "--document-name", "AWS-StopEC2Instance",
                       "--parameters", json.dumps({"InstanceId": ["i-0123456789abcdef0"]}))["AutomationExecutionId"]
        failed, _ = self.until_status(ec2, {"Failed", "Success"})
        self.assertEqual(failed["AutomationExecutionStatus"], "Failed")
        self.assertIn("InvalidInstanceID.NotFound: The instance ID 'i-0123456789abcdef0' does not exist", failed["FailureMessage"])
        listed = self.aws("ssm", "describe-automation-executions", "--filters", "Key=ExecutionStatus,Values=Failed")
        self.assertEqual([e["AutomationExecutionId"] for e in listed["AutomationExecutionMetadataList"]], [ec2])
        status, stderr = self.aws("ssm", "start-automation-execution", "--document-name", "AWS-NoSuchRunbook", expect_ok=False)
        self.assertIn("AutomationDefinitionNotFoundException", stderr)

        # 4. A rule target starts the runbook once per event.
        arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:automation-definition/e2e-greet:$DEFAULT"
        self.aws("events", "put-rule", "--name", "e2e-greeter", "--event-pattern", json.dumps({"source": ["e2e.automation"]}))
        put = self.aws("events", "put-targets", "--rule", "e2e-greeter", "--targets", json.dumps([
            {"Id": "greet", "Arn": arn, "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/automation",
             "Input": json.dumps({"Greeting": ["from a rule"], "Out": [out]})}]))
        self.assertEqual(put["FailedEntryCount"], 0, put)
        self.assertEqual(self.aws("events", "list-targets-by-rule", "--rule", "e2e-greeter")["Targets"][0]["Arn"], arn)
        sent = self.aws("events", "put-events", "--entries", json.dumps([
            {"Source": "e2e.automation", "DetailType": "Go", "Detail": "{}"}]))
        event_id = sent["Entries"][0]["EventId"]

        def by_rule():
            found = self.aws("ssm", "describe-automation-executions", "--filters",
                             "Key=DocumentNamePrefix,Values=e2e-greet")["AutomationExecutionMetadataList"]
            mine = [e for e in found if e["ExecutedBy"] == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/e2e-greeter"]
            return mine if mine and all(e["AutomationExecutionStatus"] == "Success" for e in mine) else None
        started_by_rule = self.eventually("the rule's automation", by_rule, within=30, every=0.5, progress=self.outbox_summary)
        self.assertEqual(len(started_by_rule), 1)
        events = self.recorded_events() or []
        delivery = [d for e in events if e["event"]["id"] == event_id for d in e["deliveries"]]
        self.assertEqual([(d["rule"], d["target"], d["status"]) for d in delivery], [("e2e-greeter", "greet", "delivered")])
        with open(out, encoding="utf-8") as handle:
            self.assertEqual(handle.read().splitlines()[1:], ["token", "from a rule"])
        automation_events = [e for e in events if e["event"].get("detail-type") == "EC2 Automation Execution Status-change Notification"]
        self.assertTrue(any(e["event"]["detail"]["ExecutionId"] == execution_id and e["event"]["detail"]["Status"] == "Success"
                            for e in automation_events), "no Success status-change event for the first execution")

        # 5. Stop a sleeping execution.
        sleeping = self.aws("ssm", "start-automation-execution", "--document-name", "e2e-nap")["AutomationExecutionId"]
        self.until_status(sleeping, {"InProgress"})
        self.assertEqual(self.aws("ssm", "stop-automation-execution", "--automation-execution-id", sleeping, "--type", "Cancel"), {})
        cancelled, _ = self.until_status(sleeping, {"Cancelled"})
        self.assertEqual(cancelled["StepExecutions"][0]["StepStatus"], "Cancelled")
        status, stderr = self.aws("ssm", "stop-automation-execution", "--automation-execution-id", sleeping, expect_ok=False)
        self.assertIn("InvalidAutomationStatusUpdateException", stderr)
        self.stop_daemon()

    def test_a_killed_daemon_resumes_its_automations(self):
        """SIGKILL in the middle of a sleep; the next daemon on the same data carries on to the
        sleep's deadline and runs the last step; the first step never runs twice."""
        self.start_daemon(["--clock-speed", str(SPEED), "--clock-start", "2026-12-01T12:00:00Z"])
        out = os.path.join(self.sandbox, "steps.txt")
        self.aws("ssm", "create-document", "--name", "e2e-resumable", "--document-type", "Automation",
                 "--document-format", "YAML", "--content", RESUMABLE)
        execution_id = self.aws("ssm", "start-automation-execution", "--document-name", "e2e-resumable",
                                "--parameters", json.dumps({"Out": [out]}))["AutomationExecutionId"]

        def napping():
            execution = self.execution(execution_id)
            steps = {s["StepName"]: s["StepStatus"] for s in execution["StepExecutions"]}
            return execution if steps.get("nap") == "InProgress" else None
        before_kill = self.eventually("the nap to begin", napping, within=30, every=0.3)
        nap_id = before_kill["StepExecutions"][1]["StepExecutionId"]
        self.daemon.kill()   # SIGKILL, no chance to clean up

        # Simulated time goes on from two minutes later: eight minutes of the nap are left.
        self.start_daemon(["--clock-speed", str(SPEED), "--clock-start", "2026-12-01T12:02:00Z"])
        done, _ = self.until_status(execution_id, {"Success", "Failed", "TimedOut", "Cancelled"})
        self.assertEqual(done["AutomationExecutionStatus"], "Success", done)
        self.assertEqual([(s["StepName"], s["StepStatus"]) for s in done["StepExecutions"]],
                         [("before", "Success"), ("nap", "Success"), ("after", "Success")])
        self.assertEqual(done["StepExecutions"][1]["StepExecutionId"], nap_id, "the same step execution, resumed")
        with open(out, encoding="utf-8") as handle:
            self.assertEqual(handle.read().splitlines(), ["before", "after"])
        statuses = [e["event"]["detail"]["Status"] for e in self.recorded_events() or []
                    if e["event"].get("detail-type") == "EC2 Automation Execution Status-change Notification"
                    and e["event"]["detail"]["ExecutionId"] == execution_id]
        self.assertEqual(statuses, ["Pending", "InProgress", "Success"], "one event per status, across the kill")
        self.assertTrue(any("resuming automations" in line for line in self.daemon.stderr().splitlines()))
        self.stop_daemon()


if __name__ == "__main__":
    unittest.main()

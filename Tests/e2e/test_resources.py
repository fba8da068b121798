#!/usr/bin/env python3
"""End to end: the EC2 and RDS simulators, driven by the real `aws` CLI and boto3.

The daemon runs on a simulated clock (`--clock-speed 60`: a minute a second, so an instance
stops in a third of a second and a database in 3 seconds), with a fleet declared in its
configuration. Every request is SigV4-signed with keys made by `schedulerd credentials create`,
and its service is the one its credential scope names (ec2 or rds): the Query protocols send
no other trustworthy hint.

1. The aws CLI: describe the fleet by tag, stop the tagged instances (a rule on aws.ec2
   events runs a command for each `stopped`), the untagged one untouched; AWS's errors for
   unknown, malformed and wrong-state calls and for a readonly key; a hung stop injected with
   `schedulerd fleet fault add` and cleared; RDS stop, wrong state, unknown identifier.
2. boto3: the `instance_stopped`, `instance_running`, `instance_terminated`,
   `db_instance_available` and `db_instance_deleted` waiters (Delay 1 s: the waiter sleeps in
   real time); RunInstances with tags, pagination, DescribeInstanceStatus, tags; faults:
   insufficient capacity and throttling.
3. A restart: transitions in flight when the daemon stops complete when it starts again, at
   the instant they were due.

Usage: scripts/e2e.sh [BINARY] (runs this and test_aws_clients.py), or
SCHEDULERD_BIN=... python3 Tests/e2e/test_resources.py -v
"""

import datetime as dt
import json
import os
import signal
import time
import unittest

from harness import instance_id, ACCOUNT, REGION, DaemonTestCase, iso, parse_iso

SPEED = 60
CLOCK_START = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
FAST_WAITER = {"Delay": 1, "MaxAttempts": 60}


WEB = [instance_id("web", index) for index in range(3)]
BASTION = instance_id("bastion", 0)

FLEET = (
    "fleet:\n"
    "  ec2:\n"
    "    - {group: web, count: 3, type: t3.micro, tags: {Schedule: office-hours, Name: web}}\n"
    "    - {group: bastion, count: 1, type: t3.nano, tags: {Name: bastion}}\n"
    "  rds:\n"
    "    - {identifier: orders-db, engine: postgres, class: db.t3.micro, tags: {Schedule: office-hours}}\n"
    "    - {identifier: reports-db, engine: mysql, class: db.t3.micro}\n")


def directory_recorder(path):
    """A command target's argv that writes its input to PATH/IDEMPOTENCY_KEY: one file per delivery,
    so deliveries running at the same time (a fleet stops at once) never mix their lines."""
    return ["/bin/sh", "-c", 'cat > "$1/$SCHEDULERD_IDEMPOTENCY_KEY"', "recorder", path]


def read_directory(path):
    """{idempotency key: input} of what a directory recorder received."""
    received = {}
    for name in sorted(os.listdir(path)):
        with open(os.path.join(path, name), encoding="utf-8") as handle:
            received[name] = handle.read()
    return received


def instances(reply):
    return [instance for reservation in reply["Reservations"] for instance in reservation["Instances"]]


class Resources(DaemonTestCase):
    maxDiff = None

    def cli_error(self, *args, key=None):
        """An aws call that must fail: its stderr (which names the error code and message)."""
        status, stderr = self.aws(*args, key=key, expect_ok=False)
        self.assertNotEqual(status, 0, f"{' '.join(args[:2])} succeeded" + self.diag())
        return stderr

    def fleet(self, *args):
        """`schedulerd fleet ARGS --data-dir DATA`, its output."""
        return self.run_binary("fleet", *args, "--data-dir", self.data)

    def states(self, ids):
        """{id: state} of these instances; those that do not exist (yet, or any more) left out."""
        reply = self.aws("ec2", "describe-instances", "--filters", f"Name=instance-id,Values={','.join(ids)}")
        return {instance["InstanceId"]: instance["State"]["Name"] for instance in instances(reply)}

    def database_status(self, identifier):
        reply = self.aws("rds", "describe-db-instances", "--db-instance-identifier", identifier)
        return reply["DBInstances"][0]["DBInstanceStatus"]

    # MARK: 1. The aws CLI

    def test_1_cli_fleet_by_tag(self):
        received = os.path.join(self.sandbox, "stopped")
        os.makedirs(received)
        rule = ("rules:\n"
                "  - name: instance-stopped\n"
                "    event_pattern: {source: [aws.ec2], detail-type: [EC2 Instance State-change Notification], "
                "detail: {state: [stopped]}}\n"
                "    targets:\n"
                "      - id: recorder\n"
                f"        command: {json.dumps(directory_recorder(received))}\n"
                "        input_path: $.detail\n")
        self.start_daemon(["--clock-speed", str(SPEED), "--clock-start", iso(CLOCK_START)], configuration=rule + FLEET)

        # The declared fleet, by tag: the three web instances, with the ids derived from the group.
        tagged = instances(self.aws("ec2", "describe-instances", "--filters", "Name=tag:Schedule,Values=office-hours"))
        self.assertEqual(sorted(i["InstanceId"] for i in tagged), sorted(WEB))
        self.assertTrue(all(i["State"] == {"Code": 16, "Name": "running"} and i["InstanceType"] == "t3.micro" for i in tagged), tagged)
        everything = self.aws("ec2", "describe-instances")
        self.assertEqual(len(instances(everything)), 4)
        self.assertEqual(sorted(len(r["Instances"]) for r in everything["Reservations"]), [1, 3], "one reservation per group")
        self.assertTrue(all(r["OwnerId"] == ACCOUNT for r in everything["Reservations"]))

        # Stop what the schedule owns; the untagged bastion is untouched.
        stopping = self.aws("ec2", "stop-instances", "--instance-ids", *WEB)["StoppingInstances"]
        self.assertEqual(sorted((s["InstanceId"], s["PreviousState"]["Name"], s["CurrentState"]["Name"]) for s in stopping),
                         sorted((i, "running", "stopping") for i in WEB))
        self.assertEqual({s["CurrentState"]["Code"] for s in stopping}, {64})
        self.eventually("the web instances stopped", lambda: set(self.states(WEB).values()) == {"stopped"}, within=20,
                        progress=lambda: self.states(WEB))
        self.assertEqual(self.states([BASTION]), {BASTION: "running"})
        stopped = instances(self.aws("ec2", "describe-instances", "--instance-ids", WEB[0]))[0]
        self.assertRegex(stopped["StateTransitionReason"], r"^User initiated \(2026-12-01 \d\d:\d\d:\d\d GMT\)$")
        self.assertEqual(stopped["StateReason"]["Code"], "Client.UserInitiatedShutdown")

        # The bus: a state-change event per state entered, and the rule's command ran once per stop.
        self.eventually("three stopped events delivered to the command", lambda: len(read_directory(received)) >= 3, within=20,
                        progress=lambda: read_directory(received))
        payloads = [json.loads(payload) for payload in read_directory(received).values()]
        self.assertEqual(sorted(p["instance-id"] for p in payloads), sorted(WEB))
        self.assertEqual({p["state"] for p in payloads}, {"stopped"})
        ec2_events = [e["event"] for e in self.recorded_events() if e["event"]["source"] == "aws.ec2"]
        self.assertEqual(sorted((e["detail"]["instance-id"], e["detail"]["state"]) for e in ec2_events),
                         sorted([(i, "stopping") for i in WEB] + [(i, "stopped") for i in WEB]))
        self.assertTrue(all(e["detail-type"] == "EC2 Instance State-change Notification" and e["resources"]
                            == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{e['detail']['instance-id']}"] for e in ec2_events))
        started = self.aws("ec2", "start-instances", "--instance-ids", WEB[0])["StartingInstances"]
        self.assertEqual([(s["PreviousState"]["Name"], s["CurrentState"]["Name"], s["CurrentState"]["Code"]) for s in started],
                         [("stopped", "pending", 0)])
        self.eventually("web 0 running again", lambda: self.states([WEB[0]]) == {WEB[0]: "running"}, within=20)
        self.aws("ec2", "stop-instances", "--instance-ids", WEB[0])
        self.eventually("web 0 stopped again", lambda: self.states([WEB[0]]) == {WEB[0]: "stopped"}, within=20)
        self.eventually("four stopped events delivered", lambda: len(read_directory(received)) >= 4, within=20)
        self.assertTrue(all(key.endswith(":recorder") for key in read_directory(received)), "keys are EVENT_ID:TARGET_ID")

        # AWS's errors.
        self.assertIn("InvalidInstanceID.NotFound", self.cli_error("ec2", "start-instances", "--instance-ids", "i-0123456789abcdef0"))
        self.assertIn("The instance ID 'i-0123456789abcdef0' does not exist",
                      self.cli_error("ec2", "start-instances", "--instance-ids", "i-0123456789abcdef0"))
        self.assertIn("InvalidInstanceID.Malformed", self.cli_error("ec2", "describe-instances", "--instance-ids", "i-12"))
        self.assertEqual(len(self.states(WEB)), 3, "the readonly key may describe")
        self.assertIn("UnauthorizedOperation", self.cli_error("ec2", "start-instances", "--instance-ids", *WEB, key=self.readonly))
        self.assertEqual(set(self.states(WEB).values()), {"stopped"}, "the refused start changed nothing")

        # A hang injected at run time: the bastion's stop never completes until the fault is cleared;
        # meanwhile it is stopping, from which it cannot be started.
        fault = self.fleet("fault", "add", "--kind", "hang", "--resource", BASTION, "--operation", "stop").strip()
        self.assertRegex(fault, r"^\d+$")
        self.assertIn(f"hang on {BASTION} (stop)", self.fleet("fault", "list"))
        self.aws("ec2", "stop-instances", "--instance-ids", BASTION)
        time.sleep(2)   # two simulated minutes, six times a normal stop
        self.assertEqual(self.states([BASTION]), {BASTION: "stopping"})
        self.assertIn(f"The instance '{BASTION}' is not in a state from which it can be started.",
                      self.cli_error("ec2", "start-instances", "--instance-ids", BASTION))
        self.assertIn("IncorrectInstanceState", self.cli_error("ec2", "start-instances", "--instance-ids", BASTION))
        self.assertIn(f"{BASTION}  stopping  t3.nano  stopped (hung)", self.fleet("list"))
        self.assertIn(f"cleared fault {fault}", self.fleet("fault", "clear", fault))
        self.eventually("the hung stop completed once its fault was cleared", lambda: self.states([BASTION]) == {BASTION: "stopped"},
                        within=15, progress=lambda: self.states([BASTION]))

        # RDS: stop the tagged database; starting it while it stops is refused; unknown identifiers are 404s.
        databases = self.aws("rds", "describe-db-instances")["DBInstances"]
        self.assertEqual([(d["DBInstanceIdentifier"], d["DBInstanceStatus"]) for d in databases],
                         [("orders-db", "available"), ("reports-db", "available")])
        self.assertEqual(databases[0]["DBInstanceArn"], f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-db")
        self.assertEqual(databases[0]["TagList"], [{"Key": "Schedule", "Value": "office-hours"}])
        stopping = self.aws("rds", "stop-db-instance", "--db-instance-identifier", "orders-db")["DBInstance"]
        self.assertEqual(stopping["DBInstanceStatus"], "stopping")
        self.assertIn("InvalidDBInstanceState", self.cli_error("rds", "start-db-instance", "--db-instance-identifier", "orders-db"))
        self.eventually("orders-db stopped", lambda: self.database_status("orders-db") == "stopped", within=30,
                        progress=lambda: self.database_status("orders-db"))
        restart = self.aws("rds", "describe-db-instances", "--db-instance-identifier", "orders-db")["DBInstances"][0]["AutomaticRestartTime"]
        # RDS starts a stopped database 7 days after the stop (which came after its registration).
        self.assertGreater(parse_iso(restart[:19] + "Z") - parse_iso(stopping["InstanceCreateTime"][:19] + "Z"), dt.timedelta(days=7))
        self.assertEqual(self.database_status("reports-db"), "available")
        self.assertIn("DBInstanceNotFound", self.cli_error("rds", "describe-db-instances", "--db-instance-identifier", "nope"))
        self.assertIn("DBInstance nope not found.", self.cli_error("rds", "describe-db-instances", "--db-instance-identifier", "nope"))
        rds_events = [e["event"]["detail"] for e in self.recorded_events() if e["event"]["source"] == "aws.rds"]
        self.assertEqual([(d["SourceIdentifier"], d["EventID"], d["Message"]) for d in rds_events],
                         [("orders-db", "RDS-EVENT-0004", "DB instance shutdown"), ("orders-db", "RDS-EVENT-0087", "DB instance stopped")])
        self.stop_daemon()

    # MARK: 2. boto3

    def test_2_boto3_waiters_and_faults(self):
        configuration = "rules: []\n" + FLEET.replace(
            "  ec2:\n", "  transitions: {rds_create: 2m, rds_start: 1m, rds_stop: 1m, rds_delete: 1m}\n  ec2:\n").replace(
            "    - {group: bastion", "    - {group: batch, count: 12, type: c5.large, state: stopped}\n    - {group: bastion")
        self.start_daemon(["--clock-speed", str(SPEED), "--clock-start", iso(CLOCK_START)], configuration=configuration)
        ec2, rds = self.client("ec2"), self.client("rds")

        # The waiters the issue names, with a short real-time Delay.
        ec2.stop_instances(InstanceIds=WEB)
        ec2.get_waiter("instance_stopped").wait(InstanceIds=WEB, WaiterConfig=FAST_WAITER)
        started = ec2.start_instances(InstanceIds=WEB)["StartingInstances"]
        self.assertEqual({s["CurrentState"]["Name"] for s in started}, {"pending"})
        ec2.get_waiter("instance_running").wait(InstanceIds=WEB, WaiterConfig=FAST_WAITER)
        statuses = ec2.describe_instance_status(InstanceIds=WEB)["InstanceStatuses"]
        self.assertEqual(sorted((s["InstanceId"], s["InstanceState"]["Name"], s["InstanceStatus"]["Status"]) for s in statuses),
                         sorted((i, "running", "ok") for i in WEB))

        # Pagination: 16 instances, five at a time.
        pages = list(ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
        listed = [i["InstanceId"] for page in pages for i in instances(page)]
        self.assertEqual(len(pages), 4)
        self.assertEqual(len(listed), 16)
        self.assertEqual(len(set(listed)), 16)
        stopped_batch = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["stopped"]}])
        self.assertEqual(len(instances(stopped_batch)), 12)

        # RunInstances with tags, running, then terminated.
        launched = ec2.run_instances(ImageId="ami-12345678", InstanceType="t3.small", MinCount=2, MaxCount=2,
                                     TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Team", "Value": "e2e"}]}])
        new = [i["InstanceId"] for i in launched["Instances"]]
        self.assertTrue(all(len(i) == 19 and i.startswith("i-") for i in new), new)
        ec2.get_waiter("instance_running").wait(InstanceIds=new, WaiterConfig=FAST_WAITER)
        ec2.create_tags(Resources=new, Tags=[{"Key": "Owner", "Value": "ops"}])
        tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [new[0]]}])["Tags"]
        self.assertEqual(sorted((t["Key"], t["Value"], t["ResourceType"]) for t in tags),
                         [("Owner", "ops", "instance"), ("Team", "e2e", "instance")])
        ec2.delete_tags(Resources=new, Tags=[{"Key": "Owner"}])
        self.assertEqual([t["Key"] for t in ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [new[0]]}])["Tags"]], ["Team"])
        ec2.terminate_instances(InstanceIds=new)
        ec2.get_waiter("instance_terminated").wait(InstanceIds=new, WaiterConfig=FAST_WAITER)

        # Errors as AWS words them.
        message = self.assertClientError("IncorrectInstanceState", ec2.start_instances, InstanceIds=[new[0]])
        self.assertEqual(message, f"The instance '{new[0]}' is not in a state from which it can be started.")
        self.assertClientError("InvalidInstanceID.NotFound", ec2.stop_instances, InstanceIds=["i-0123456789abcdef0"])

        # Faults: one instance without capacity (once), RDS throttled (once).
        ec2.stop_instances(InstanceIds=[WEB[0]])
        ec2.get_waiter("instance_stopped").wait(InstanceIds=[WEB[0]], WaiterConfig=FAST_WAITER)
        self.fleet("fault", "add", "--kind", "insufficient-capacity", "--resource", WEB[0], "--times", "1")
        message = self.assertClientError("InsufficientInstanceCapacity", ec2.start_instances, InstanceIds=[WEB[0]], status=500)
        self.assertIn("We currently do not have sufficient t3.micro capacity", message)
        ec2.start_instances(InstanceIds=[WEB[0]])
        ec2.get_waiter("instance_running").wait(InstanceIds=[WEB[0]], WaiterConfig=FAST_WAITER)
        self.fleet("fault", "add", "--kind", "throttle", "--service", "rds", "--times", "1")
        self.assertClientError("Throttling", rds.describe_db_instances)
        self.assertEqual(len(rds.describe_db_instances()["DBInstances"]), 2)

        # RDS: stop, then the db_instance_available waiter through the start.
        self.assertEqual(rds.stop_db_instance(DBInstanceIdentifier="orders-db")["DBInstance"]["DBInstanceStatus"], "stopping")
        self.assertClientError("InvalidDBInstanceState", rds.stop_db_instance, DBInstanceIdentifier="orders-db")
        self.eventually("orders-db stopped", lambda: self.database_status("orders-db") == "stopped", within=30)
        rds.start_db_instance(DBInstanceIdentifier="orders-db")
        rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="orders-db", WaiterConfig=FAST_WAITER)
        self.assertClientError("DBInstanceNotFound", rds.start_db_instance, DBInstanceIdentifier="nope", status=404)

        # A database made through the API, tagged, deleted.
        created = rds.create_db_instance(DBInstanceIdentifier="E2E-Analytics", DBInstanceClass="db.t3.small", Engine="mysql",
                                         AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="not-a-secret-here",
                                         Tags=[{"Key": "Team", "Value": "e2e"}])["DBInstance"]
        self.assertEqual((created["DBInstanceIdentifier"], created["DBInstanceStatus"]), ("e2e-analytics", "creating"))
        rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="e2e-analytics", WaiterConfig=FAST_WAITER)
        arn = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:e2e-analytics"
        rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "Owner", "Value": "dba"}])
        self.assertEqual(rds.list_tags_for_resource(ResourceName=arn)["TagList"],
                         [{"Key": "Team", "Value": "e2e"}, {"Key": "Owner", "Value": "dba"}])
        rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["Team"])
        self.assertEqual(rds.list_tags_for_resource(ResourceName=arn)["TagList"], [{"Key": "Owner", "Value": "dba"}])
        self.assertClientError("InvalidParameterCombination", rds.delete_db_instance, DBInstanceIdentifier="e2e-analytics")
        rds.delete_db_instance(DBInstanceIdentifier="e2e-analytics", SkipFinalSnapshot=True)
        rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier="e2e-analytics", WaiterConfig=FAST_WAITER)
        self.stop_daemon()

    # MARK: 3. A restart

    def test_3_transitions_in_flight_survive_a_restart(self):
        # Slow transitions (30 simulated minutes: 30 real seconds), so they are in flight at the stop.
        configuration = "rules: []\n" + FLEET.replace("  ec2:\n", "  transitions: {ec2_stop: 30m, rds_stop: 30m}\n  ec2:\n")
        self.start_daemon(["--clock-speed", str(SPEED), "--clock-start", iso(CLOCK_START)], configuration=configuration)
        ec2, rds = self.client("ec2"), self.client("rds")
        ec2.stop_instances(InstanceIds=[WEB[0]])
        rds.stop_db_instance(DBInstanceIdentifier="orders-db")
        self.assertEqual(self.states([WEB[0]]), {WEB[0]: "stopping"})
        self.stop_daemon()

        # Two simulated hours later: both transitions were due while the daemon was down.
        self.start_daemon(["--clock-speed", str(SPEED), "--clock-start", iso(CLOCK_START + dt.timedelta(hours=2))],
                          configuration=configuration, name="serve-2")
        ec2, rds = self.client("ec2"), self.client("rds")
        self.assertEqual(self.states(WEB + [BASTION]), {WEB[0]: "stopped", WEB[1]: "running", WEB[2]: "running", BASTION: "running"})
        self.assertEqual(self.database_status("orders-db"), "stopped")
        events = [e["event"] for e in self.recorded_events() if e["event"]["source"] in ("aws.ec2", "aws.rds")]
        stopped = [e for e in events if e["detail"].get("state") == "stopped" or e["detail"].get("EventID") == "RDS-EVENT-0087"]
        self.assertEqual(len(stopped), 2, events)
        for event in stopped:
            # Recorded at restart, dated when it was due: 30 minutes after the stop, in the first run.
            self.assertTrue(iso(CLOCK_START + dt.timedelta(minutes=30)) <= event["time"] < iso(CLOCK_START + dt.timedelta(minutes=35)),
                            event)

        # SIGHUP: a fourth web instance is registered, the bastion (no longer declared) terminated.
        with open(os.path.join(self.sandbox, "schedulerd.yaml"), encoding="utf-8") as handle:
            written = handle.read()
        self.write("schedulerd.yaml", written
                   .replace("{group: web, count: 3", "{group: web, count: 4")
                   .replace("    - {group: bastion, count: 1, type: t3.nano, tags: {Name: bastion}}\n", ""))
        self.daemon.proc.send_signal(signal.SIGHUP)
        added = instance_id("web", 3)
        self.eventually("the reloaded fleet", lambda: self.states([added, BASTION]) == {added: "running", BASTION: "terminated"},
                        within=20, progress=lambda: self.states([BASTION]))
        self.assertEqual(self.states(WEB), {WEB[0]: "stopped", WEB[1]: "running", WEB[2]: "running"}, "a reload changes no state")
        self.stop_daemon()


if __name__ == "__main__":
    unittest.main()

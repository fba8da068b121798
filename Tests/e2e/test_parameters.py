#!/usr/bin/env python3
"""End to end: the Parameter Store of the real `schedulerd serve`, driven by the real `aws` CLI
and boto3 with SigV4-signed requests.

1. The aws CLI: String, StringList and SecureString parameters (the default key and a
   configured customer key by alias), overwrite and AWS's ParameterAlreadyExists text,
   selectors, labels, history with the caller's ARN, by-path listing, describe filters, tags,
   deletes, a readonly key refused writes; after SIGTERM, the secret is in no file of the data
   directory and nowhere in the daemon's log; `schedulerd parameters rotate-key`, and after a
   restart the value still decrypts and is resealed under the new master key.
2. boto3 on simulated time: paginators, GetParameters' InvalidParameters, Parameter Store Change
   events routed by a rule to a command target, and an Expiration policy carried out on the
   daemon's clock (the parameter deleted, a Parameter Store Policy Action delivered).

Usage: scripts/e2e.sh [BINARY]  (or SCHEDULERD_BIN=... python3 Tests/e2e/test_parameters.py -v)
"""

import datetime as dt
import json
import os
import stat
import subprocess
import unittest

from harness import ACCOUNT, BINARY, DaemonTestCase

SECRET = "e2e-correct-horse-battery-staple"
KEYS = "parameters:\n  kms_keys:\n    - key_id: 1234abcd-12ab-34cd-56ef-1234567890ab\n      aliases: [alias/e2e-app]\n"


def recorder_arn(path):
    """A command target ARN whose program appends its stdin and a newline to `path`, in one
    write: deliveries run side by side, and two appends each would interleave their lines."""
    script = 't="$(mktemp)"; { cat; echo; } > "$t"; cat "$t" >> "$1"; rm -f "$t"'
    return "arn:schedulerd:command:::" + json.dumps(["/bin/sh", "-c", script, "recorder", path])


class ParameterStore(DaemonTestCase):
    maxDiff = None

    def test_1_cli(self):
        self.start_daemon(config=KEYS)
        created = self.aws("ssm", "put-parameter", "--name", "/e2e/db/url", "--value", "postgres://db:5432/app", "--type", "String",
                           "--description", "database URL", "--tags", "Key=team,Value=ops")
        self.assertEqual(created, {"Version": 1, "Tier": "Standard"})
        status, stderr = self.aws("ssm", "put-parameter", "--name", "/e2e/db/url", "--value", "x", "--type", "String", expect_ok=False)
        self.assertNotEqual(status, 0)
        self.assertIn("An error occurred (ParameterAlreadyExists) when calling the PutParameter operation: The parameter already exists. "
                      "To overwrite this value, set the overwrite option in the request to true.", stderr)
        self.assertEqual(self.aws("ssm", "put-parameter", "--name", "/e2e/db/url", "--value", "postgres://db2:5432/app", "--overwrite")["Version"], 2)
        self.aws("ssm", "put-parameter", "--name", "/e2e/db/password", "--value", SECRET, "--type", "SecureString")
        self.aws("ssm", "put-parameter", "--name", "/e2e/app/token", "--value", SECRET + "-app", "--type", "SecureString",
                 "--key-id", "alias/e2e-app")
        self.aws("ssm", "put-parameter", "--name", "/e2e/app/hosts", "--value", "a,b,c", "--type", "StringList")
        status, stderr = self.aws("ssm", "put-parameter", "--name", "/e2e/x", "--value", "v", "--type", "SecureString",
                                  "--key-id", "alias/unknown", expect_ok=False)
        self.assertIn("InvalidKeyId", stderr)

        url = self.aws("ssm", "get-parameter", "--name", "/e2e/db/url")["Parameter"]
        self.assertEqual(sorted(url), ["ARN", "DataType", "LastModifiedDate", "Name", "Type", "Value", "Version"])
        self.assertEqual(url["ARN"], f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/e2e/db/url")
        self.assertEqual((url["Value"], url["Version"], url["DataType"]), ("postgres://db2:5432/app", 2, "text"))
        hidden = self.aws("ssm", "get-parameter", "--name", "/e2e/db/password")["Parameter"]["Value"]
        self.assertNotIn(SECRET, hidden)
        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/e2e/db/password", "--with-decryption")["Parameter"]["Value"], SECRET)
        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/e2e/app/token", "--with-decryption")["Parameter"]["Value"],
                         SECRET + "-app")
        first = self.aws("ssm", "get-parameter", "--name", "/e2e/db/url:1")["Parameter"]
        self.assertEqual((first["Value"], first["Selector"], first["Name"]), ("postgres://db:5432/app", ":1", "/e2e/db/url"))
        status, stderr = self.aws("ssm", "get-parameter", "--name", "/e2e/none", expect_ok=False)
        self.assertIn("An error occurred (ParameterNotFound) when calling the GetParameter operation:", stderr)

        labelled = self.aws("ssm", "label-parameter-version", "--name", "/e2e/db/url", "--parameter-version", "1", "--labels", "stable", "2bad")
        self.assertEqual(labelled, {"InvalidLabels": ["2bad"], "ParameterVersion": 1})
        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/e2e/db/url:stable")["Parameter"]["Version"], 1)
        history = self.aws("ssm", "get-parameter-history", "--name", "/e2e/db/url")["Parameters"]
        self.assertEqual([(h["Version"], h["Labels"]) for h in history], [(1, ["stable"]), (2, [])])
        self.assertEqual({h["LastModifiedUser"] for h in history}, {f"arn:aws:iam::{ACCOUNT}:user/e2e-admin"})
        self.assertEqual(history[0]["Description"], "database URL")

        by_path = self.aws("ssm", "get-parameters-by-path", "--path", "/e2e", "--recursive", "--with-decryption")["Parameters"]
        self.assertEqual(sorted(p["Name"] for p in by_path), ["/e2e/app/hosts", "/e2e/app/token", "/e2e/db/password", "/e2e/db/url"])
        one_level = self.aws("ssm", "get-parameters-by-path", "--path", "/e2e/db")["Parameters"]
        self.assertEqual(sorted(p["Name"] for p in one_level), ["/e2e/db/password", "/e2e/db/url"])
        secure = self.aws("ssm", "describe-parameters", "--parameter-filters", "Key=Type,Values=SecureString")["Parameters"]
        self.assertEqual({(p["Name"], p["KeyId"]) for p in secure}, {("/e2e/db/password", "alias/aws/ssm"), ("/e2e/app/token", "alias/e2e-app")})
        tagged = self.aws("ssm", "describe-parameters", "--parameter-filters", "Key=tag:team,Values=ops")["Parameters"]
        self.assertEqual([p["Name"] for p in tagged], ["/e2e/db/url"])

        self.aws("ssm", "add-tags-to-resource", "--resource-type", "Parameter", "--resource-id", "/e2e/db/url", "--tags", "Key=env,Value=prod")
        self.aws("ssm", "remove-tags-from-resource", "--resource-type", "Parameter", "--resource-id", "/e2e/db/url", "--tag-keys", "team")
        self.assertEqual(self.aws("ssm", "list-tags-for-resource", "--resource-type", "Parameter", "--resource-id", "/e2e/db/url")["TagList"],
                         [{"Key": "env", "Value": "prod"}])

        # A readonly key reads (and decrypts: readonly is by operation name) but may not write.
        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/e2e/db/url", key=self.readonly)["Parameter"]["Version"], 2)
        status, stderr = self.aws("ssm", "put-parameter", "--name", "/e2e/ro", "--value", "v", "--type", "String", key=self.readonly,
                                  expect_ok=False)
        self.assertIn("AccessDeniedException", stderr)

        self.aws("ssm", "delete-parameter", "--name", "/e2e/app/hosts")
        deleted = self.aws("ssm", "delete-parameters", "--names", "/e2e/app/token", "/e2e/missing")
        self.assertEqual(deleted, {"DeletedParameters": ["/e2e/app/token"], "InvalidParameters": ["/e2e/missing"]})
        self.stop_daemon()

        # The secret is in no byte the daemon wrote, and its master keys are owner-only.
        key_file = os.path.join(self.data, "parameters.key")
        self.assertEqual(stat.S_IMODE(os.stat(key_file).st_mode), 0o600)
        for name in os.listdir(self.data):
            with open(os.path.join(self.data, name), "rb") as handle:
                self.assertNotIn(SECRET.encode(), handle.read(), f"the secret is in {name}")
        self.assertNotIn(SECRET, self.daemon.stderr())
        self.assertNotIn(SECRET, "\n".join(self.daemon.stdout_lines))

        # A new master key version; after a restart the stored value still opens, and reading it
        # with decryption reseals it under the new version (its ciphertext changes).
        rotated = self.run_binary("parameters", "rotate-key", "--data-dir", self.data)
        self.assertIn("master key version 2 added", rotated)
        self.assertEqual(stat.S_IMODE(os.stat(key_file).st_mode), 0o600)
        self.start_daemon(config=KEYS)
        sealed = self.aws("ssm", "get-parameter", "--name", "/e2e/db/password")["Parameter"]["Value"]
        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/e2e/db/password", "--with-decryption")["Parameter"]["Value"], SECRET)
        resealed = self.aws("ssm", "get-parameter", "--name", "/e2e/db/password")["Parameter"]["Value"]
        self.assertNotEqual(sealed, resealed)
        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/e2e/db/password", "--with-decryption")["Parameter"]["Value"], SECRET)
        self.stop_daemon()

        # Without its key file the daemon refuses to start rather than make a new key that
        # would leave the stored SecureStrings unreadable.
        os.rename(key_file, key_file + ".away")
        refused = subprocess.run([BINARY, "serve", "--config", os.path.join(self.sandbox, "schedulerd.yaml")], capture_output=True,
                                 text=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn(f"the Parameter Store key file {key_file} is missing, but the database holds SecureString values", refused.stderr)
        self.assertFalse(os.path.exists(key_file))

    def test_2_boto3_events_and_policies(self):
        # 60 simulated seconds a real second: an expiration 10 simulated minutes ahead comes ~10 s later.
        start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        self.start_daemon(extra=["--clock-speed", "60", "--clock-start", start.strftime("%Y-%m-%dT%H:%M:%SZ")])
        ssm = self.client("ssm")
        events = self.client("events")
        changes = os.path.join(self.sandbox, "changes.jsonl")
        actions = os.path.join(self.sandbox, "actions.jsonl")
        events.put_rule(Name="parameter-changes", EventPattern=json.dumps({"source": ["aws.ssm"], "detail-type": ["Parameter Store Change"]}))
        events.put_targets(Rule="parameter-changes", Targets=[{"Id": "record", "Arn": recorder_arn(changes), "InputPath": "$.detail"}])
        events.put_rule(Name="policy-actions", EventPattern=json.dumps({"source": ["aws.ssm"], "detail-type": ["Parameter Store Policy Action"]}))
        events.put_targets(Rule="policy-actions", Targets=[{"Id": "record", "Arn": recorder_arn(actions), "InputPath": "$.detail"}])

        for index in range(5):
            ssm.put_parameter(Name=f"/paged/p{index}", Value=f"v{index}", Type="String")
        pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/paged", PaginationConfig={"PageSize": 2})
        sizes = [len(page["Parameters"]) for page in pages]
        self.assertEqual(sizes, [2, 2, 1])
        described = [p["Name"] for page in ssm.get_paginator("describe_parameters").paginate(PaginationConfig={"PageSize": 2})
                     for p in page["Parameters"]]
        self.assertEqual(described, [f"/paged/p{i}" for i in range(5)])
        got = ssm.get_parameters(Names=["/paged/p0", "/paged/none", "/paged/p1:7"])
        self.assertEqual([p["Name"] for p in got["Parameters"]], ["/paged/p0"])
        self.assertEqual(got["InvalidParameters"], ["/paged/none", "/paged/p1:7"])
        self.assertClientError("ParameterVersionNotFound", ssm.get_parameter, Name="/paged/p1:7")
        self.assertClientError("HierarchyLevelLimitExceededException", ssm.put_parameter,
                               Name="/" + "/".join(f"l{i}" for i in range(16)), Value="v", Type="String")
        self.assertClientError("ValidationException", ssm.put_parameter, Name="/ssm/reserved", Value="v", Type="String")

        now = self.simulated_now(start)
        expires = now + dt.timedelta(minutes=10)
        policies = json.dumps([{"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": expires.strftime("%Y-%m-%dT%H:%M:%S.000Z")}}])
        written = ssm.put_parameter(Name="/temp/session", Value="short-lived", Type="String", Tier="Advanced", Policies=policies)
        self.assertEqual(written["Tier"], "Advanced")
        policy = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/temp/session"]}])["Parameters"][0]["Policies"]
        self.assertEqual([(p["PolicyType"], p["PolicyStatus"]) for p in policy], [("Expiration", "Pending")])

        def expired():
            try:
                ssm.get_parameter(Name="/temp/session")
                return False
            except ssm.exceptions.ParameterNotFound:
                return True
        self.eventually("the parameter to expire", expired, within=60)
        self.assertGreaterEqual(self.simulated_now(start), expires)
        recorded = self.eventually("the policy action delivered", lambda: self.read_json_lines(actions), within=30)
        self.assertEqual(recorded[0]["policy-type"], "Expiration")
        self.assertEqual(recorded[0]["parameter-name"], "/temp/session")
        self.assertEqual(recorded[0]["action-status"], "Success")

        def all_changes():
            lines = self.read_json_lines(changes)
            return lines if len(lines) >= 7 else None
        seen = self.eventually("seven Parameter Store Change deliveries", all_changes, within=30)
        self.assertEqual([(c["operation"], c["name"]) for c in seen if c["name"] == "/temp/session"],
                         [("Create", "/temp/session"), ("Delete", "/temp/session")])
        self.assertEqual(sum(1 for c in seen if c["operation"] == "Create"), 6)
        self.stop_daemon()

    def simulated_now(self, start):
        """The daemon's simulated time, from its /healthz."""
        import urllib.request
        with urllib.request.urlopen(self.daemon.endpoint + "/healthz", timeout=10) as reply:
            text = json.loads(reply.read())["time"]
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)

    @staticmethod
    def read_json_lines(path):
        try:
            with open(path, encoding="utf-8") as handle:
                return [json.loads(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []


if __name__ == "__main__":
    unittest.main()

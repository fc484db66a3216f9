"""Stack files: `spool apply` and `spool destroy` against the real server, checked through
boto3 (SQS, IAM, Lambda, Secrets Manager): plan, apply, re-apply is a no-op, a change, a
removal, destroy, bad files with line and column, a failing apply undone, resources outside
the stack refused unless adopted, and the access key a stack makes working with its policy."""

import json
import os
import subprocess
import textwrap

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import support
from support import REGION, unique_name


def spool(endpoint, *args, check=True):
    env = dict(os.environ, SPOOL_ENDPOINT=endpoint, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test")
    r = subprocess.run([support.spool_binary(), *args], env=env, capture_output=True, text=True,
                       timeout=120)
    if check:
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r


def client(service, endpoint, key="test", secret="test"):
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


class Stack:
    """A stack file in a temporary directory, with unique names for everything it declares."""

    def __init__(self, tmp_path, endpoint):
        self.dir = tmp_path
        self.endpoint = endpoint
        self.name = unique_name("stk")
        self.queue = self.name + "-q"
        self.dlq = self.name + "-dlq"
        self.function = self.name + "-fn"
        self.user = self.name + "-web"
        self.key_secret = self.name + "/web-key"
        (tmp_path / "worker").mkdir()
        (tmp_path / "worker" / "index.js").write_text(
            "exports.handler = async (event) => ({ records: (event.Records || []).length });\n")
        self.path = tmp_path / "spool.toml"

    def write(self, timeout=30, mapping=True, extra="", policy=None):
        policy = policy or json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
             "Resource": "arn:aws:sqs:*:*:" + self.queue}]})
        text = textwrap.dedent("""\
            stack = "{s.name}"

            [queues.{s.queue}]
            visibility_timeout = 120
            dead_letter = {{ queue = "{s.dlq}", max_receive_count = 3 }}

            [queues.{s.dlq}]
            message_retention_seconds = 86400

            [functions.{s.function}]
            runtime = "nodejs20.x"
            handler = "index.handler"
            code = "worker"
            timeout = {timeout}
            environment = {{ STAGE = "test" }}

            [users.{s.user}]
            policies.send = '{policy}'
            access_key = {{ secret = "{s.key_secret}" }}
            """).format(s=self, timeout=timeout, policy=policy)
        if mapping:
            text += textwrap.dedent("""
                [[mappings]]
                queue = "{s.queue}"
                function = "{s.function}"
                batch_size = 5
                report_batch_item_failures = true
                """).format(s=self)
        self.path.write_text(text + extra)

    def apply(self, *flags, check=True):
        return spool(self.endpoint, "apply", str(self.path), *flags, check=check)

    def destroy(self, *flags, check=True):
        return spool(self.endpoint, "destroy", str(self.path), *flags, check=check)


@pytest.fixture
def stack(tmp_path, endpoint):
    s = Stack(tmp_path, endpoint)
    yield s
    spool(endpoint, "destroy", str(s.path), check=False)


def queue_url(sqs, name):
    try:
        return sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError:
        return None


def test_apply_creates_everything_and_reapplying_changes_nothing(stack, endpoint, sqs):
    stack.write()
    planned = stack.apply("--plan")
    assert "Plan: 5 to create, 0 to change, 0 to delete." in planned.stdout, planned.stdout
    assert queue_url(sqs, stack.queue) is None, "--plan changes nothing"

    applied = stack.apply()
    assert "+ queue " + stack.dlq in applied.stdout
    assert "Applied." in applied.stdout
    # The access key is not printed.
    secrets = client("secretsmanager", endpoint)
    key = json.loads(secrets.get_secret_value(SecretId=stack.key_secret)["SecretString"])
    assert key["SecretAccessKey"] not in applied.stdout

    url = queue_url(sqs, stack.queue)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "120"
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith(":" + stack.dlq)
    assert int(redrive["maxReceiveCount"]) == 3
    lam = client("lambda", endpoint)
    f = lam.get_function(FunctionName=stack.function)["Configuration"]
    assert (f["Runtime"], f["Timeout"], f["Environment"]["Variables"]) == \
        ("nodejs20.x", 30, {"STAGE": "test"})
    mappings = lam.list_event_source_mappings(FunctionName=stack.function)["EventSourceMappings"]
    assert [m["BatchSize"] for m in mappings] == [5]
    iam = client("iam", endpoint)
    assert iam.list_user_policies(UserName=stack.user)["PolicyNames"] == ["send"]

    again = stack.apply()
    assert "is up to date: nothing to do" in again.stdout, again.stdout


def test_the_stacks_key_can_do_what_its_policy_allows(stack, endpoint, sqs):
    stack.write(mapping=False)
    stack.apply()
    secrets = client("secretsmanager", endpoint)
    key = json.loads(secrets.get_secret_value(SecretId=stack.key_secret)["SecretString"])
    app = client("sqs", endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    url = app.get_queue_url(QueueName=stack.queue)["QueueUrl"]
    app.send_message(QueueUrl=url, MessageBody="order")
    with pytest.raises(ClientError) as e:
        app.receive_message(QueueUrl=url)
    assert e.value.response["Error"]["Code"] in ("AccessDenied", "AccessDeniedException")


def test_changes_and_removals_are_planned_and_applied(stack, endpoint):
    stack.write()
    stack.apply()
    lam = client("lambda", endpoint)
    first_key = json.loads(client("secretsmanager", endpoint).get_secret_value(
        SecretId=stack.key_secret)["SecretString"])["AccessKeyId"]
    stack.write(timeout=60, mapping=False)
    planned = stack.apply("--plan")
    assert "~ function %s: Timeout 30 -> 60" % stack.function in planned.stdout, planned.stdout
    assert "- mapping %s -> %s" % (stack.queue, stack.function) in planned.stdout
    assert "Plan: 0 to create, 1 to change, 1 to delete." in planned.stdout
    stack.apply()
    assert lam.get_function(FunctionName=stack.function)["Configuration"]["Timeout"] == 60
    assert lam.list_event_source_mappings(
        FunctionName=stack.function)["EventSourceMappings"] == []
    # New code is uploaded; the key is kept.
    (stack.dir / "worker" / "index.js").write_text("exports.handler = async () => 'v2';\n")
    planned = stack.apply()
    assert "code " in planned.stdout, planned.stdout
    r = lam.invoke(FunctionName=stack.function, Payload=b"{}")
    assert json.loads(r["Payload"].read()) == "v2"
    same_key = json.loads(client("secretsmanager", endpoint).get_secret_value(
        SecretId=stack.key_secret)["SecretString"])["AccessKeyId"]
    assert same_key == first_key


def test_destroy_removes_what_the_stack_made(stack, endpoint, sqs):
    stack.write()
    stack.apply()
    destroyed = stack.destroy()
    assert "Destroyed." in destroyed.stdout, destroyed.stdout
    assert queue_url(sqs, stack.queue) is None and queue_url(sqs, stack.dlq) is None
    with pytest.raises(ClientError):
        client("lambda", endpoint).get_function(FunctionName=stack.function)
    with pytest.raises(ClientError):
        client("iam", endpoint).get_user(UserName=stack.user)
    secrets = client("secretsmanager", endpoint)
    for name in (stack.key_secret, "spool-stack/" + stack.name):  # deleted at once, no window
        with pytest.raises(ClientError) as e:
            secrets.describe_secret(SecretId=name)
        assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert "nothing to do" in stack.destroy().stdout


def test_a_bad_file_is_refused_with_line_and_column(stack, endpoint, sqs):
    stack.write(extra="\n[queues.extra]\nvisiblity_timeout = 3\n")
    r = stack.apply(check=False)
    assert r.returncode == 1
    lines = stack.path.read_text().splitlines()
    line = lines.index("visiblity_timeout = 3") + 1
    assert "spool.toml:%d:1: unknown key 'visiblity_timeout' in queue extra" % line in r.stderr, \
        r.stderr
    assert queue_url(sqs, stack.queue) is None, "nothing asked of the server"


def test_a_failing_apply_is_undone(stack, endpoint, sqs):
    # Valid JSON that IAM refuses (MalformedPolicyDocument): the user's step fails after the
    # secrets and queues were made, and they are removed again.
    stack.write(policy='{"Statement": "not a list"}')
    r = stack.apply(check=False)
    assert r.returncode == 1, r.stdout
    assert "error: user %s" % stack.user in r.stdout, r.stdout
    assert "rolled back" in r.stdout
    assert queue_url(sqs, stack.queue) is None and queue_url(sqs, stack.dlq) is None
    with pytest.raises(ClientError):
        client("iam", endpoint).get_user(UserName=stack.user)
    with pytest.raises(ClientError):
        client("secretsmanager", endpoint).get_secret_value(SecretId="spool-stack/" + stack.name)


def test_resources_outside_the_stack_are_refused_unless_adopted(stack, endpoint, sqs):
    sqs.create_queue(QueueName=stack.dlq)
    stack.write()
    r = stack.apply(check=False)
    assert r.returncode == 1
    assert "queue %s exists and is not part of stack %s" % (stack.dlq, stack.name) in r.stdout
    assert "Nothing was changed." in r.stdout
    assert queue_url(sqs, stack.queue) is None
    adopted = stack.apply("--adopt")
    assert "Applied." in adopted.stdout
    assert queue_url(sqs, stack.queue) is not None
    assert "nothing to do" in stack.apply().stdout


def test_adopting_resources_as_they_are_records_them(stack, endpoint, sqs):
    stack.write(mapping=False)
    stack.apply()
    # The record goes (as if the stack had been made elsewhere): everything exists unowned.
    client("secretsmanager", endpoint).delete_secret(
        SecretId="spool-stack/" + stack.name, ForceDeleteWithoutRecovery=True)
    assert stack.apply(check=False).returncode == 1
    adopted = stack.apply("--adopt")
    assert "took over" in adopted.stdout or "Applied." in adopted.stdout, adopted.stdout
    assert "nothing to do" in stack.apply().stdout
    stack.destroy()
    assert queue_url(sqs, stack.queue) is None

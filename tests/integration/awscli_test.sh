#!/usr/bin/env bash
# A queue's life through Debian's AWS CLI (Query protocol) against a real `spool serve`:
# create-queue -> get-queue-url -> send-message -> receive-message -> delete-message ->
# get-queue-attributes -> list-queues -> list-queue-tags -> delete-queue, plus two errors;
# users, keys and policies through aws iam; functions (from a directory with `spool functions
# create`, from a zip archive with aws lambda create-function --zip-file), Invoke and event
# source mappings through aws lambda; a function's
# logs through aws logs (describe-log-groups, tail, filter-log-events); secrets through aws
# secretsmanager (create, get, put, describe, list, update, tags, delete, restore, errors).
# Needs SPOOL_BIN (absolute path of the spool binary). Outputs are checked with python3's json.
set -euo pipefail

AWS=/usr/bin/aws
PY=/usr/bin/python3

if [[ -z "${SPOOL_BIN:-}" || ! -x "${SPOOL_BIN}" ]]; then
  echo "awscli_test: SPOOL_BIN must point at the spool binary" >&2
  exit 2
fi
if [[ ! -x "$AWS" ]]; then
  echo "awscli_test: $AWS not found (Debian package awscli)" >&2
  exit 2
fi

# Dummy credentials; never read real AWS configuration or a metadata service.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SQS || true

WORK=$(mktemp -d "${TMPDIR:-/tmp}/spool-awscli.XXXXXX")
SERVER_PID=""
STEP="starting the server"
PASSED=0

finish() {
  local code=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "awscli_test: server did not stop within 10 s of SIGTERM; killing it" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
      code=1
    fi
  fi
  if [[ $code -ne 0 ]]; then
    echo "awscli_test: FAILED at step: $STEP" >&2
    for f in "$WORK"/out.json "$WORK"/err.txt; do
      [[ -s "$f" ]] && { echo "--- $(basename "$f")" >&2; tail -c 4000 "$f" >&2; }
    done
    echo "--- spool serve stderr (last 200 lines)" >&2
    tail -n 200 "$WORK/server.err" >&2 2>/dev/null || true
    echo "awscli: $PASSED passed, 1 failed"
  else
    echo "awscli: $PASSED passed, 0 failed"
  fi
  rm -rf "$WORK"
  exit $code
}
trap finish EXIT

# --- seed a function's logs ----------------------------------------------------------------------
# The log store is written before the server starts, in its documented on-disk format
# (src/logs/README.md: DATA_DIR/logs/<function>/<first sequence>.log, one line per event,
# "<timestamp ms>\t<ingestion ms>\t<stream>\t<message>" with \\, \n, \r and \t escaped). That is
# what the real server reads, so aws logs sees exactly what it would after functions ran.
LOG_FN="cli-logs"
LOG_STREAM='2026/01/31/[$LATEST]0123456789abcdef0123456789abcdef'
"$PY" - "$WORK/spool-data/logs/$LOG_FN" "$LOG_STREAM" <<'PYEOF'
import os, sys, time
directory, stream = sys.argv[1], sys.argv[2]
now = int(time.time() * 1000)
events = [
    (now - 2 * 3600 * 1000, "an old line, outside --since 1h"),
    (now - 600000, "START RequestId: 5e1c0d5a-0000-4000-8000-000000000001 Version: $LATEST"),
    (now - 599000, "2026-01-31T10:00:00.000Z\t5e1c0d5a\tINFO\tprocessing order 42"),
    (now - 598000, '{"level":"ERROR","message":"payment refused","order":42}'),
    (now - 597000, "END RequestId: 5e1c0d5a-0000-4000-8000-000000000001"),
]
os.makedirs(directory)
with open(os.path.join(directory, "%020d.log" % 1), "w") as f:
    for ts, message in events:
        escaped = message.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        f.write("%d\t%d\t%s\t%s\n" % (ts, ts + 2, stream, escaped))
PYEOF

# --- start the server ---------------------------------------------------------------------------
# Hermetic: a fresh working directory (the default data directory lives there) and no SPOOL_*
# settings from the caller's environment except the log level.
BIN="$SPOOL_BIN"
: >"$WORK/server.out"
: >"$WORK/server.err"
(
  cd "$WORK"
  for v in $(compgen -e); do
    case "$v" in SPOOL_LOG_LEVEL) ;; SPOOL_*) unset "$v" ;; esac
  done
  export SPOOL_ROOT_ACCESS_KEY_ID=test SPOOL_ROOT_SECRET_ACCESS_KEY=test  # the CLI's key
  exec "$BIN" serve --listen 127.0.0.1:0 >"$WORK/server.out" 2>"$WORK/server.err"
) &
SERVER_PID=$!
ENDPOINT=""
for _ in $(seq 1 200); do
  ENDPOINT=$(sed -n -E 's/.*listening on (http:\/\/[^[:space:]]+).*/\1/p' "$WORK/server.out" | head -n1 || true)
  [[ -n "$ENDPOINT" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "spool serve exited early" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$ENDPOINT" ]] || { echo "spool serve printed no 'listening on' line within 20 s" >&2; exit 1; }
ENDPOINT=${ENDPOINT%/}
echo "awscli_test: server at $ENDPOINT"

# aws ARGS... : runs the CLI against the server, JSON output to $WORK/out.json.
aws_sqs() {
  timeout 60 "$AWS" --endpoint-url "$ENDPOINT" --region us-east-1 --output json sqs "$@" \
    >"$WORK/out.json" 2>"$WORK/err.txt"
}
# jq-like access with python: jget 'd["QueueUrl"]'
jget() {
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print(v if isinstance(v,str) else json.dumps(v))' \
    "$WORK/out.json" "$1"
}
expect_eq() { # expect_eq WHAT GOT WANT
  if [[ "$2" != "$3" ]]; then
    echo "$1: got [$2], want [$3]" >&2
    return 1
  fi
}
ok() { PASSED=$((PASSED + 1)); echo "  ok: $STEP"; }

Q="cli-$$-$RANDOM"
WANT_URL="$ENDPOINT/000000000000/$Q"

STEP="create-queue with attributes and tags"
aws_sqs create-queue --queue-name "$Q" --attributes VisibilityTimeout=45,DelaySeconds=0 --tags k1=v1,k2=v2
expect_eq "QueueUrl" "$(jget 'd["QueueUrl"]')" "$WANT_URL"
ok

STEP="create-queue again with the same attributes is idempotent"
aws_sqs create-queue --queue-name "$Q" --attributes VisibilityTimeout=45
expect_eq "QueueUrl" "$(jget 'd["QueueUrl"]')" "$WANT_URL"
ok

STEP="get-queue-url"
aws_sqs get-queue-url --queue-name "$Q"
expect_eq "QueueUrl" "$(jget 'd["QueueUrl"]')" "$WANT_URL"
ok

STEP="send-message with message attributes"
ATTRS='{"a":{"DataType":"String","StringValue":"x y&z"},"n":{"DataType":"Number","StringValue":"42"},"b":{"DataType":"Binary","BinaryValue":"AAEC"}}'
aws_sqs send-message --queue-url "$WANT_URL" --message-body "hello" --message-attributes "$ATTRS"
expect_eq "MD5OfMessageBody" "$(jget 'd["MD5OfMessageBody"]')" "5d41402abc4b2a76b9719d911017c592"
# MD5OfMessageAttributes computed here, independently (reference section 8.2).
WANT_ATTR_MD5=$("$PY" - <<'EOF'
import base64, hashlib, struct
attrs = {"a": ("String", 1, b"x y&z"), "n": ("Number", 1, b"42"),
         "b": ("Binary", 2, base64.b64decode("AAEC"))}
buf = b""
for name in sorted(attrs):
    dtype, transport, value = attrs[name]
    for part in (name.encode(), dtype.encode()):
        buf += struct.pack(">I", len(part)) + part
    buf += bytes([transport]) + struct.pack(">I", len(value)) + value
print(hashlib.md5(buf).hexdigest())
EOF
)
expect_eq "MD5OfMessageAttributes" "$(jget 'd["MD5OfMessageAttributes"]')" "$WANT_ATTR_MD5"
MESSAGE_ID=$(jget 'd["MessageId"]')
[[ -n "$MESSAGE_ID" ]]
ok

STEP="receive-message with all attributes"
aws_sqs receive-message --queue-url "$WANT_URL" --attribute-names All --message-attribute-names All \
  --max-number-of-messages 10 --wait-time-seconds 2
expect_eq "message count" "$(jget 'len(d["Messages"])')" "1"
expect_eq "MessageId" "$(jget 'd["Messages"][0]["MessageId"]')" "$MESSAGE_ID"
expect_eq "Body" "$(jget 'd["Messages"][0]["Body"]')" "hello"
expect_eq "MD5OfBody" "$(jget 'd["Messages"][0]["MD5OfBody"]')" "5d41402abc4b2a76b9719d911017c592"
expect_eq "MD5OfMessageAttributes" "$(jget 'd["Messages"][0]["MD5OfMessageAttributes"]')" "$WANT_ATTR_MD5"
expect_eq "attribute a" "$(jget 'd["Messages"][0]["MessageAttributes"]["a"]["StringValue"]')" "x y&z"
expect_eq "attribute n" "$(jget 'd["Messages"][0]["MessageAttributes"]["n"]["StringValue"]')" "42"
expect_eq "attribute b" "$(jget 'd["Messages"][0]["MessageAttributes"]["b"]["BinaryValue"]')" "AAEC"
expect_eq "ApproximateReceiveCount" "$(jget 'd["Messages"][0]["Attributes"]["ApproximateReceiveCount"]')" "1"
expect_eq "SentTimestamp is ms" "$(jget 'str(len(d["Messages"][0]["Attributes"]["SentTimestamp"]))')" "13"
HANDLE=$(jget 'd["Messages"][0]["ReceiptHandle"]')
ok

STEP="get-queue-attributes while the message is in flight"
aws_sqs get-queue-attributes --queue-url "$WANT_URL" --attribute-names All
expect_eq "VisibilityTimeout" "$(jget 'd["Attributes"]["VisibilityTimeout"]')" "45"
expect_eq "ApproximateNumberOfMessages" "$(jget 'd["Attributes"]["ApproximateNumberOfMessages"]')" "0"
expect_eq "ApproximateNumberOfMessagesNotVisible" "$(jget 'd["Attributes"]["ApproximateNumberOfMessagesNotVisible"]')" "1"
expect_eq "QueueArn" "$(jget 'd["Attributes"]["QueueArn"]')" "arn:aws:sqs:us-east-1:000000000000:$Q"
ok

STEP="delete-message"
aws_sqs delete-message --queue-url "$WANT_URL" --receipt-handle "$HANDLE"
ok

STEP="get-queue-attributes after the delete"
aws_sqs get-queue-attributes --queue-url "$WANT_URL" \
  --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible
expect_eq "attributes" "$(jget 'sorted(d["Attributes"].items())')" \
  '[["ApproximateNumberOfMessages", "0"], ["ApproximateNumberOfMessagesNotVisible", "0"]]'
ok

STEP="receive-message on the empty queue"
aws_sqs receive-message --queue-url "$WANT_URL" --wait-time-seconds 1
expect_eq "messages" "$("$PY" -c 'import json,sys; t=open(sys.argv[1]).read().strip(); print(len(json.loads(t).get("Messages", [])) if t else 0)' "$WORK/out.json")" "0"
ok

STEP="list-queues with a prefix"
aws_sqs list-queues --queue-name-prefix "$Q"
expect_eq "QueueUrls" "$(jget 'd["QueueUrls"]')" "[\"$WANT_URL\"]"
ok

STEP="list-queue-tags"
aws_sqs list-queue-tags --queue-url "$WANT_URL"
expect_eq "Tags" "$(jget 'sorted(d["Tags"].items())')" '[["k1", "v1"], ["k2", "v2"]]'
ok

STEP="receive-message with an out-of-range MaxNumberOfMessages fails"
if aws_sqs receive-message --queue-url "$WANT_URL" --max-number-of-messages 11; then
  echo "expected an error" >&2
  exit 1
fi
grep -q "InvalidParameterValue" "$WORK/err.txt"
ok

STEP="delete-queue"
aws_sqs delete-queue --queue-url "$WANT_URL"
ok

STEP="get-queue-url after delete-queue fails with NonExistentQueue"
if aws_sqs get-queue-url --queue-name "$Q"; then
  echo "expected an error" >&2
  exit 1
fi
grep -q "NonExistentQueue" "$WORK/err.txt"
ok

STEP="list-queues no longer lists it"
aws_sqs list-queues --queue-name-prefix "$Q"
expect_eq "QueueUrls" "$("$PY" -c 'import json,sys; t=open(sys.argv[1]).read().strip(); print(len(json.loads(t).get("QueueUrls", [])) if t else 0)' "$WORK/out.json")" "0"
ok

# aws iam ARGS... : the IAM API on the same endpoint.
aws_iam() {
  timeout 60 "$AWS" --endpoint-url "$ENDPOINT" --region us-east-1 --output json iam "$@" \
    >"$WORK/out.json" 2>"$WORK/err.txt"
}
U="cli-user-$$-$RANDOM"

STEP="iam create-user, put-user-policy, create-access-key, list-access-keys"
aws_iam create-user --user-name "$U"
expect_eq "Arn" "$(jget 'd["User"]["Arn"]')" "arn:aws:iam::000000000000:user/$U"
aws_iam put-user-policy --user-name "$U" --policy-name send-only --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:000000000000:orders"}]}'
aws_iam create-access-key --user-name "$U"
KEY_ID=$(jget 'd["AccessKey"]["AccessKeyId"]')
aws_iam list-access-keys --user-name "$U"
expect_eq "AccessKeyId" "$(jget 'd["AccessKeyMetadata"][0]["AccessKeyId"]')" "$KEY_ID"
ok

STEP="iam create-policy, attach-user-policy, then delete everything and the user"
aws_iam create-policy --policy-name "P$U" --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}]}'
PARN=$(jget 'd["Policy"]["Arn"]')
aws_iam attach-user-policy --user-name "$U" --policy-arn "$PARN"
if aws_iam delete-user --user-name "$U"; then
  echo "expected DeleteConflict" >&2
  exit 1
fi
grep -q "DeleteConflict" "$WORK/err.txt"
aws_iam detach-user-policy --user-name "$U" --policy-arn "$PARN"
aws_iam delete-user-policy --user-name "$U" --policy-name send-only
aws_iam delete-access-key --user-name "$U" --access-key-id "$KEY_ID"
aws_iam delete-policy --policy-arn "$PARN"
aws_iam delete-user --user-name "$U"
if aws_iam get-user --user-name "$U"; then
  echo "expected NoSuchEntity" >&2
  exit 1
fi
grep -q "NoSuchEntity" "$WORK/err.txt"
ok

STEP="a send-only key made with aws iam can send with aws sqs, and do nothing else"
SQ="cli-orders-$$-$RANDOM"
aws_sqs create-queue --queue-name "$SQ"
SQ_URL="$ENDPOINT/000000000000/$SQ"
OTHER="cli-other-$$-$RANDOM"
aws_sqs create-queue --queue-name "$OTHER"
W="cli-web-$$-$RANDOM"
aws_iam create-user --user-name "$W"
aws_iam put-user-policy --user-name "$W" --policy-name send-orders --policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:000000000000:$SQ\"}]}"
aws_iam create-access-key --user-name "$W"
W_KEY=$(jget 'd["AccessKey"]["AccessKeyId"]')
W_SECRET=$(jget 'd["AccessKey"]["SecretAccessKey"]')
as_web() {
  AWS_ACCESS_KEY_ID="$W_KEY" AWS_SECRET_ACCESS_KEY="$W_SECRET" aws_sqs "$@"
}
as_web send-message --queue-url "$SQ_URL" --message-body "order from the web app"
for denied in "receive-message --queue-url $SQ_URL" "purge-queue --queue-url $SQ_URL" \
    "delete-queue --queue-url $SQ_URL" "send-message --queue-url $ENDPOINT/000000000000/$OTHER --message-body x" \
    "get-queue-attributes --queue-url $SQ_URL --attribute-names All"; do
  # shellcheck disable=SC2086
  if as_web $denied; then
    echo "expected AccessDenied for: $denied" >&2
    exit 1
  fi
  grep -q "AccessDenied" "$WORK/err.txt" || { cat "$WORK/err.txt" >&2; exit 1; }
done
aws_sqs get-queue-attributes --queue-url "$SQ_URL" --attribute-names ApproximateNumberOfMessages
expect_eq "messages" "$(jget 'd["Attributes"]["ApproximateNumberOfMessages"]')" "1"
ok

STEP="requests signed with an unknown key or a wrong secret are refused"
if AWS_ACCESS_KEY_ID=SPAKNOTAKEY000000000 aws_sqs list-queues; then exit 1; fi
grep -q "InvalidClientTokenId" "$WORK/err.txt"
if AWS_SECRET_ACCESS_KEY=wrong aws_sqs list-queues; then exit 1; fi
grep -q "SignatureDoesNotMatch" "$WORK/err.txt"
ok

# aws lambda ARGS... : the Lambda API on the same endpoint.
aws_lambda() {
  timeout 60 "$AWS" --endpoint-url "$ENDPOINT" --region us-east-1 --output json lambda "$@" \
    >"$WORK/out.json" 2>"$WORK/err.txt"
}
F="cli-fn-$$-$RANDOM"
mkdir -p "$WORK/code"

STEP="spool functions create, then aws lambda list-functions and get-function"
SPOOL_ENDPOINT="$ENDPOINT" "$BIN" functions create "$F" --runtime nodejs --handler index.handler \
  --code "$WORK/code" --timeout 10 --env STAGE=awscli >"$WORK/err.txt" 2>&1
aws_lambda list-functions
expect_eq "listed" "$(jget '[f["Runtime"] for f in d["Functions"] if f["FunctionName"] == "'"$F"'"]')" '["nodejs"]'
aws_lambda get-function --function-name "$F"
expect_eq "FunctionArn" "$(jget 'd["Configuration"]["FunctionArn"]')" "arn:aws:lambda:us-east-1:000000000000:function:$F"
expect_eq "Environment" "$(jget 'd["Configuration"]["Environment"]["Variables"]')" '{"STAGE": "awscli"}'
expect_eq "Code.Location" "$(jget 'd["Code"]["Location"]')" "$WORK/code"
ok

STEP="aws lambda create-event-source-mapping, list, update, get, delete"
MQ="cli-mapped-$$-$RANDOM"
aws_sqs create-queue --queue-name "$MQ"
MQ_ARN="arn:aws:sqs:us-east-1:000000000000:$MQ"
aws_lambda create-event-source-mapping --function-name "$F" --event-source-arn "$MQ_ARN" \
  --batch-size 5 --function-response-types ReportBatchItemFailures
M_UUID=$(jget 'd["UUID"]')
expect_eq "State" "$(jget 'd["State"]')" "Enabled"
expect_eq "FunctionArn" "$(jget 'd["FunctionArn"]')" "arn:aws:lambda:us-east-1:000000000000:function:$F"
expect_eq "FunctionResponseTypes" "$(jget 'd["FunctionResponseTypes"]')" '["ReportBatchItemFailures"]'
aws_lambda list-event-source-mappings --function-name "$F"
expect_eq "listed" "$(jget '[m["UUID"] for m in d["EventSourceMappings"]]')" "[\"$M_UUID\"]"
aws_lambda update-event-source-mapping --uuid "$M_UUID" --no-enabled --batch-size 8
expect_eq "State" "$(jget 'd["State"]')" "Disabled"
aws_lambda get-event-source-mapping --uuid "$M_UUID"
expect_eq "BatchSize" "$(jget 'd["BatchSize"]')" "8"
aws_lambda delete-event-source-mapping --uuid "$M_UUID"
expect_eq "State" "$(jget 'd["State"]')" "Deleting"
ok

STEP="aws lambda errors: unknown function, visibility timeout shorter than the function's"
if aws_lambda get-function --function-name "missing-$F"; then exit 1; fi
grep -q "ResourceNotFoundException" "$WORK/err.txt"
aws_sqs set-queue-attributes --queue-url "$ENDPOINT/000000000000/$MQ" --attributes VisibilityTimeout=5
if aws_lambda create-event-source-mapping --function-name "$F" --event-source-arn "$MQ_ARN"; then
  exit 1
fi
grep -q "InvalidParameterValueException" "$WORK/err.txt"
grep -q "Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds" "$WORK/err.txt"
aws_lambda delete-function --function-name "$F"
if aws_lambda get-function --function-name "$F"; then exit 1; fi
ok

# aws logs ARGS... : the CloudWatch Logs API on the same endpoint.
aws_logs() {
  timeout 60 "$AWS" --endpoint-url "$ENDPOINT" --region us-east-1 --output json logs "$@" \
    >"$WORK/out.json" 2>"$WORK/err.txt"
}

STEP="aws logs describe-log-groups lists the function's log group"
aws_logs describe-log-groups
expect_eq "logGroupName" "$(jget '[g["logGroupName"] for g in d["logGroups"]]')" "[\"/aws/lambda/$LOG_FN\"]"
expect_eq "arn" "$(jget 'd["logGroups"][0]["arn"]')" "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/$LOG_FN:*"
ok

STEP="aws logs tail --since 1h prints the last hour's events with their stream"
aws_logs tail "/aws/lambda/$LOG_FN" --since 1h
expect_eq "lines" "$(wc -l <"$WORK/out.json")" "4"
expect_eq "streams" "$(cut -d' ' -f2 "$WORK/out.json" | sort -u)" "$LOG_STREAM"
grep -q "INFO	processing order 42" "$WORK/out.json"
if grep -q "an old line" "$WORK/out.json"; then exit 1; fi
ok

STEP="aws logs filter-log-events with a JSON pattern, and an unknown group"
aws_logs filter-log-events --log-group-name "/aws/lambda/$LOG_FN" --filter-pattern '{ $.level = "ERROR" }'
expect_eq "messages" "$(jget '[e["message"] for e in d["events"]]')" '["{\"level\":\"ERROR\",\"message\":\"payment refused\",\"order\":42}"]'
expect_eq "logStreamName" "$(jget 'd["events"][0]["logStreamName"]')" "$LOG_STREAM"
aws_logs filter-log-events --log-group-name "/aws/lambda/$LOG_FN" --filter-pattern '?START ?END'
expect_eq "events" "$(jget 'len(d["events"])')" "2"
if aws_logs filter-log-events --log-group-name /aws/lambda/no-such-function; then exit 1; fi
grep -q "ResourceNotFoundException" "$WORK/err.txt"
ok

# aws secretsmanager ARGS... : the Secrets Manager API on the same endpoint.
aws_sm() {
  timeout 60 "$AWS" --endpoint-url "$ENDPOINT" --region us-east-1 --output json secretsmanager "$@" \
    >"$WORK/out.json" 2>"$WORK/err.txt"
}
SECRET="cli/db-$$"

STEP="aws secretsmanager create-secret, get-secret-value, describe-secret, list-secrets"
printf '{"user":"orders","password":"s3cr3t"}' >"$WORK/secret.json"
aws_sm create-secret --name "$SECRET" --secret-string "file://$WORK/secret.json" \
  --description "orders database" --tags Key=team,Value=web
SECRET_ARN=$(jget 'd["ARN"]')
case "$SECRET_ARN" in
  "arn:aws:secretsmanager:us-east-1:000000000000:secret:$SECRET-"??????) ;;
  *) echo "unexpected ARN $SECRET_ARN" >&2; exit 1 ;;
esac
FIRST_VERSION=$(jget 'd["VersionId"]')
aws_sm get-secret-value --secret-id "$SECRET"
expect_eq "SecretString" "$(jget 'd["SecretString"]')" '{"user":"orders","password":"s3cr3t"}'
expect_eq "VersionStages" "$(jget 'd["VersionStages"]')" '["AWSCURRENT"]'
aws_sm describe-secret --secret-id "$SECRET_ARN"
expect_eq "Description" "$(jget 'd["Description"]')" "orders database"
expect_eq "Tags" "$(jget 'd["Tags"]')" '[{"Key": "team", "Value": "web"}]'
aws_sm list-secrets --filters Key=name,Values="$SECRET"
expect_eq "names" "$(jget '[s["Name"] for s in d["SecretList"]]')" "[\"$SECRET\"]"
ok

STEP="aws secretsmanager put-secret-value moves AWSCURRENT; update-secret; tag-resource"
aws_sm put-secret-value --secret-id "$SECRET" --secret-string 'rotated'
aws_sm get-secret-value --secret-id "$SECRET" --query SecretString
expect_eq "current" "$(jget 'd')" "rotated"
aws_sm get-secret-value --secret-id "$SECRET" --version-stage AWSPREVIOUS
expect_eq "previous" "$(jget 'd["VersionId"]')" "$FIRST_VERSION"
aws_sm update-secret --secret-id "$SECRET" --description "rotated once"
aws_sm tag-resource --secret-id "$SECRET" --tags Key=env,Value=prod
aws_sm untag-resource --secret-id "$SECRET" --tag-keys team
aws_sm describe-secret --secret-id "$SECRET"
expect_eq "Description" "$(jget 'd["Description"]')" "rotated once"
expect_eq "Tags" "$(jget 'd["Tags"]')" '[{"Key": "env", "Value": "prod"}]'
ok

STEP="aws secretsmanager delete-secret with a recovery window, restore-secret, force delete"
aws_sm delete-secret --secret-id "$SECRET" --recovery-window-in-days 7
if aws_sm get-secret-value --secret-id "$SECRET"; then exit 1; fi
grep -q "InvalidRequestException" "$WORK/err.txt"
grep -q "marked for deletion" "$WORK/err.txt"
aws_sm restore-secret --secret-id "$SECRET"
aws_sm get-secret-value --secret-id "$SECRET"
expect_eq "restored" "$(jget 'd["SecretString"]')" "rotated"
aws_sm delete-secret --secret-id "$SECRET" --force-delete-without-recovery
if aws_sm describe-secret --secret-id "$SECRET"; then exit 1; fi
grep -q "ResourceNotFoundException" "$WORK/err.txt"
ok

STEP="aws secretsmanager refuses a bad name, an existing name and both value kinds"
if aws_sm create-secret --name 'bad name!' --secret-string x; then exit 1; fi
grep -q "ValidationException" "$WORK/err.txt"
aws_sm create-secret --name "$SECRET-2" --secret-string x
if aws_sm create-secret --name "$SECRET-2" --secret-string x; then exit 1; fi
grep -q "ResourceExistsException" "$WORK/err.txt"
printf 'raw' >"$WORK/secret.bin"
if aws_sm create-secret --name "$SECRET-3" --secret-string x --secret-binary "fileb://$WORK/secret.bin"; then exit 1; fi
grep -q "InvalidParameterException" "$WORK/err.txt"
ok

STEP="aws lambda create-function --zip-file fileb://, invoke, update-function-code"
ZF="cli-zip-$$-$RANDOM"
"$PY" - "$WORK/fn.zip" "one" <<'PYEOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("index.js", "exports.handler = async (event) => {\n"
               "  for (const r of event.Records || []) console.log('zip-%s got', r.body);\n"
               "  return { version: '%s', echo: event.echo };\n};\n" % (sys.argv[2], sys.argv[2]))
PYEOF
aws_lambda create-function --function-name "$ZF" --runtime nodejs20.x --handler index.handler \
  --role arn:aws:iam::000000000000:role/ignored --zip-file "fileb://$WORK/fn.zip"
expect_eq "CodeSha256" "$(jget 'd["CodeSha256"]')" "$(openssl dgst -sha256 -binary "$WORK/fn.zip" | base64)"
expect_eq "CodeSize" "$(jget 'd["CodeSize"]')" "$(stat -c %s "$WORK/fn.zip")"
timeout 60 "$AWS" --endpoint-url "$ENDPOINT" --region us-east-1 lambda invoke --function-name "$ZF" \
  --cli-binary-format raw-in-base64-out --payload '{"echo": 7}' "$WORK/result.json" \
  >"$WORK/out.json" 2>"$WORK/err.txt"
expect_eq "StatusCode" "$(jget 'd["StatusCode"]')" "200"
expect_eq "result" "$(cat "$WORK/result.json")" '{"version":"one","echo":7}'
"$PY" - "$WORK/fn.zip" "two" <<'PYEOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("index.js", "exports.handler = async (event) => {\n"
               "  for (const r of event.Records || []) console.log('zip-%s got', r.body);\n"
               "  return { version: '%s', echo: event.echo };\n};\n" % (sys.argv[2], sys.argv[2]))
PYEOF
aws_lambda update-function-code --function-name "$ZF" --zip-file "fileb://$WORK/fn.zip"
expect_eq "CodeSha256" "$(jget 'd["CodeSha256"]')" "$(openssl dgst -sha256 -binary "$WORK/fn.zip" | base64)"
ok

STEP="a queue feeds the zip function (create-event-source-mapping), aws logs tail shows it"
ZQ="cli-zipq-$$-$RANDOM"
aws_sqs create-queue --queue-name "$ZQ"
aws_lambda create-event-source-mapping --function-name "$ZF" \
  --event-source-arn "arn:aws:sqs:us-east-1:000000000000:$ZQ" --batch-size 10
aws_sqs send-message --queue-url "$ENDPOINT/000000000000/$ZQ" --message-body "parcel-77"
for _ in $(seq 1 150); do
  aws_logs tail "/aws/lambda/$ZF" --since 1h || true
  grep -q "zip-two got parcel-77" "$WORK/out.json" && break
  sleep 0.2
done
grep -q "zip-two got parcel-77" "$WORK/out.json"
ok

STEP="aws lambda refuses a corrupt zip, an unknown runtime and a mapping to a missing queue"
# (The AWS CLI itself refuses a file that does not end like a zip: this one does, but a byte of
# its compressed data is flipped.)
"$PY" - "$WORK/fn.zip" "$WORK/bad.zip" <<'PYEOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[30 + len("index.js") + 10] ^= 0xFF
open(sys.argv[2], "wb").write(bytes(data))
PYEOF
if aws_lambda create-function --function-name "$ZF-bad" --runtime nodejs20.x \
  --handler index.handler --role arn:aws:iam::000000000000:role/ignored \
  --zip-file "fileb://$WORK/bad.zip"; then exit 1; fi
grep -q "InvalidParameterValueException" "$WORK/err.txt"
grep -q "Could not unzip uploaded file" "$WORK/err.txt"
if aws_lambda create-function --function-name "$ZF-bad" --runtime cobol85 \
  --handler index.handler --role arn:aws:iam::000000000000:role/ignored \
  --zip-file "fileb://$WORK/fn.zip"; then exit 1; fi
grep -q "InvalidParameterValueException" "$WORK/err.txt"
if aws_lambda create-event-source-mapping --function-name "$ZF" \
  --event-source-arn "arn:aws:sqs:us-east-1:000000000000:no-such-queue-$$"; then exit 1; fi
grep -q "InvalidParameterValueException" "$WORK/err.txt"
ok

STEP="server stops with exit code 0 on SIGTERM"
kill -TERM "$SERVER_PID"
for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "server still running 10 s after SIGTERM" >&2
  exit 1
fi
set +e
wait "$SERVER_PID"
rc=$?
set -e
SERVER_PID=""
expect_eq "exit code" "$rc" "0"
ok

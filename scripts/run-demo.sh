#!/usr/bin/env bash
# `make run`: Spool with the orders demo. Starts the broker (which runs the workers), applies
# the demo stack (examples/orders/spool.toml), starts the demo's web app, prints where
# everything is, and stops it all on Ctrl-C.
#
#   scripts/run-demo.sh BUILD_DIR [spool serve flags...]
#
# Environment: SPOOL_PORT (9324), ORDERS_WEB_PORT (3000), SPOOL_DATA_DIR (./spool-data).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${1:?usage: scripts/run-demo.sh BUILD_DIR [spool serve flags...]}
shift
SPOOL="$PWD/$BUILD/src/server/spool"
WEB="$PWD/$BUILD/examples/orders/web/orders-web"
SPOOL_PORT=${SPOOL_PORT:-9324}
WEB_PORT=${ORDERS_WEB_PORT:-3000}
DATA_DIR=${SPOOL_DATA_DIR:-spool-data}
DATA_ABS=$(realpath -m "$DATA_DIR")
mkdir -p "$DATA_ABS"
ENDPOINT="http://127.0.0.1:$SPOOL_PORT"
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/spool-run.XXXXXX")

SERVE_PID=""
WEB_PID=""
TAIL_PID=""
stop() {
  local code=${1:-0}
  trap - INT TERM
  echo
  echo "Stopping..."
  [[ -n "$TAIL_PID" ]] && kill "$TAIL_PID" 2>/dev/null || true
  [[ -n "$WEB_PID" ]] && kill -TERM "$WEB_PID" 2>/dev/null || true
  [[ -n "$SERVE_PID" ]] && kill -TERM "$SERVE_PID" 2>/dev/null || true
  [[ -n "$WEB_PID" ]] && wait "$WEB_PID" 2>/dev/null || true
  [[ -n "$SERVE_PID" ]] && wait "$SERVE_PID" 2>/dev/null || true
  rm -rf "$LOGS"
  echo "Stopped. Queues, messages, functions and keys are kept in $DATA_DIR."
  exit "$code"
}
fail() {
  echo "make run: $*" >&2
  for f in "$LOGS"/*.log; do
    [[ -s "$f" ]] && { echo "--- $(basename "$f")" >&2; tail -n 20 "$f" >&2; }
  done
  stop 1
}
trap stop INT TERM

# The broker, with the workers inside it. Its stderr (structured logs) goes to a file; its
# stdout (the listening line, the first start's root key) is shown.
"$SPOOL" serve --listen "127.0.0.1:$SPOOL_PORT" --data-dir "$DATA_DIR" "$@" \
  > >(tee "$LOGS/serve.out") 2>"$LOGS/serve.log" &
SERVE_PID=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$LOGS/serve.out" 2>/dev/null && break
  kill -0 "$SERVE_PID" 2>/dev/null || fail "spool serve did not start (is port $SPOOL_PORT in use?)"
  sleep 0.1
done
grep -q "listening on" "$LOGS/serve.out" || fail "spool serve printed no 'listening on' within 10 s"

# The demo stack, applied with the root key (the first start wrote it into the data directory).
export AWS_SHARED_CREDENTIALS_FILE="$DATA_ABS/root-credentials" AWS_REGION=us-east-1
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE || true
echo
echo "Applying the demo stack (examples/orders/spool.toml):"
SPOOL_ENDPOINT="$ENDPOINT" "$SPOOL" apply examples/orders/spool.toml || fail "spool apply failed"

# The web app. It reads its send-only key from the secret orders/web-key with the root key
# (bootstrap credentials) and sends orders with that key only.
"$WEB" --listen "127.0.0.1:$WEB_PORT" --endpoint-url "$ENDPOINT" >"$LOGS/web.log" 2>&1 &
WEB_PID=$!
for _ in $(seq 1 50); do
  grep -q "listening on" "$LOGS/web.log" 2>/dev/null && break
  kill -0 "$WEB_PID" 2>/dev/null || fail "orders-web did not start (is port $WEB_PORT in use?)"
  sleep 0.1
done

cat <<EOF

Spool is running with the orders demo.

  Order page        http://127.0.0.1:$WEB_PORT
  SQS endpoint      $ENDPOINT   (also the Lambda, Logs, IAM and Secrets Manager APIs)

Follow the worker handle-order as orders arrive:
  $BUILD/src/server/spool logs handle-order --follow
  AWS_SHARED_CREDENTIALS_FILE=$DATA_ABS/root-credentials \\
    aws --endpoint-url $ENDPOINT --region us-east-1 logs tail /aws/lambda/handle-order --follow

An order of more than 50 fails every time and lands in orders-dlq:
  AWS_SHARED_CREDENTIALS_FILE=$DATA_ABS/root-credentials aws --endpoint-url $ENDPOINT \\
    --region us-east-1 sqs receive-message --queue-url $ENDPOINT/000000000000/orders-dlq

Press Ctrl-C to stop everything.
EOF

# The web app's lines (orders placed or refused) as they come.
tail -n +2 -f "$LOGS/web.log" --pid "$WEB_PID" &
TAIL_PID=$!
while kill -0 "$SERVE_PID" 2>/dev/null && kill -0 "$WEB_PID" 2>/dev/null; do
  sleep 1
done
fail "a process stopped on its own"

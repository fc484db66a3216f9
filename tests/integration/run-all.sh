#!/usr/bin/env bash
# Runs every integration suite against the real `spool serve`, in order, stopping at the first
# suite that fails. Each suite starts its own server from $SPOOL_BIN.
#
#   SPOOL_BIN=/abs/path/to/spool tests/integration/run-all.sh
set -uo pipefail
cd "$(dirname "$0")/../.."

if [[ -z "${SPOOL_BIN:-}" ]]; then
  echo "run-all: set SPOOL_BIN to the absolute path of the spool binary" >&2
  exit 2
fi
if [[ "${SPOOL_BIN}" != /* || ! -x "${SPOOL_BIN}" ]]; then
  echo "run-all: SPOOL_BIN=${SPOOL_BIN} is not an absolute path to an executable" >&2
  exit 2
fi
export SPOOL_BIN

# Clients get dummy credentials and never look for real AWS configuration.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SQS || true

if [[ ! -d tests/js/node_modules ]]; then
  echo "run-all: installing the JavaScript test packages (npm ci)"
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error) || exit 1
fi

start=$(date +%s)
suite_no=0
run_suite() {
  local name=$1
  shift
  suite_no=$((suite_no + 1))
  echo
  echo "================================================================================"
  echo "== integration suite ${suite_no}: ${name}"
  echo "==   $*"
  echo "================================================================================"
  local t0=$(date +%s)
  "$@"
  local rc=$?
  local secs=$(( $(date +%s) - t0 ))
  if [[ $rc -ne 0 ]]; then
    echo "== suite '${name}' FAILED (exit ${rc}, ${secs}s)"
    exit 1
  fi
  echo "== suite '${name}' passed (${secs}s)"
}

run_suite "awscli (Query protocol, Debian's aws CLI)" \
  bash tests/integration/awscli_test.sh
run_suite "boto3 (Query protocol, Debian's python3-boto3)" \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration/boto3
run_suite "workers (Lambda handlers: Spool's bootstraps, aws-lambda-ric, exec; failures, scaling, FIFO, spool worker)" \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration/workers
run_suite "javascript (the JS SDK's SQS, Lambda, Logs and Secrets Manager clients; sqs-consumer; the orders demo in headless Chromium)" \
  node --test --test-concurrency=1 tests/js/
run_suite "durability (restarts, data directory lock, torn tail, corruption and repair)" \
  bash tests/integration/durability_test.sh
run_suite "disk full (data directory on a small tmpfs that fills up, then grows)" \
  /usr/bin/python3 tests/integration/disk_full_test.py
run_suite "crash (kill -9 under load, restart, check against a ledger; 20 cycles)" \
  /usr/bin/python3 tests/integration/crash_test.py --cycles 20
run_suite "crash with --fsync batch (commit rounds on the I/O threads; a process crash loses nothing acknowledged)" \
  /usr/bin/python3 tests/integration/crash_test.py --cycles 8 --fsync batch
run_suite "fifo crash (kill -9 under FIFO load: group order, deduplication across restarts)" \
  /usr/bin/python3 tests/integration/fifo_crash_test.py --cycles 10

echo
echo "run-all: all integration suites passed in $(( $(date +%s) - start ))s"

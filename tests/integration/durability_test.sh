#!/usr/bin/env bash
# Durability of `spool serve --data-dir DIR` across restarts, against the real binary:
#   (a) a graceful restart (SIGTERM) keeps queues, attributes, tags, messages, receive counts;
#   (b) a second server (and `spool repair`) on a data directory in use is refused ("in use");
#   (c) garbage appended to the newest journal segment is cut off at start (torn_tail_truncated)
#       and nothing is lost; receipt handles from before a restart still delete;
#   (d) bytes flipped in the middle of the oldest segment stop the start with a message naming
#       `spool repair`, the directory is left as it was, `spool repair` exits 0, and the next
#       start serves the salvaged messages, intact;
#   (e) restart time with 100,000 queued 256-byte messages (printed, not asserted).
# Needs SPOOL_BIN (absolute path of the spool binary). Requests use the AWS JSON 1.0 protocol
# from a small Python helper (standard library only). Ends with `durability: N passed, M failed`.
set -uo pipefail

PY=/usr/bin/python3
if [[ -z "${SPOOL_BIN:-}" || "${SPOOL_BIN}" != /* || ! -x "${SPOOL_BIN}" ]]; then
  echo "durability_test: SPOOL_BIN must be the absolute path of the spool binary" >&2
  exit 2
fi

BIN="$SPOOL_BIN"  # the server is started with every SPOOL_* variable unset
WORK=$(mktemp -d "${TMPDIR:-/tmp}/spool-durability.XXXXXX")
SERVER_PID=""
ENDPOINT=""
STARTUP_SECS=""
SERVER_ERR=""
START_NO=0
PASSED=0
FAILED=0

stop_leftover() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

finish() {
  stop_leftover
  if [[ $FAILED -eq 0 ]]; then
    rm -rf "$WORK"
  else
    echo "durability_test: work directory kept for inspection: $WORK"
  fi
}
trap finish EXIT
trap 'exit 130' INT TERM

pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL - $1"
  if [[ -n "$SERVER_ERR" && -s "$SERVER_ERR" ]]; then
    echo "       --- server stderr ($SERVER_ERR, last 30 lines)"
    tail -n 30 "$SERVER_ERR" | sed 's/^/       /'
  fi
}

# start_server DATA_DIR: starts `spool serve` without inherited SPOOL_* settings (except the log
# level); sets SERVER_PID, ENDPOINT, STARTUP_SECS (process start to the "listening" line) and
# SERVER_ERR. Returns 1 if it exits or prints nothing within 300 s.
start_server() {
  local dir=$1
  START_NO=$((START_NO + 1))
  local out="$WORK/server-$START_NO.out"
  SERVER_ERR="$WORK/server-$START_NO.err"
  : >"$out"
  ENDPOINT=""
  local t0
  t0=$(date +%s.%N)
  (
    for v in $(compgen -e); do
      case "$v" in SPOOL_LOG_LEVEL) ;; SPOOL_*) unset "$v" ;; esac
    done
    exec env SPOOL_ROOT_ACCESS_KEY_ID=test SPOOL_ROOT_SECRET_ACCESS_KEY=test \
      "$BIN" serve --listen 127.0.0.1:0 --data-dir "$dir" >"$out" 2>"$SERVER_ERR"
  ) &
  SERVER_PID=$!
  local i
  for ((i = 0; i < 30000; i++)); do
    if grep -q "listening on http://" "$out" 2>/dev/null; then
      STARTUP_SECS=$("$PY" -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" \
        "$t0" "$(date +%s.%N)")
      ENDPOINT=$(sed -n -E 's/.*listening on (http:\/\/[^[:space:]]+).*/\1/p' "$out" | head -n1)
      ENDPOINT=${ENDPOINT%/}
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" 2>/dev/null
      echo "       spool serve exited with $? before listening"
      SERVER_PID=""
      return 1
    fi
    sleep 0.01
  done
  echo "       spool serve printed no 'listening on' line within 300 s"
  stop_leftover
  return 1
}

# stop_server: SIGTERM; returns 0 only if it exits 0 within 30 s.
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 1
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "       spool serve did not exit within 30 s of SIGTERM"
    stop_leftover
    return 1
  fi
  wait "$SERVER_PID"
  local code=$?
  SERVER_PID=""
  [[ $code -eq 0 ]] || { echo "       spool serve exited $code after SIGTERM"; return 1; }
}

# The Python helper: `helper COMMAND ARGS...` (see the commands at its end).
export SPOOL_TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
read -r -d '' HELPER <<'PYEOF'
import base64, hashlib, http.client, json, os, random, sys, threading, time, urllib.parse
sys.path.insert(0, os.environ["SPOOL_TESTS_DIR"])
from spool_signing import signed_headers

def call(endpoint, action, payload, conn=None):
    u = urllib.parse.urlsplit(endpoint)
    c = conn or http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    body = json.dumps(payload).encode()
    c.request("POST", "/", body, signed_headers("POST", u.netloc, "/", body, {
        "X-Amz-Target": "AmazonSQS." + action, "Content-Type": "application/x-amz-json-1.0"}))
    r = c.getresponse()
    data = r.read()
    if conn is None:
        c.close()
    out = json.loads(data) if data else {}
    if r.status != 200:
        raise SystemExit("%s answered HTTP %d: %r" % (action, r.status, out))
    return out

def url(endpoint, name):
    return endpoint + "/000000000000/" + name

def md5(b):
    return hashlib.md5(b).hexdigest()

def attrs_md5(wire):
    buf = b""
    for name in sorted(wire, key=lambda n: n.encode()):
        v = wire[name]
        for part in (name.encode(), v["DataType"].encode()):
            buf += len(part).to_bytes(4, "big") + part
        if "BinaryValue" in v:
            raw = base64.b64decode(v["BinaryValue"])
            buf += b"\x02" + len(raw).to_bytes(4, "big") + raw
        else:
            raw = v["StringValue"].encode()
            buf += b"\x01" + len(raw).to_bytes(4, "big") + raw
    return md5(buf)

def make_body(uid, payload):
    prefix = uid + "|" + payload
    return prefix + "|" + hashlib.sha256(prefix.encode()).hexdigest()

def body_ok(body):
    prefix, _, digest = body.rpartition("|")
    return hashlib.sha256(prefix.encode()).hexdigest() == digest, prefix.split("|", 1)[0]

def drain(endpoint, name, vt=600):
    """Receives everything visible (bounded); -> list of messages. Fails on duplicates."""
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(endpoint).hostname,
                                      urllib.parse.urlsplit(endpoint).port, timeout=60)
    got, seen, empty = [], set(), 0
    for _ in range(100000):
        out = call(endpoint, "ReceiveMessage", {
            "QueueUrl": url(endpoint, name), "MaxNumberOfMessages": 10, "VisibilityTimeout": vt,
            "WaitTimeSeconds": 0, "AttributeNames": ["All"], "MessageAttributeNames": ["All"]},
            conn)
        msgs = out.get("Messages", [])
        empty = 0 if msgs else empty + 1
        if empty >= 3:
            break
        for m in msgs:
            if m["MessageId"] in seen:
                raise SystemExit("message %s returned twice by one drain" % m["MessageId"])
            seen.add(m["MessageId"])
            if m.get("MD5OfBody") != md5(m["Body"].encode()):
                raise SystemExit("message %s: MD5OfBody does not match its body" % m["MessageId"])
            got.append(m)
    conn.close()
    return got

# --- (a): graceful restart ---------------------------------------------------------------------

A_QUEUES = {
    "dur-a-dlq": {"attrs": {"MessageRetentionPeriod": "1209600"}, "tags": {}},
    "dur-a": {
        "attrs": {"VisibilityTimeout": "45", "MessageRetentionPeriod": "86400",
                  "MaximumMessageSize": "65536", "ReceiveMessageWaitTimeSeconds": "2",
                  "DelaySeconds": "0",
                  "RedrivePolicy": json.dumps({
                      "deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:dur-a-dlq",
                      "maxReceiveCount": "10"})},
        "tags": {"team": "storage", "env": "test", "note": "grüße"}},
}

def a_setup(endpoint, state_path):
    for name, q in A_QUEUES.items():
        req = {"QueueName": name, "Attributes": q["attrs"]}
        if q["tags"]:
            req["tags"] = q["tags"]
        call(endpoint, "CreateQueue", req)
    u = url(endpoint, "dur-a")
    # Changes after creation must survive too.
    call(endpoint, "SetQueueAttributes", {"QueueUrl": u, "Attributes": {"VisibilityTimeout": "50"}})
    call(endpoint, "TagQueue", {"QueueUrl": u, "Tags": {"added": "later"}})
    call(endpoint, "UntagQueue", {"QueueUrl": u, "TagKeys": ["env"]})
    queues = {n: {"attrs": dict(q["attrs"]), "tags": dict(q["tags"])} for n, q in A_QUEUES.items()}
    queues["dur-a"]["attrs"]["VisibilityTimeout"] = "50"
    queues["dur-a"]["tags"]["added"] = "later"
    del queues["dur-a"]["tags"]["env"]
    rng = random.Random(7)
    msgs = {}
    entries = []
    for i in range(20):
        uid = "a%02d" % i
        payload = "".join(rng.choice("abcxyz äöü 中文 😀\t\n|") for _ in range(rng.randint(1, 3000)))
        wire = {}
        if i % 3 == 0:
            wire = {"s": {"DataType": "String", "StringValue": "välue %d" % i},
                    "n": {"DataType": "Number.int", "StringValue": str(i * 1000)},
                    "b": {"DataType": "Binary", "BinaryValue":
                          base64.b64encode(bytes(range(i, i + 20))).decode()}}
        msgs[uid] = {"body": make_body(uid, payload), "attrs": wire, "count": 0}
    for i, (uid, m) in enumerate(msgs.items()):
        if i < 10:  # one SendMessage each
            req = {"QueueUrl": u, "MessageBody": m["body"]}
            if m["attrs"]:
                req["MessageAttributes"] = m["attrs"]
            out = call(endpoint, "SendMessage", req)
            results = [out]
        else:
            e = {"Id": uid, "MessageBody": m["body"]}
            if m["attrs"]:
                e["MessageAttributes"] = m["attrs"]
            entries.append((uid, e))
            continue
        m["message_id"] = results[0]["MessageId"]
    for start in (0, 5):
        out = call(endpoint, "SendMessageBatch", {"QueueUrl": u, "Entries": [
            e for _, e in entries[start:start + 5]]})
        if out.get("Failed"):
            raise SystemExit("SendMessageBatch failed entries: %r" % out["Failed"])
        for s in out["Successful"]:
            msgs[s["Id"]]["message_id"] = s["MessageId"]
    # Five in flight (received with a long visibility timeout), three of those deleted.
    got = []
    for _ in range(20):
        if len(got) >= 5:
            break
        out = call(endpoint, "ReceiveMessage", {"QueueUrl": u, "MaxNumberOfMessages": 5 - len(got),
                                                "VisibilityTimeout": 600,
                                                "AttributeNames": ["All"]})
        got += out.get("Messages", [])
    if len(got) != 5:
        raise SystemExit("could not receive 5 messages (got %d)" % len(got))
    deleted, handles = [], {}
    for i, m in enumerate(got):
        uid = body_ok(m["Body"])[1]
        msgs[uid]["count"] = 1
        if i < 3:
            call(endpoint, "DeleteMessage", {"QueueUrl": u, "ReceiptHandle": m["ReceiptHandle"]})
            deleted.append(uid)
            del msgs[uid]
        else:
            handles[uid] = m["ReceiptHandle"]
    json.dump({"queues": queues, "msgs": msgs, "deleted": deleted, "handles": handles},
              open(state_path, "w"))
    print("       sent 20 messages, 5 in flight, 3 deleted")

def a_check(endpoint, state_path):
    st = json.load(open(state_path))
    problems = []
    listed = {x.rsplit("/", 1)[1] for x in call(endpoint, "ListQueues", {"QueueNamePrefix": "dur-a"}).get("QueueUrls", [])}
    for name, q in st["queues"].items():
        if name not in listed:
            problems.append("queue %s is missing" % name)
            continue
        got = call(endpoint, "GetQueueAttributes", {"QueueUrl": url(endpoint, name),
                                                   "AttributeNames": ["All"]})["Attributes"]
        for k, v in q["attrs"].items():
            if k == "RedrivePolicy":  # compared as JSON; maxReceiveCount may come back a number
                norm = lambda text: {a: str(b) for a, b in json.loads(text).items()}
                if norm(got.get(k, "{}")) != norm(v):
                    problems.append("%s: RedrivePolicy %r, set %r" % (name, got.get(k), v))
            elif got.get(k) != v:
                problems.append("%s: %s is %r, set %r" % (name, k, got.get(k), v))
        tags = call(endpoint, "ListQueueTags", {"QueueUrl": url(endpoint, name)}).get("Tags", {})
        if tags != q["tags"]:
            problems.append("%s: tags %r, expected %r" % (name, tags, q["tags"]))
    got = drain(endpoint, "dur-a")
    seen = set()
    for m in got:
        ok, uid = body_ok(m["Body"])
        exp = st["msgs"].get(uid)
        if not ok or exp is None:
            problems.append("unexpected or corrupted message %s: %r" % (m["MessageId"], m["Body"][:80]))
            continue
        seen.add(uid)
        if m["Body"] != exp["body"]:
            problems.append("%s: body differs" % uid)
        if m["MessageId"] != exp["message_id"]:
            problems.append("%s: MessageId %s, sent as %s" % (uid, m["MessageId"], exp["message_id"]))
        if (m.get("MessageAttributes") or {}) != exp["attrs"]:
            problems.append("%s: attributes %r, sent %r" % (uid, m.get("MessageAttributes"), exp["attrs"]))
        want_md5 = attrs_md5(exp["attrs"]) if exp["attrs"] else None
        if m.get("MD5OfMessageAttributes") != want_md5:
            problems.append("%s: MD5OfMessageAttributes %r, expected %r" % (uid, m.get("MD5OfMessageAttributes"), want_md5))
        count = int(m["Attributes"]["ApproximateReceiveCount"])
        if count != exp["count"] + 1:
            problems.append("%s: ApproximateReceiveCount %d, expected %d (receive counts lost?)" % (uid, count, exp["count"] + 1))
        exp["count"] = count
    for uid in st["msgs"]:
        if uid not in seen:
            problems.append("%s is missing" % uid)
    for uid in st["deleted"]:
        if uid in {body_ok(m["Body"])[1] for m in got}:
            problems.append("deleted message %s is back" % uid)
    json.dump(st, open(state_path, "w"))
    if problems:
        raise SystemExit("\n".join(problems))
    print("       %d queues, %d messages intact; receive counts carried over" % (len(st["queues"]), len(seen)))

def a_old_handle(endpoint, state_path):
    st = json.load(open(state_path))
    uid, handle = sorted(st["handles"].items())[0]
    call(endpoint, "DeleteMessage", {"QueueUrl": url(endpoint, "dur-a"), "ReceiptHandle": handle})
    del st["msgs"][uid]
    del st["handles"][uid]
    st["deleted"].append(uid)
    json.dump(st, open(state_path, "w"))
    print("       deleted %s with its receipt handle from two restarts ago" % uid)

# --- bulk messages -----------------------------------------------------------------------------

def fill(endpoint, name, total, size, threads, prefix):
    """Sends `total` messages of `size` bytes, batches of 10 over `threads` connections."""
    total, size, threads = int(total), int(size), int(threads)
    call(endpoint, "CreateQueue", {"QueueName": name})
    u = url(endpoint, name)
    host = urllib.parse.urlsplit(endpoint)
    errors = []
    batches = (total + 9) // 10
    def worker(k):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        filler = "x" * size
        try:
            for b in range(k, batches, threads):
                entries = []
                for i in range(b * 10, min(total, b * 10 + 10)):
                    head = make_body("%s%d" % (prefix, i), "")
                    entries.append({"Id": "e%d" % (i % 10),
                                    "MessageBody": make_body("%s%d" % (prefix, i),
                                                             filler[:max(0, size - len(head))])})
                out = call(endpoint, "SendMessageBatch", {"QueueUrl": u, "Entries": entries}, conn)
                if out.get("Failed") or len(out.get("Successful", [])) != len(entries):
                    raise SystemExit("batch failed: %r" % out.get("Failed"))
        except BaseException as e:
            errors.append(e)
        finally:
            conn.close()
    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts: t.start()
    for t in ts: t.join()
    if errors:
        raise SystemExit("fill failed: %s" % errors[0])
    secs = time.monotonic() - t0
    print("       sent %d messages of %d bytes to %s in %.1f s (%.0f/s)" % (total, size, name, secs, total / secs))

def count(endpoint, name):
    a = call(endpoint, "GetQueueAttributes", {"QueueUrl": url(endpoint, name),
                                             "AttributeNames": ["All"]})["Attributes"]
    print(int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"]))

def drain_check(endpoint, name, prefixes, total):
    """Drains `name`; every body must be intact and named <prefix><0..total-1> for one of the
    comma-separated prefixes. Prints how many were drained."""
    got = drain(endpoint, name)
    known = {p + str(i) for p in prefixes.split(",") for i in range(int(total))}
    for m in got:
        ok, uid = body_ok(m["Body"])
        if not ok or uid not in known:
            raise SystemExit("corrupted or unknown message %s: %r" % (m["MessageId"], m["Body"][:80]))
    if len({body_ok(m["Body"])[1] for m in got}) != len(got):
        raise SystemExit("a message is there twice (under two MessageIds)")
    print(len(got))

def flip(path):
    """XORs 16 bytes in the middle of `path` with 0x5A."""
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        mid = len(data) // 2
        for i in range(mid, mid + 16):
            data[i] ^= 0x5A
        f.seek(0)
        f.write(data)
    print("       flipped 16 bytes at offset %d of %d in %s" % (mid, len(data), path.rsplit("/", 1)[1]))

commands = {"a-setup": a_setup, "a-check": a_check, "a-old-handle": a_old_handle, "fill": fill,
            "count": count, "drain-check": drain_check, "flip": flip}
commands[sys.argv[1]](*sys.argv[2:])
PYEOF

helper() { "$PY" -c "$HELPER" "$@" 2>&1; }

newest_wal() { ls "$1"/journal/wal-*.log 2>/dev/null | sort | tail -n 1; }
oldest_wal() { ls "$1"/journal/wal-*.log 2>/dev/null | sort | head -n 1; }

# --- (a) graceful restart --------------------------------------------------------------------
D1="$WORK/d1"
STATE="$WORK/a-state.json"
part_a() {
  start_server "$D1" || { fail "(a) start on an empty data directory"; return 1; }
  helper a-setup "$ENDPOINT" "$STATE" || { fail "(a) create queues and messages"; return 1; }
  stop_server || { fail "(a) SIGTERM: exit 0"; return 1; }
  start_server "$D1" || { fail "(a) restart after SIGTERM"; return 1; }
  if helper a-check "$ENDPOINT" "$STATE"; then
    pass "(a) graceful restart keeps queues, attributes, tags, messages and receive counts"
  else
    fail "(a) graceful restart keeps queues, attributes, tags, messages and receive counts"
  fi
}

# --- (b) data directory in use ---------------------------------------------------------------
part_b() {
  [[ -n "$SERVER_PID" ]] || start_server "$D1" || { fail "(b) start"; return 1; }
  local out="$WORK/second.txt" code
  timeout 30 env SPOOL_ROOT_ACCESS_KEY_ID=test SPOOL_ROOT_SECRET_ACCESS_KEY=test \
    "$SPOOL_BIN" serve --listen 127.0.0.1:0 --data-dir "$D1" >"$out" 2>&1
  code=$?
  if [[ $code -ne 0 && $code -ne 124 ]] && grep -q "in use" "$out" && ! grep -q "listening on" "$out"; then
    pass "(b) a second server on the same data directory fails: $(grep -m1 "in use" "$out" | cut -c1-150)"
  else
    fail "(b) a second server on the same data directory must fail saying 'in use' (exit $code): $(head -c 600 "$out")"
  fi
  timeout 30 "$SPOOL_BIN" repair --data-dir "$D1" >"$out" 2>&1
  code=$?
  if [[ $code -ne 0 && $code -ne 124 ]] && grep -q "in use" "$out"; then
    pass "(b) spool repair on a data directory in use is refused"
  else
    fail "(b) spool repair on a data directory in use must be refused saying 'in use' (exit $code): $(head -c 600 "$out")"
  fi
  if helper count "$ENDPOINT" dur-a >/dev/null; then
    pass "(b) the first server still serves"
  else
    fail "(b) the first server still serves"
  fi
}

# --- (c) torn tail ---------------------------------------------------------------------------
part_c() {
  [[ -n "$SERVER_PID" ]] || start_server "$D1" || { fail "(c) start"; return 1; }
  stop_server || { fail "(c) SIGTERM: exit 0"; return 1; }
  local wal size_before size_after
  wal=$(newest_wal "$D1")
  [[ -n "$wal" ]] || { fail "(c) no wal-*.log in $D1/journal"; return 1; }
  size_before=$(stat -c %s "$wal")
  printf '\x13\x37torn\x00\xff\x01' >>"$wal"
  echo "       appended 9 garbage bytes to $(basename "$wal") ($size_before bytes)"
  if ! start_server "$D1"; then
    fail "(c) start after garbage was appended to the newest segment"
    return 1
  fi
  if grep -q "event=torn_tail_truncated" "$SERVER_ERR"; then
    pass "(c) the torn tail is cut off at start and logged: $(grep -m1 event=torn_tail_truncated "$SERVER_ERR" | cut -c1-200)"
  else
    fail "(c) the start must log torn_tail_truncated"
  fi
  size_after=$(stat -c %s "$wal" 2>/dev/null || echo missing)
  if [[ "$size_after" == "$size_before" ]]; then
    pass "(c) $(basename "$wal") is back to its $size_before bytes"
  else
    fail "(c) $(basename "$wal") should be back to $size_before bytes, is $size_after"
  fi
  if helper a-check "$ENDPOINT" "$STATE"; then
    pass "(c) after the torn tail, queues and messages are intact"
  else
    fail "(c) after the torn tail, queues and messages are intact"
  fi
  if helper a-old-handle "$ENDPOINT" "$STATE" && stop_server && start_server "$D1" &&
    helper a-check "$ENDPOINT" "$STATE"; then
    pass "(c) a receipt handle from before two restarts deletes, and the delete survives a restart"
  else
    fail "(c) a receipt handle from before two restarts deletes, and the delete survives a restart"
  fi
  stop_server || fail "(c) SIGTERM: exit 0"
}

# --- (d) mid-log corruption and repair -------------------------------------------------------
D2="$WORK/d2"
part_d() {
  local round n_segments wal before after out="$WORK/corrupt.txt" code n
  for round in 0 1 2; do
    start_server "$D2" || { fail "(d) start (round $round)"; return 1; }
    helper fill "$ENDPOINT" dur-d 700 500 4 "r${round}-" || { fail "(d) send 700 messages"; return 1; }
    stop_server || { fail "(d) SIGTERM: exit 0"; return 1; }
  done
  n_segments=$(ls "$D2"/journal/wal-*.log | wc -l)
  wal=$(oldest_wal "$D2")
  echo "       $n_segments segments; corrupting the oldest, $(basename "$wal") ($(stat -c %s "$wal") bytes)"
  helper flip "$wal" || { fail "(d) flip bytes"; return 1; }
  # LOCK holds the pid of the last opener; everything else must stay as it was.
  before=$(cd "$D2/journal" && md5sum -- wal-* snapshot-* 2>/dev/null | sort)
  timeout 60 env SPOOL_ROOT_ACCESS_KEY_ID=test SPOOL_ROOT_SECRET_ACCESS_KEY=test \
    "$SPOOL_BIN" serve --listen 127.0.0.1:0 --data-dir "$D2" >"$out" 2>&1
  code=$?
  if [[ $code -ne 0 && $code -ne 124 ]] && grep -q "spool repair" "$out" && ! grep -q "listening on" "$out"; then
    pass "(d) a start on a journal corrupted mid-log is refused, naming spool repair"
  else
    fail "(d) a start on a journal corrupted mid-log must fail mentioning 'spool repair' (exit $code): $(head -c 800 "$out")"
  fi
  echo "       $(grep -m1 "spool repair" "$out" | cut -c1-400)"
  if grep -q "$(basename "$wal")" "$out"; then
    pass "(d) the refusal names the damaged file"
  else
    fail "(d) the refusal should name the damaged file $(basename "$wal")"
  fi
  after=$(cd "$D2/journal" && md5sum -- wal-* snapshot-* 2>/dev/null | sort)
  if [[ "$before" == "$after" ]]; then
    pass "(d) the refused start left the journal as it was"
  else
    fail "(d) the refused start changed the journal: before: $before / after: $after"
  fi
  timeout 300 "$SPOOL_BIN" repair --data-dir "$D2" >"$out" 2>&1
  code=$?
  sed 's/^/       repair: /' "$out" | head -n 20
  if [[ $code -eq 0 ]]; then
    pass "(d) spool repair --data-dir exits 0"
  else
    fail "(d) spool repair --data-dir must exit 0 (got $code)"
    return 1
  fi
  if ! start_server "$D2"; then
    fail "(d) start after repair"
    return 1
  fi
  pass "(d) the start after repair works"
  n=$(helper count "$ENDPOINT" dur-d) || { fail "(d) count messages"; return 1; }
  echo "       $n of 2100 messages after repair"
  if [[ $n -ge 1890 && $n -le 2100 ]]; then
    pass "(d) most messages survive the repair ($n of 2100)"
  else
    fail "(d) at least 90% of the 2100 messages should survive the repair, found $n"
  fi
  local drained
  drained=$(helper drain-check "$ENDPOINT" dur-d "r0-,r1-,r2-" 700)
  if [[ $? -eq 0 && "$drained" == "$n" ]]; then
    pass "(d) the $n messages after repair are intact (bodies, MD5, no duplicates)"
  else
    fail "(d) the messages after repair should be $n intact ones: $drained"
  fi
  stop_server || fail "(d) SIGTERM after repair: exit 0"
}

# --- (e) restart time with 100,000 messages --------------------------------------------------
D3="$WORK/d3"
part_e() {
  start_server "$D3" || { fail "(e) start"; return 1; }
  helper fill "$ENDPOINT" dur-e 100000 256 8 "m" || { fail "(e) send 100000 messages"; return 1; }
  stop_server || { fail "(e) SIGTERM: exit 0"; return 1; }
  echo "       journal: $(du -sh "$D3/journal" | cut -f1), $(ls "$D3"/journal | tr '\n' ' ')"
  start_server "$D3" || { fail "(e) restart with 100000 messages"; return 1; }
  echo "restart with 100000 messages: ${STARTUP_SECS} s"
  local n
  n=$(helper count "$ENDPOINT" dur-e) || { fail "(e) count"; return 1; }
  if [[ "$n" == 100000 ]]; then
    pass "(e) all 100000 messages are there after the restart"
  else
    fail "(e) expected 100000 messages after the restart, found $n"
  fi
  stop_server || fail "(e) SIGTERM with 100000 messages: exit 0"
}

echo "durability: server $SPOOL_BIN"
part_a
part_b
part_c
part_d
stop_leftover
part_e
stop_leftover

echo "durability: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]

"""The orders demo's worker, both variants: examples/orders/worker (Node.js, Lambda's handler
shape) and examples/orders/worker-cpp (C++, a custom runtime speaking the Runtime API itself,
built by the project as `bootstrap`). Good orders are confirmed in the function's log; an order
above MAX_QUANTITY fails every time, is reported as a batch item failure, and reaches the
dead-letter queue while the rest of its batch does not come back."""

import json
import os

import pytest

import support
from test_failures import make_queue
from workers_support import HERE, queue_counts, wait_for

EXAMPLES = os.path.abspath(os.path.join(HERE, "..", "..", "..", "examples", "orders"))


def cpp_worker_dir():
    # Built beside the spool binary: BUILD/src/server/spool -> BUILD/examples/orders/worker-cpp/code
    build = os.path.dirname(os.path.dirname(os.path.dirname(support.spool_binary())))
    code = os.path.join(build, "examples", "orders", "worker-cpp", "code")
    assert os.access(os.path.join(code, "bootstrap"), os.X_OK), \
        "the C++ worker is built with the project (%s/bootstrap)" % code
    return code


@pytest.mark.parametrize("variant", ["node", "cpp"])
def test_orders_are_confirmed_and_a_poison_order_is_dead_lettered(sqs, workers, variant):
    url, dlq = make_queue(sqs, "orders-" + variant, visibility=2, dlq_max=2)
    if variant == "node":
        fn = workers.function("nodejs20.x", "index.handler", os.path.join(EXAMPLES, "worker"),
                              timeout=2, env={"MAX_QUANTITY": "5"})
    else:
        fn = workers.function("provided.al2023", "bootstrap", cpp_worker_dir(), timeout=2,
                              env={"MAX_QUANTITY": "5"})
    workers.mapping(support.name_of(url), fn, "--report-batch-item-failures", "--batch-size",
                    "10", "--batching-window", "1")
    orders = [{"id": "%s-%d" % (variant, i), "name": "Customer %d" % i, "productId": "p-1",
               "quantity": q} for i, q in enumerate([1, 3, 99])]
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "MessageBody": json.dumps(o)} for i, o in enumerate(orders)])
    for o in orders[:2]:
        wait_for("the confirmation of " + o["id"],
                 lambda o=o: workers.events(fn, "for order %s (" % o["id"]))
    wait_for("the poison order in the DLQ", lambda: queue_counts(sqs, dlq)[0] == 1, timeout=40)
    m = sqs.receive_message(QueueUrl=dlq)["Messages"][0]
    assert json.loads(m["Body"])["id"] == orders[2]["id"]
    assert queue_counts(sqs, url) == (0, 0)
    # Each good order was handled once: the partial batch response kept them from coming back.
    for o in orders[:2]:
        assert len(workers.events(fn, "for order %s (" % o["id"])) == 1
    failed = workers.events(fn, "order_failed")
    assert failed and "quantity 99 is above 5" in failed[0], failed

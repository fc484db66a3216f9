// The worker coroutines and the bookkeeping they share (run_state.h).

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bench/message_body.h"
#include "bench/run_state.h"
#include "bench/sqs_json.h"
#include "common/crypto.h"

namespace spool::bench {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr milliseconds kRequestTimeout{30'000};
constexpr milliseconds kErrorBackoff{20};
// A connection that failed this many times in a row stops: the server is gone or refusing us.
constexpr int kMaxConsecutiveFailures = 50;
constexpr size_t kMaxErrorSamples = 8;

asio::awaitable<void> Sleep(Connection* c, std::chrono::nanoseconds d) {
  asio::steady_timer timer(c->get_executor());
  timer.expires_after(d);
  co_await timer.async_wait(kTuple);
}

// Counts a failed call. Returns false when the worker should give up.
bool Failed(RunState* s, int* consecutive, std::string_view what) {
  s->RecordError(what);
  if (++*consecutive < kMaxConsecutiveFailures) return true;
  s->RecordError("a connection gave up after repeated failures");
  return false;
}

std::string CallError(std::string_view action, const boost::system::error_code& ec,
                      const HttpReply& reply) {
  if (ec) return std::string(action) + ": " + ec.message();
  ApiError e = ParseApiError(reply.status, reply.body);
  return std::string(action) + ": " + e.code + ": " + e.message;
}

int64_t RemainingNanos(const RunState* s) { return s->deadline_nanos - NowNanos(); }

struct BatchBuffers {
  std::array<std::string, 10> bodies;
  std::array<std::string, 10> groups;
  std::array<std::string, 10> dedup;
  std::array<std::string, 10> md5;
  std::array<OutgoingMessage, 10> entries;
};

// Fills entry i of `b` with message `seq`.
void PrepareMessage(const RunState* s, uint64_t seq, size_t i, BatchBuffers* b) {
  const BenchOptions& o = s->options;
  MakeBody({s->run_id, seq, NowNanos()}, o.body_size, &b->bodies[i]);
  b->md5[i] = common::Md5Hex(b->bodies[i]);
  OutgoingMessage& m = b->entries[i];
  m = OutgoingMessage{b->bodies[i], {}, {}};
  if (!o.fixed_group.empty()) {
    m.group_id = o.fixed_group;
  } else if (o.fifo) {
    b->groups[i] = "g" + std::to_string(seq % static_cast<uint64_t>(o.groups));
    b->dedup[i] = std::to_string(s->run_id) + "-" + std::to_string(seq);
    m.group_id = b->groups[i];
    m.dedup_id = b->dedup[i];
  }
}

void Acknowledge(RunState* s, uint64_t seq, std::string_view md5_expected,
                 std::string_view md5_got) {
  if (md5_got != md5_expected) {
    s->RecordError("MD5OfMessageBody does not match the body sent");
    return;
  }
  s->tracker.MarkSent(seq);
  s->sent.fetch_add(1, std::memory_order_relaxed);
  s->last_progress_nanos.store(NowNanos(), std::memory_order_relaxed);
}

}  // namespace

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RunState::RunState(const BenchOptions& o, uint64_t id, std::vector<std::string> urls)
    : options(o), run_id(id), queue_urls(std::move(urls)), tracker(o.messages) {}

void RunState::BeginPhase(int64_t now, double duration_seconds) {
  sent = 0;
  consumed = 0;
  deleted = 0;
  foreign = 0;
  producers_running = 0;
  workers_running = 0;
  stop = false;
  end_nanos = 0;
  start_nanos = now;
  last_progress_nanos = now;
  deadline_nanos = now + static_cast<int64_t>(duration_seconds * 1e9);
  std::lock_guard lock(mu_);
  completed_ = false;
  stop_reason_.clear();
}

void RunState::Finish(std::string_view reason, bool completed) {
  {
    std::lock_guard lock(mu_);
    if (stop.load()) return;
    completed_ = completed;
    stop_reason_ = std::string(reason);
    end_nanos.store(NowNanos());
    stop.store(true);
  }
  if (on_finish) on_finish();
}

void RunState::MaybeFinish() {
  if (stop.load(std::memory_order_relaxed)) return;
  if (consume_target > 0) {
    if (consumed.load() >= consume_target) Finish("consumed every message", true);
    return;
  }
  if (producers_running.load() > 0) return;
  if (!consumers_wait_for_producers) {
    Finish("sent every message", next_seq.load() >= send_limit && sent.load() > 0);
    return;
  }
  if (tracker.received() >= tracker.sent()) Finish("received every message sent", true);
}

bool RunState::completed() const {
  std::lock_guard lock(mu_);
  return completed_;
}

std::string RunState::stop_reason() const {
  std::lock_guard lock(mu_);
  return stop_reason_;
}

void RunState::RecordError(std::string_view what) {
  errors.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  auto it = samples_.find(std::string(what));
  if (it != samples_.end()) {
    ++it->second;
  } else if (samples_.size() < kMaxErrorSamples) {
    samples_.emplace(std::string(what), 1);
  }
}

std::vector<std::string> RunState::ErrorSamples() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [text, n] : samples_) out.push_back(text + " (x" + std::to_string(n) + ")");
  return out;
}

asio::awaitable<void> Produce(RunState* s, Connection* c, int queue, WorkerStats* stats) {
  const BenchOptions& o = s->options;
  const std::string& url = s->queue_urls[static_cast<size_t>(queue)];
  const uint64_t batch = static_cast<uint64_t>(o.batch);
  BatchBuffers b;
  BatchResult result;
  HttpReply reply;
  std::string error;
  int failures = 0;
  while (!s->stop.load(std::memory_order_relaxed) && RemainingNanos(s) > 0) {
    const uint64_t first = s->next_seq.fetch_add(batch);
    if (first >= s->send_limit) break;
    const size_t n = static_cast<size_t>(std::min(batch, s->send_limit - first));
    for (size_t i = 0; i < n; ++i) PrepareMessage(s, first + i, i, &b);
    std::string request = SendMessageBatchRequest(url, std::span(b.entries.data(), n));
    const int64_t t0 = NowNanos();
    auto ec = co_await c->Call("SendMessageBatch", std::move(request), kRequestTimeout, &reply);
    const int64_t t1 = NowNanos();
    if (ec || reply.status != 200) {
      if (!Failed(s, &failures, CallError("SendMessageBatch", ec, reply))) break;
      co_await Sleep(c, kErrorBackoff);
      continue;
    }
    failures = 0;
    stats->send.Record(t1 - t0);
    if (!ParseBatchResult(reply.body, &result, &error)) {
      s->RecordError(error);
      continue;
    }
    for (const EntryResult& r : result.successful) {
      if (r.index < 0 || static_cast<size_t>(r.index) >= n) {
        s->RecordError("SendMessageBatch: unknown entry id in Successful");
        continue;
      }
      Acknowledge(s, first + static_cast<uint64_t>(r.index), b.md5[r.index], r.md5);
    }
    for (const EntryFailure& f : result.failed) {
      s->RecordError("SendMessageBatch entry: " + f.code + ": " + f.message);
    }
  }
  s->producers_running.fetch_sub(1);
  s->MaybeFinish();
}

asio::awaitable<void> ProduceAtRate(RunState* s, Connection* c, WorkerStats* stats) {
  const BenchOptions& o = s->options;
  const double interval_nanos = 1e9 / o.rate;
  BatchBuffers b;
  HttpReply reply;
  std::string md5, error;
  int failures = 0;
  while (!s->stop.load(std::memory_order_relaxed)) {
    const uint64_t seq = s->next_seq.fetch_add(1);
    if (seq >= s->send_limit) break;
    // Open loop: message k is due at start + k / rate, however long earlier sends took.
    const int64_t due = s->start_nanos + static_cast<int64_t>(double(seq) * interval_nanos);
    if (due >= s->deadline_nanos) break;
    if (int64_t wait = due - NowNanos(); wait > 0) {
      co_await Sleep(c, std::chrono::nanoseconds(wait));
    }
    const std::string& url = s->queue_urls[seq % s->queue_urls.size()];
    PrepareMessage(s, seq, 0, &b);  // stamps the send time: the start of this request
    const int64_t t0 = NowNanos();
    auto ec = co_await c->Call("SendMessage", SendMessageRequest(url, b.entries[0]),
                               kRequestTimeout, &reply);
    const int64_t t1 = NowNanos();
    if (ec || reply.status != 200) {
      if (!Failed(s, &failures, CallError("SendMessage", ec, reply))) break;
      continue;
    }
    failures = 0;
    stats->send.Record(t1 - t0);
    if (!ParseSendMessage(reply.body, &md5, &error)) {
      s->RecordError(error);
      continue;
    }
    Acknowledge(s, seq, b.md5[0], md5);
  }
  s->producers_running.fetch_sub(1);
  s->MaybeFinish();
}

asio::awaitable<void> Consume(RunState* s, Connection* c, int queue, WorkerStats* stats) {
  const BenchOptions& o = s->options;
  const std::string& url = s->queue_urls[static_cast<size_t>(queue)];
  std::vector<ReceivedMessage> messages;
  std::vector<std::string> handles;
  BatchResult result;
  HttpReply reply;
  std::string error;
  int failures = 0;
  while (!s->stop.load(std::memory_order_relaxed)) {
    const int64_t remaining = RemainingNanos(s);
    if (remaining <= 0) break;
    const int wait = static_cast<int>(std::min<int64_t>(o.wait_seconds, remaining / 1'000'000'000));
    const auto timeout = kRequestTimeout + std::chrono::seconds(wait);
    const int64_t t0 = NowNanos();
    auto ec = co_await c->Call("ReceiveMessage", ReceiveMessageRequest(url, o.batch, wait),
                               std::chrono::duration_cast<milliseconds>(timeout), &reply);
    const int64_t t1 = NowNanos();
    if (ec || reply.status != 200) {
      if (!Failed(s, &failures, CallError("ReceiveMessage", ec, reply))) break;
      co_await Sleep(c, kErrorBackoff);
      continue;
    }
    failures = 0;
    if (!ParseReceiveMessage(reply.body, &messages, &error)) {
      s->RecordError(error);
      continue;
    }
    if (messages.empty()) continue;
    stats->receive.Record(t1 - t0);
    s->last_progress_nanos.store(t1, std::memory_order_relaxed);
    handles.clear();
    for (ReceivedMessage& m : messages) {
      handles.push_back(std::move(m.receipt_handle));
      if (m.md5 != common::Md5Hex(m.body))
        s->RecordError("MD5OfBody does not match the body received");
      auto header = ParseBody(m.body);
      if (!header || header->run_id != s->run_id) {
        s->foreign.fetch_add(1, std::memory_order_relaxed);
        if (s->consume_target > 0) s->consumed.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      if (s->tracker.MarkReceived(header->seq) != ExactlyOnceTracker::Receipt::kFirst) continue;
      s->consumed.fetch_add(1, std::memory_order_relaxed);
      if (o.workload == Workload::kLatency) stats->end_to_end.Record(t1 - header->send_nanos);
    }
    const int64_t d0 = NowNanos();
    ec = co_await c->Call("DeleteMessageBatch", DeleteMessageBatchRequest(url, handles),
                          kRequestTimeout, &reply);
    const int64_t d1 = NowNanos();
    if (ec || reply.status != 200) {
      if (!Failed(s, &failures, CallError("DeleteMessageBatch", ec, reply))) break;
      continue;
    }
    stats->remove.Record(d1 - d0);
    if (!ParseBatchResult(reply.body, &result, &error)) {
      s->RecordError(error);
      continue;
    }
    s->deleted.fetch_add(result.successful.size(), std::memory_order_relaxed);
    for (const EntryFailure& f : result.failed) {
      s->RecordError("DeleteMessageBatch entry: " + f.code + ": " + f.message);
    }
    s->MaybeFinish();
  }
  s->MaybeFinish();
}

}  // namespace spool::bench

#pragma once
// The fixture of the MemoryEngine message tests (memory_engine_messages_test.cc and
// memory_engine_rules_test.cc). Time is a FakeClock: delays, timeouts and long polls end when a
// test advances it, so nothing sleeps.

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "common/fake_clock.h"
#include "engine/engine_testing.h"
#include "engine/memory_engine.h"

namespace spool::engine {
namespace {  // each test file has its own copy

using common::Millis;
using std::chrono::seconds;

[[maybe_unused]] std::optional<Errc> EntryCode(const std::optional<Error>& e) {
  if (!e) return std::nullopt;
  return e->code;
}

// The bodies of a receive, in order.
[[maybe_unused]] std::vector<std::string> Bodies(const ReceiveResult& r) {
  std::vector<std::string> out;
  for (const auto& m : r.messages) out.emplace_back(m.payload->body());
  return out;
}

[[maybe_unused]] std::vector<std::string> Bodies(const Pending<ReceiveResult>& p) {
  EXPECT_TRUE(p.done());
  if (!p.done() || !p.result().ok()) return {"<failed>"};
  return Bodies(p.result().value());
}

[[maybe_unused]] SendEntry Entry(std::string id, std::optional<std::string> body,
                                 std::optional<int64_t> delay = std::nullopt) {
  SendEntry e;
  e.id = std::move(id);
  e.body = std::move(body);
  e.delay_seconds = delay;
  return e;
}

[[maybe_unused]] AttributeValue Str(std::string type, std::string value) {
  AttributeValue v;
  v.data_type = std::move(type);
  v.string_value = std::move(value);
  return v;
}

const std::string kTrace =
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

class MemoryEngineMessagesTest : public ::testing::Test {
 protected:
  MemoryEngineMessagesTest() { Reset(Options()); }

  static EngineOptions Options() {
    EngineOptions o;
    o.receipt_secret = "test-secret";
    return o;
  }

  // Replaces the engine (e.g. with other options).
  void Reset(EngineOptions options) {
    engine_.reset();
    engine_ = std::make_unique<MemoryEngine>(std::move(options), &clock_, &clock_);
  }

  static std::string Arn(const std::string& name) {
    return "arn:aws:sqs:us-east-1:000000000000:" + name;
  }

  void Create(const std::string& name, StringPairs attributes = {}) {
    auto r = Sync<Empty>([&](auto cb) {
      engine_->CreateQueue({name, std::move(attributes), {}}, std::move(cb));
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  Result<Empty> SetAttributes(const std::string& name, StringPairs attributes) {
    return Sync<Empty>(
        [&](auto cb) { engine_->SetQueueAttributes(name, std::move(attributes), std::move(cb)); });
  }
  std::string Attribute(const std::string& queue, const std::string& attribute) {
    auto r = Sync<StringPairs>(
        [&](auto cb) { engine_->GetQueueAttributes(queue, {attribute}, std::move(cb)); });
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r.value().empty()) return "<absent>";
    return r.value().front().second;
  }
  // "visible/in flight/delayed", the three approximate counts.
  std::string Counts(const std::string& queue) {
    return Attribute(queue, "ApproximateNumberOfMessages") + "/" +
           Attribute(queue, "ApproximateNumberOfMessagesNotVisible") + "/" +
           Attribute(queue, "ApproximateNumberOfMessagesDelayed");
  }

  Result<SendResult> SendCall(const std::string& queue, std::vector<SendEntry> entries,
                              bool batch) {
    return Sync<SendResult>([&](auto cb) {
      engine_->SendMessages({queue, std::move(entries), batch, "AIDTEST"}, std::move(cb));
    });
  }
  // A single send that must succeed.
  SendEntryResult Send(const std::string& queue, SendEntry entry) {
    auto r = SendCall(queue, {std::move(entry)}, false);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return {};
    EXPECT_EQ(r.value().entries.size(), 1u);
    EXPECT_FALSE(r.value().entries[0].error.has_value()) << r.value().entries[0].error->message;
    return r.value().entries[0];
  }
  SendEntryResult Send(const std::string& queue, const std::string& body,
                       std::optional<int64_t> delay = std::nullopt) {
    return Send(queue, Entry("1", body, delay));
  }
  // The error code of a single send that must fail per entry.
  std::optional<Errc> SendError(const std::string& queue, SendEntry entry) {
    auto r = SendCall(queue, {std::move(entry)}, false);
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r.value().entries.size() != 1) return Errc::kInternal;
    return EntryCode(r.value().entries[0].error);
  }

  Result<ReceiveResult> ReceiveCall(ReceiveRequest req) {
    return Sync<ReceiveResult>([&](auto cb) { engine_->ReceiveMessages(req, std::move(cb)); });
  }
  // A short poll that must succeed.
  ReceiveResult Receive(const std::string& queue, int64_t max = 1,
                        std::optional<int64_t> vt = std::nullopt) {
    auto r = ReceiveCall({queue, max, vt, 0, std::nullopt});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r.value() : ReceiveResult{};
  }
  // Receives exactly one message.
  ReceivedMessage ReceiveOne(const std::string& queue, std::optional<int64_t> vt = std::nullopt) {
    ReceiveResult r = Receive(queue, 1, vt);
    EXPECT_EQ(r.messages.size(), 1u);
    return r.messages.empty() ? ReceivedMessage{} : r.messages[0];
  }
  // Starts a receive that may wait; its completion is checked later.
  Pending<ReceiveResult> StartReceive(const std::string& queue, std::optional<int64_t> wait,
                                      int64_t max = 1, std::optional<int64_t> vt = std::nullopt) {
    Pending<ReceiveResult> p;
    engine_->ReceiveMessages({queue, max, vt, wait, std::nullopt}, p.callback());
    return p;
  }

  Result<BatchResult> Delete(const std::string& queue, std::vector<HandleEntry> entries,
                             bool batch = false) {
    return Sync<BatchResult>([&](auto cb) {
      engine_->DeleteMessages({queue, std::move(entries), batch}, std::move(cb));
    });
  }
  // Deletes one handle; the entry's error code or nullopt.
  std::optional<Errc> DeleteOne(const std::string& queue, std::optional<std::string> handle) {
    auto r = Delete(queue, {{"d", std::move(handle), std::nullopt}});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r.value().entries.size() != 1) return Errc::kInternal;
    return EntryCode(r.value().entries[0].error);
  }
  Result<BatchResult> ChangeVisibility(const std::string& queue, std::vector<HandleEntry> entries,
                                       bool batch = false) {
    return Sync<BatchResult>([&](auto cb) {
      engine_->ChangeVisibility({queue, std::move(entries), batch}, std::move(cb));
    });
  }
  std::optional<Errc> ChangeOne(const std::string& queue, std::optional<std::string> handle,
                                std::optional<int64_t> vt) {
    auto r = ChangeVisibility(queue, {{"c", std::move(handle), vt}});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r.value().entries.size() != 1) return Errc::kInternal;
    return EntryCode(r.value().entries[0].error);
  }

  static std::string RedriveTo(const std::string& dlq, int count) {
    return R"({"deadLetterTargetArn":")" + Arn(dlq) + R"(","maxReceiveCount":)" +
           std::to_string(count) + "}";
  }

  common::FakeClock clock_;
  std::unique_ptr<MemoryEngine> engine_;
};

}  // namespace
}  // namespace spool::engine

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "engine/types.h"

namespace spool::engine {
namespace {

PayloadFields Plain(std::string body) {
  PayloadFields f;
  f.message_id = "0f8e4a52-3c1d-4b7a-9e21-5d6c7b8a9f01";
  f.md5_body = common::Md5(body);
  f.body = std::move(body);
  f.sent = common::FromEpochMillis(1700000000123);
  f.sender_id = "AIDAEXAMPLE";
  return f;
}

void ExpectSame(const PayloadFields& a, const PayloadFields& b) {
  EXPECT_EQ(a.message_id, b.message_id);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.attributes, b.attributes);
  EXPECT_EQ(a.system_attributes, b.system_attributes);
  EXPECT_EQ(a.md5_body, b.md5_body);
  EXPECT_EQ(a.md5_attributes, b.md5_attributes);
  EXPECT_EQ(a.md5_system_attributes, b.md5_system_attributes);
  EXPECT_EQ(a.sent, b.sent);
  EXPECT_EQ(a.sender_id, b.sender_id);
  EXPECT_EQ(a.group_id, b.group_id);
}

TEST(PayloadTest, PlainMessageRoundTripsEveryField) {
  PayloadFields f = Plain("hello, world");
  PayloadRef p = MessagePayload::Create(f);
  ExpectSame(p->ToFields(), f);
  EXPECT_EQ(p->body(), "hello, world");
  EXPECT_EQ(p->message_id(), f.message_id);
  std::array<char, 36> buf;
  EXPECT_EQ(p->message_id(buf), f.message_id);
  EXPECT_EQ(p->sent_ms(), 1700000000123);
  EXPECT_TRUE(p->group_id().empty());
  EXPECT_TRUE(p->attributes().empty());
  EXPECT_FALSE(p->md5_attributes().has_value());
}

TEST(PayloadTest, EverythingRareRoundTripsToo) {
  PayloadFields f = Plain(std::string(300000, 'x'));
  f.message_id = "not-a-uuid";  // kept verbatim
  f.group_id = "tenant-7";
  f.attributes.emplace_back("a", AttributeValue{"String", "v", "", {}, {}});
  f.attributes.emplace_back("b",
                            AttributeValue{"Binary.raw", "", std::string("\0\1\2", 3), {}, {}});
  f.system_attributes.emplace_back("AWSTraceHeader",
                                   AttributeValue{"String", "Root=1-5e-abc", "", {}, {}});
  f.md5_attributes = common::Md5("attributes");
  f.md5_system_attributes = common::Md5("system");
  PayloadRef p = MessagePayload::Create(f);
  ExpectSame(p->ToFields(), f);
  std::array<char, 36> buf;
  EXPECT_EQ(p->message_id(buf), "not-a-uuid");
}

TEST(PayloadTest, UppercaseOrMalformedIdsAreKeptVerbatim) {
  for (std::string id :
       {"0F8E4A52-3C1D-4B7A-9E21-5D6C7B8A9F01", "0f8e4a52-3c1d-4b7a-9e21-5d6c7b8a9f0",
        "0f8e4a52x3c1d-4b7a-9e21-5d6c7b8a9f01", "", "0f8e4a52-3c1d-4b7a-9e21-5d6c7b8a9g01"}) {
    PayloadFields f = Plain("b");
    f.message_id = id;
    EXPECT_EQ(MessagePayload::Create(f)->message_id(), id);
  }
}

TEST(PayloadTest, ManySendersAllComeBack) {
  // More distinct senders than the interned table holds: the rest live in the extras.
  std::vector<PayloadRef> refs;
  for (int i = 0; i < 5000; ++i) {
    PayloadFields f = Plain("b");
    f.sender_id = "sender-" + std::to_string(i);
    refs.push_back(MessagePayload::Create(f));
  }
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(refs[i]->sender_id(), "sender-" + std::to_string(i));
}

TEST(PayloadTest, WithSentChangesInPlaceOnlyWhenUnshared) {
  PayloadRef p = MessagePayload::Create(Plain("b"));
  const MessagePayload* raw = p.get();
  p = MessagePayload::WithSent(std::move(p), 42);
  EXPECT_EQ(p.get(), raw);
  EXPECT_EQ(p->sent_ms(), 42);

  PayloadRef shared = p;
  PayloadRef changed = MessagePayload::WithSent(p, 43);
  EXPECT_NE(changed.get(), raw);
  EXPECT_EQ(changed->sent_ms(), 43);
  EXPECT_EQ(shared->sent_ms(), 42);  // the other holder's view did not move
  EXPECT_EQ(changed->body(), "b");
}

TEST(PayloadTest, ReferencesCountAcrossThreads) {
  PayloadRef p = MessagePayload::Create(Plain("shared"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&p] {
      for (int i = 0; i < 100000; ++i) {
        PayloadRef copy = p;
        ASSERT_EQ(copy->body(), "shared");
      }
    });
  }
  for (auto& t : threads) t.join();
  // Sole owner again: WithSent may change it in place.
  const MessagePayload* raw = p.get();
  EXPECT_EQ(MessagePayload::WithSent(std::move(p), 1).get(), raw);
}

TEST(PayloadTest, EmptyReferenceIsNull) {
  PayloadRef p;
  EXPECT_FALSE(p);
  EXPECT_TRUE(p == nullptr);
  p = MessagePayload::Create(Plain(""));
  EXPECT_TRUE(p);
  EXPECT_EQ(p->body(), "");
}

}  // namespace
}  // namespace spool::engine

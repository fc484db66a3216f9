#include "engine/journal_records.h"

#include <gtest/gtest.h>

#include <random>

namespace spool::engine::journal {
namespace {

StoredMessage SampleMessage() {
  StoredMessage m;
  PayloadFields p;
  m.seq = 42;
  p.message_id = "0984147d-49df-4d84-a8d9-378c1772fac8";
  p.body = std::string("line1\r\nline2 \0 & <x>", 20);
  AttributeValue v;
  v.data_type = "Binary.gif";
  v.binary_value = std::string("\x00\x01\x02\xff", 4);
  p.attributes.emplace_back("Blob", v);
  p.md5_body[0] = 0xab;
  p.md5_attributes = Md5Digest{};
  p.sent = common::FromEpochMillis(1700000000123);
  p.sender_id = "000000000000";
  p.group_id = "tenant-1";
  m.payload = MessagePayload::Create(std::move(p));
  m.enqueued_ms = 1700000000123;
  m.visible_at_ms = -5;
  m.receive_count = 3;
  m.first_receive_ms = 1700000000999;
  m.dead_letter_source_arn = "arn:aws:sqs:us-east-1:000000000000:src";
  return m;
}

TEST(JournalRecordsTest, EveryRecordTypeRoundTrips) {
  std::vector<Record> records = {
      CreateQueue{7, "orders", 1, 2, {{"VisibilityTimeout", "30"}}, {{"team", "a"}}},
      DeleteQueue{7},
      SetAttributes{7, 3, {{"DelaySeconds", "5"}}},
      SetTags{7, {{"k", "v"}}},
      PurgeQueue{7, 4},
      AddMessages{7, {SampleMessage(), SampleMessage()}},
      DeleteMessages{7, {1, 2, 1ull << 60}},
      Receive{7, 9, 2, 5},
      MoveMessage{7, 9, 8, 10, "arn:aws:sqs:us-east-1:000000000000:orders"},
      DedupEntries{7, {{"g\nid-1", "0f8e4a52-3c1d-4b7a-9e21-5d6c7b8a9f01", 4, 1700000000123}}},
      MoveTask{"h-1", "RUNNING", "arn:aws:sqs:us-east-1:000000000000:dlq", "", 50, 3, 10, "",
               1700000000123},
  };
  for (const auto& r : records) {
    std::string bytes = Encode(r);
    auto back = Decode(bytes);
    ASSERT_TRUE(back.has_value()) << "type " << r.index();
    EXPECT_EQ(Encode(*back), bytes) << "type " << r.index();
  }
  auto add = std::get<AddMessages>(*Decode(Encode(AddMessages{7, {SampleMessage()}})));
  const auto& m = add.messages.at(0);
  EXPECT_EQ(m.payload->body(), SampleMessage().payload->body());
  EXPECT_EQ(m.payload->attributes(), SampleMessage().payload->attributes());
  EXPECT_TRUE(m.payload->md5_attributes().has_value());
  EXPECT_FALSE(m.payload->md5_system_attributes().has_value());
  EXPECT_EQ(m.visible_at_ms, -5);
  EXPECT_EQ(m.dead_letter_source_arn, SampleMessage().dead_letter_source_arn);
}

TEST(JournalRecordsTest, FifoMessagesKeepTheirDeduplicationId) {
  StoredMessage s = SampleMessage();
  PayloadFields f = s.payload->ToFields();
  f.dedup_id = "order-17";
  s.payload = MessagePayload::Create(std::move(f));
  std::string bytes = Encode(AddMessages{7, {s}});
  auto add = std::get<AddMessages>(*Decode(bytes));
  EXPECT_EQ(add.messages.at(0).payload->dedup_id(), "order-17");
  // A message without one encodes as before (no flag, no field).
  auto plain = std::get<AddMessages>(*Decode(Encode(AddMessages{7, {SampleMessage()}})));
  EXPECT_EQ(plain.messages.at(0).payload->dedup_id(), "");
}

TEST(JournalRecordsTest, EveryTruncationIsRejected) {
  std::string bytes = Encode(AddMessages{7, {SampleMessage()}});
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(Decode(std::string_view(bytes).substr(0, n)).has_value()) << n;
  }
}

TEST(JournalRecordsTest, TrailingBytesAndUnknownTypesAreRejected) {
  EXPECT_FALSE(Decode(Encode(DeleteQueue{1}) + "x").has_value());
  EXPECT_FALSE(Decode(std::string("\x63\x01", 2)).has_value());
  EXPECT_FALSE(Decode("").has_value());
}

TEST(JournalRecordsTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 64, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    if (!s.empty()) s[0] = static_cast<char>(1 + rng() % 11);
    (void)Decode(s);
  }
}

}  // namespace
}  // namespace spool::engine::journal

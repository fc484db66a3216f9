#include <gtest/gtest.h>

#include <functional>

#include "protocol/reader.h"

namespace spool::protocol {
namespace {

using StringPairs = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

ReaderPtr Read(std::string_view body) {
  std::string error;
  auto reader = MakeJsonReader(body, &error);
  EXPECT_NE(reader, nullptr) << body << ": " << error;
  return reader;
}

// @aws-sdk/client-sqs 3.1175.0 SendMessage, same content as the CLI call (reference section 11).
constexpr std::string_view kJsSendMessage =
    R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q1","MessageBody":"hello","DelaySeconds":3,)"
    R"("MessageAttributes":{"a":{"DataType":"String","StringValue":"x y&z"},"b":{"DataType":"Binary",)"
    R"("BinaryValue":"AAEC"},"n":{"DataType":"Number.int","StringValue":"42"}},)"
    R"("MessageSystemAttributes":{"AWSTraceHeader":{"DataType":"String",)"
    R"("StringValue":"Root=1-5759e988-bd862e3fe1be46a994272793"}}})";

constexpr std::string_view kJsSendMessageBatch =
    R"({"QueueUrl":"q","Entries":[{"Id":"a","MessageBody":"x"},{"Id":"b","MessageBody":"y",)"
    R"("DelaySeconds":5,"MessageAttributes":{"k":{"DataType":"String","StringValue":"v"}}}]})";

TEST(JsonReader, ReadsJsSendMessage) {
  auto r = Read(kJsSendMessage);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->String("QueueUrl", "QueueUrl"), "http://127.0.0.1:9324/000000000000/q1");
  EXPECT_EQ(r->String("MessageBody", "MessageBody"), "hello");
  EXPECT_EQ(r->Int("DelaySeconds", "DelaySeconds"), 3);
  EXPECT_EQ(r->String("MessageGroupId", "MessageGroupId"), std::nullopt);

  auto attributes = r->StructMap("MessageAttributes", "MessageAttribute");
  ASSERT_TRUE(attributes.has_value());
  ASSERT_EQ(attributes->size(), 3u);
  EXPECT_EQ((*attributes)[0].first, "a");
  EXPECT_EQ((*attributes)[0].second->String("StringValue", "StringValue"), "x y&z");
  EXPECT_EQ((*attributes)[1].first, "b");
  EXPECT_EQ((*attributes)[1].second->String("DataType", "DataType"), "Binary");
  EXPECT_EQ((*attributes)[1].second->Blob("BinaryValue", "BinaryValue"),
            std::string("\x00\x01\x02", 3));
  EXPECT_EQ((*attributes)[2].first, "n");
  EXPECT_EQ((*attributes)[2].second->String("DataType", "DataType"), "Number.int");

  auto system = r->StructMap("MessageSystemAttributes", "MessageSystemAttribute");
  ASSERT_TRUE(system.has_value());
  ASSERT_EQ(system->size(), 1u);
  EXPECT_EQ((*system)[0].first, "AWSTraceHeader");
  EXPECT_EQ((*system)[0].second->String("StringValue", "StringValue"),
            "Root=1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_FALSE(r->error().has_value());
}

TEST(JsonReader, ReadsBatchEntries) {
  auto r = Read(kJsSendMessageBatch);
  ASSERT_NE(r, nullptr);
  auto entries = r->StructList("Entries", "SendMessageBatchRequestEntry");
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0]->String("Id", "Id"), "a");
  EXPECT_EQ((*entries)[0]->Int("DelaySeconds", "DelaySeconds"), std::nullopt);
  EXPECT_EQ((*entries)[1]->Int("DelaySeconds", "DelaySeconds"), 5);
  auto map = (*entries)[1]->StructMap("MessageAttributes", "MessageAttribute");
  ASSERT_TRUE(map.has_value());
  ASSERT_EQ(map->size(), 1u);
  EXPECT_EQ((*map)[0].second->String("StringValue", "StringValue"), "v");
  EXPECT_FALSE(r->error().has_value());
}

TEST(JsonReader, EmptyBodyIsAnEmptyObject) {
  for (std::string_view body : {"", "  \r\n\t", "{}", " { } "}) {
    auto r = Read(body);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->String("QueueUrl", "QueueUrl"), std::nullopt);
    EXPECT_FALSE(r->StructList("Entries", "E").has_value());
    EXPECT_FALSE(r->error().has_value());
  }
}

TEST(JsonReader, RejectsInvalidJsonAndNonObjects) {
  for (std::string_view body :
       {"{", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{'a':1}", "{\"a\":1 /* c */}", "[1]",
        "\"s\"", "null", "1", "true", "{\"a\":\"\xff\"}", "{\"a\":\"\xed\xa0\x80\"}"}) {
    std::string error;
    EXPECT_EQ(MakeJsonReader(body, &error), nullptr) << body;
    EXPECT_FALSE(error.empty()) << body;
  }
}

TEST(JsonReader, RejectsNestingBeyond32) {
  std::string deep = R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}";
  std::string error;
  EXPECT_EQ(MakeJsonReader(deep, &error), nullptr);
  EXPECT_FALSE(error.empty());
}

TEST(JsonReader, NullMemberCountsAsAbsent) {
  auto r = Read(R"({"QueueUrl":null,"DelaySeconds":null,"Entries":null,"Attributes":null,)"
                R"("AttributeNames":null,"MessageAttributes":null,"B":null,"Bl":null})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->String("QueueUrl", "QueueUrl"), std::nullopt);
  EXPECT_EQ(r->Int("DelaySeconds", "DelaySeconds"), std::nullopt);
  EXPECT_FALSE(r->StructList("Entries", "E").has_value());
  EXPECT_EQ(r->StringMap("Attributes", "Attribute"), std::nullopt);
  EXPECT_EQ(r->StringList("AttributeNames", "AttributeName"), std::nullopt);
  EXPECT_FALSE(r->StructMap("MessageAttributes", "MessageAttribute").has_value());
  EXPECT_EQ(r->Bool("B", "B"), std::nullopt);
  EXPECT_EQ(r->Blob("Bl", "Bl"), std::nullopt);
  EXPECT_FALSE(r->error().has_value());
}

TEST(JsonReader, WrongTypesRecordTheFirstError) {
  auto r = Read(R"({"QueueUrl":5,"DelaySeconds":"abc","FifoQueue":"true"})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->String("QueueUrl", "QueueUrl"), std::nullopt);
  ASSERT_TRUE(r->error().has_value());
  EXPECT_EQ(r->error()->field, "QueueUrl");
  EXPECT_EQ(r->error()->message, "expected a string");
  EXPECT_EQ(r->Int("DelaySeconds", "DelaySeconds"), std::nullopt);
  EXPECT_EQ(r->Bool("FifoQueue", "FifoQueue"), std::nullopt);
  EXPECT_EQ(r->error()->field, "QueueUrl");
}

TEST(JsonReader, EveryAccessorRejectsTheWrongShape) {
  const std::string_view body =
      R"({"s":"x","n":1,"o":{"k":1},"a":[1],"ao":["x"],"oo":{"k":"v"},"b":"AAE"})";
  auto r = Read(body);
  ASSERT_NE(r, nullptr);
  struct Case {
    std::string_view field;
    std::function<bool(Reader&)> read;  // true when the read failed
  };
  const std::vector<Case> cases = {
      {"s", [](Reader& x) { return !x.Int("s", "s"); }},
      {"n", [](Reader& x) { return !x.String("n", "n"); }},
      {"n", [](Reader& x) { return !x.Bool("n", "n"); }},
      {"b", [](Reader& x) { return !x.Blob("b", "b"); }},
      {"n", [](Reader& x) { return !x.Blob("n", "n"); }},
      {"a", [](Reader& x) { return !x.StringList("a", "a"); }},
      {"s", [](Reader& x) { return !x.StringList("s", "s"); }},
      {"ao", [](Reader& x) { return !x.BlobList("ao", "ao"); }},
      {"o", [](Reader& x) { return !x.StringMap("o", "o"); }},
      {"a", [](Reader& x) { return !x.StringMap("a", "a"); }},
      {"ao", [](Reader& x) { return !x.StructList("ao", "ao"); }},
      {"o", [](Reader& x) { return !x.StructList("o", "o"); }},
      {"oo", [](Reader& x) { return !x.StructMap("oo", "oo"); }},
      {"a", [](Reader& x) { return !x.StructMap("a", "a"); }},
  };
  for (const Case& c : cases) {
    auto fresh = Read(body);
    EXPECT_TRUE(c.read(*fresh)) << c.field;
    ASSERT_TRUE(fresh->error().has_value()) << c.field;
    EXPECT_EQ(fresh->error()->field, c.field);
  }
}

TEST(JsonReader, NullInsideACollectionIsAShapeError) {
  auto r = Read(R"({"L":["a",null],"M":{"k":null},"E":[null]})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->StringList("L", "L"), std::nullopt);
  EXPECT_EQ(r->StringMap("M", "M"), std::nullopt);
  EXPECT_FALSE(r->StructList("E", "E").has_value());
  EXPECT_EQ(r->error()->field, "L");
}

TEST(JsonReader, Integers) {
  auto r =
      Read(R"({"a":-5,"b":"42","c":3.0,"d":1e2,"e":9223372036854775807,"f":-9223372036854775808,)"
           R"("g":9223372036854775808,"h":1.5,"i":"4x","j":1e300,"k":"","l":true})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Int("a", "a"), -5);
  EXPECT_EQ(r->Int("b", "b"), 42);
  EXPECT_EQ(r->Int("c", "c"), 3);
  EXPECT_EQ(r->Int("d", "d"), 100);
  EXPECT_EQ(r->Int("e", "e"), INT64_MAX);
  EXPECT_EQ(r->Int("f", "f"), INT64_MIN);
  EXPECT_FALSE(r->error().has_value());
  for (std::string_view bad : {"g", "h", "i", "j", "k", "l"}) {
    EXPECT_EQ(r->Int(bad, bad), std::nullopt) << bad;
  }
  EXPECT_EQ(r->error()->field, "g");
}

TEST(JsonReader, BlobsAreBase64Decoded) {
  auto r = Read(R"({"b":"AAEC","e":"","L":["AQ==","AAEC"],"bad":"AA=C","badL":["AQ==","x"]})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Blob("b", "b"), std::string("\x00\x01\x02", 3));
  EXPECT_EQ(r->Blob("e", "e"), "");
  EXPECT_EQ(r->BlobList("L", "L"), (Strings{"\x01", std::string("\x00\x01\x02", 3)}));
  EXPECT_FALSE(r->error().has_value());
  EXPECT_EQ(r->Blob("bad", "bad"), std::nullopt);
  EXPECT_EQ(r->error()->message, "expected base64");
  EXPECT_EQ(r->BlobList("badL", "badL"), std::nullopt);
}

TEST(JsonReader, MapsKeepObjectOrderAndListsKeepArrayOrder) {
  auto r = Read(R"({"Attributes":{"b":"1","a":"2"},"AttributeNames":["z","All"],"tags":{}})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->StringMap("Attributes", "Attribute"), (StringPairs{{"b", "1"}, {"a", "2"}}));
  EXPECT_EQ(r->StringList("AttributeNames", "AttributeName"), (Strings{"z", "All"}));
  EXPECT_EQ(r->StringMap("tags", "Tag", "Key", "Value"), StringPairs{});
}

TEST(JsonReader, UsesTheJsonNameNotTheQueryKey) {
  auto r = Read(R"({"tags":{"k":"v"},"Tag":{"x":"y"}})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->StringMap("tags", "Tag", "Key", "Value"), (StringPairs{{"k", "v"}}));
}

TEST(JsonReader, DecodesStringEscapesToUtf8) {
  auto r = Read(R"({"s":"\u00e9\ud83d\ude00\n\"\\\/","u":"h\u00c3\u00a9"})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->String("s", "s"), "\xc3\xa9\xf0\x9f\x98\x80\n\"\\/");
}

TEST(JsonReader, SubReaderErrorsReachTheRoot) {
  auto r = Read(R"({"Entries":[{"Id":"a"},{"Id":"b","DelaySeconds":"x"}]})");
  ASSERT_NE(r, nullptr);
  auto entries = r->StructList("Entries", "E");
  ASSERT_TRUE(entries.has_value());
  EXPECT_EQ((*entries)[1]->Int("DelaySeconds", "DelaySeconds"), std::nullopt);
  EXPECT_FALSE((*entries)[0]->error().has_value());
  ASSERT_TRUE((*entries)[1]->error().has_value());
  ASSERT_TRUE(r->error().has_value());
  EXPECT_EQ(r->error()->field, "DelaySeconds");
}

TEST(JsonReader, LargeBodiesOutgrowTheArena) {
  std::string body = R"({"Entries":[)";
  for (int i = 0; i < 200; ++i) {
    if (i != 0) body += ",";
    body += R"({"Id":"id)" + std::to_string(i) + R"(","MessageBody":")" + std::string(300, 'x') +
            R"("})";
  }
  body += "]}";
  auto r = Read(body);
  ASSERT_NE(r, nullptr);
  auto entries = r->StructList("Entries", "E");
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 200u);
  EXPECT_EQ((*entries)[199]->String("Id", "Id"), "id199");
  EXPECT_EQ((*entries)[199]->String("MessageBody", "MessageBody"), std::string(300, 'x'));
}

TEST(JsonReader, EveryTruncationOfARealBodyIsRejectedCleanly) {
  for (std::string_view body : {kJsSendMessage, kJsSendMessageBatch}) {
    for (size_t n = 0; n <= body.size(); ++n) {
      std::string error;
      auto r = MakeJsonReader(body.substr(0, n), &error);
      if (n == 0 || n == body.size()) {
        EXPECT_NE(r, nullptr) << n;  // empty counts as {}; the whole body is valid
      } else {
        EXPECT_EQ(r, nullptr) << n;
        EXPECT_FALSE(error.empty()) << n;
      }
    }
  }
}

}  // namespace
}  // namespace spool::protocol

#include <gtest/gtest.h>

#include "protocol/escape.h"
#include "protocol/writer.h"

namespace spool::protocol {
namespace {

std::string Escaped(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

TEST(JsonWriter, ActionWithoutOutputIsAnEmptyObject) {
  EXPECT_EQ(MakeJsonWriter()->Finish(), "{}");
}

TEST(JsonWriter, Scalars) {
  auto w = MakeJsonWriter();
  w->String("QueueUrl", "QueueUrl", "http://127.0.0.1:9324/000000000000/q1");
  w->Int("ApproximateNumberOfMessagesMoved", "ApproximateNumberOfMessagesMoved", -42);
  w->Int("Max", "Max", INT64_MAX);
  w->Bool("T", "T", true);
  w->Bool("F", "F", false);
  w->Blob("B", "B", std::string_view("\x00\x01\x02", 3));
  w->Blob("E", "E", "");
  EXPECT_EQ(w->Finish(),
            R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q1",)"
            R"("ApproximateNumberOfMessagesMoved":-42,"Max":9223372036854775807,"T":true,)"
            R"("F":false,"B":"AAEC","E":""})");
}

TEST(JsonWriter, SendMessageBatchResponseAsCapturedInTheReference) {
  auto w = MakeJsonWriter();
  w->BeginList("Successful", "SendMessageBatchResultEntry");
  w->BeginItem();
  w->String("Id", "Id", "a");
  w->String("MessageId", "MessageId", "m1");
  w->String("MD5OfMessageBody", "MD5OfMessageBody", "5d41402abc4b2a76b9719d911017c592");
  w->EndItem();
  w->EndList();
  w->BeginList("Failed", "BatchResultErrorEntry");
  w->BeginItem();
  w->String("Id", "Id", "b");
  w->Bool("SenderFault", "SenderFault", true);
  w->String("Code", "Code", "InvalidParameterValue");
  w->String("Message", "Message", "bad");
  w->EndItem();
  w->EndList();
  EXPECT_EQ(w->Finish(),
            R"({"Successful":[{"Id":"a","MessageId":"m1","MD5OfMessageBody":)"
            R"("5d41402abc4b2a76b9719d911017c592"}],"Failed":[{"Id":"b","SenderFault":true,)"
            R"("Code":"InvalidParameterValue","Message":"bad"}]})");
}

TEST(JsonWriter, ReceiveMessageResponseAsCapturedInTheReference) {
  auto w = MakeJsonWriter();
  w->BeginList("Messages", "Message");
  w->BeginItem();
  w->String("MessageId", "MessageId", "m1");
  w->String("ReceiptHandle", "ReceiptHandle", "rh1");
  w->String("MD5OfBody", "MD5OfBody", "2d0987628502c4d866bb093cbb4de5e9");
  w->String("Body", "Body", "h\xc3\xa9llo\r\nworld");
  w->StringMap("Attributes", "Attribute",
               {{"SentTimestamp", "1700000000000"}, {"ApproximateReceiveCount", "1"}});
  w->BeginMap("MessageAttributes", "MessageAttribute");
  w->BeginEntry("b");
  w->String("DataType", "DataType", "Binary");
  w->Blob("BinaryValue", "BinaryValue", std::string_view("\x00\x01\x02", 3));
  w->EndEntry();
  w->EndMap();
  w->EndItem();
  w->EndList();
  EXPECT_EQ(w->Finish(),
            "{\"Messages\":[{\"MessageId\":\"m1\",\"ReceiptHandle\":\"rh1\",\"MD5OfBody\":"
            "\"2d0987628502c4d866bb093cbb4de5e9\",\"Body\":\"h\xc3\xa9llo\\r\\nworld\","
            "\"Attributes\":{\"SentTimestamp\":\"1700000000000\",\"ApproximateReceiveCount\":"
            "\"1\"},\"MessageAttributes\":{\"b\":{\"DataType\":\"Binary\",\"BinaryValue\":"
            "\"AAEC\"}}}]}");
}

TEST(JsonWriter, ListsAndMapsOfStrings) {
  auto w = MakeJsonWriter();
  w->StringList("QueueUrls", "QueueUrl", {"u1", "u2"});
  w->StringList("Empty", "X", {});
  w->StringMap("Tags", "Tag", {{"k\"", "v\n"}}, "Key", "Value");
  w->StringMap("None", "Tag", {});
  EXPECT_EQ(w->Finish(), R"({"QueueUrls":["u1","u2"],"Empty":[],"Tags":{"k\"":"v\n"},"None":{}})");
}

TEST(JsonWriter, EmptyListsMapsAndItems) {
  auto w = MakeJsonWriter();
  w->BeginList("L", "l");
  w->EndList();
  w->BeginList("M", "m");
  w->BeginItem();
  w->EndItem();
  w->BeginItem();
  w->EndItem();
  w->EndList();
  w->BeginMap("O", "o");
  w->BeginEntry("k");
  w->EndEntry();
  w->EndMap();
  EXPECT_EQ(w->Finish(), R"({"L":[],"M":[{},{}],"O":{"k":{}}})");
}

TEST(JsonWriter, FinishClosesWhateverIsOpen) {
  auto w = MakeJsonWriter();
  w->BeginList("L", "l");
  w->BeginItem();
  w->BeginMap("M", "m");
  w->BeginEntry("k");
  w->Int("n", "n", 1);
  EXPECT_EQ(w->Finish(), R"({"L":[{"M":{"k":{"n":1}}}]})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Escaped("a\"b\\c/d"), R"("a\"b\\c/d")");
  EXPECT_EQ(Escaped("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Escaped(std::string_view("\x00\x01\x1f\x0b", 4)), R"("\u0000\u0001\u001f\u000b")");
  EXPECT_EQ(Escaped("\x7f"), "\"\x7f\"");  // DEL is legal in JSON strings
  EXPECT_EQ(Escaped(""), R"("")");
}

TEST(JsonWriter, KeepsValidUtf8AndReplacesInvalidBytes) {
  // 2-, 3- and 4-byte sequences, U+2028, U+FFFF: all valid JSON as raw UTF-8.
  const std::string valid = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x80\xa8\xef\xbf\xbf";
  EXPECT_EQ(Escaped(valid), "\"" + valid + "\"");
  // A stray continuation byte, a truncated sequence, an overlong '/', a surrogate, > U+10FFFF.
  EXPECT_EQ(Escaped("a\x80z"), R"("a\ufffdz")");
  EXPECT_EQ(Escaped("a\xc3"), R"("a\ufffd")");
  EXPECT_EQ(Escaped("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(Escaped("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(Escaped("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
  EXPECT_EQ(Escaped("\xe2\x82"), R"("\ufffd\ufffd")");
}

TEST(JsonWriter, EscapesMapKeysAndEntryKeys) {
  auto w = MakeJsonWriter();
  w->BeginMap("M", "m");
  w->BeginEntry("a\"b");
  w->EndEntry();
  w->EndMap();
  EXPECT_EQ(w->Finish(), R"({"M":{"a\"b":{}}})");
}

TEST(JsonWriter, LargeOutputGrowsPastTheInitialReservation) {
  auto w = MakeJsonWriter();
  const std::string body(5000, 'x');
  w->BeginList("Messages", "Message");
  for (int i = 0; i < 3; ++i) {
    w->BeginItem();
    w->String("Body", "Body", body);
    w->EndItem();
  }
  w->EndList();
  const std::string out = w->Finish();
  EXPECT_EQ(out.size(), std::string(R"({"Messages":[]})").size() + 3 * (body.size() + 11) + 2);
}

}  // namespace
}  // namespace spool::protocol

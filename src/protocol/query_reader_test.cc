#include <gtest/gtest.h>

#include "protocol/form.h"
#include "protocol/reader.h"

namespace spool::protocol {
namespace {

using StringPairs = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

ReaderPtr Read(std::string_view body) {
  FormParams params;
  EXPECT_TRUE(ParseForm(body, &params)) << body;
  return MakeQueryReader(std::move(params));
}

// AWS CLI 2.9.19 `sqs send-message` with attributes, a system attribute, delay, group and
// dedup ids (reference section 11).
constexpr std::string_view kCliSendMessage =
    "Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2F127.0.0.1%3A9324%2F000000000000%"
    "2Fq1&MessageBody=hello&DelaySeconds=3&MessageAttribute.1.Name=a&MessageAttribute.1.Value."
    "DataType=String&MessageAttribute.1.Value.StringValue=x+y%26z&MessageAttribute.2.Name=b&"
    "MessageAttribute.2.Value.DataType=Binary&MessageAttribute.2.Value.BinaryValue=AAEC&"
    "MessageAttribute.3.Name=n&MessageAttribute.3.Value.DataType=Number.int&MessageAttribute.3."
    "Value.StringValue=42&MessageSystemAttribute.1.Name=AWSTraceHeader&MessageSystemAttribute.1."
    "Value.DataType=String&MessageSystemAttribute.1.Value.StringValue=Root%3D1-5759e988-"
    "bd862e3fe1be46a994272793&MessageDeduplicationId=d&MessageGroupId=g";

// AWS CLI `sqs create-queue --attributes VisibilityTimeout=45,DelaySeconds=5 --tags k1=v1`.
constexpr std::string_view kCliCreateQueue =
    "Action=CreateQueue&Version=2012-11-05&QueueName=q1&Attribute.1.Name=VisibilityTimeout&"
    "Attribute.1.Value=45&Attribute.2.Name=DelaySeconds&Attribute.2.Value=5&Tag.1.Key=k1&Tag.1."
    "Value=v1";

// boto3 receive_message.
constexpr std::string_view kBotoReceiveMessage =
    "Action=ReceiveMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2F127.0.0.1%3A9324%"
    "2F000000000000%2Fq1&AttributeName.1=All&MessageAttributeName.1=All&MessageAttributeName.2="
    "foo.%2A&MaxNumberOfMessages=10&VisibilityTimeout=5&WaitTimeSeconds=20&"
    "ReceiveRequestAttemptId=att1";

// A SendMessageBatch whose entries are numbered 10, 2 and 1, sent out of order, the 10th with
// an attribute.
constexpr std::string_view kBatchWithIndexes1_2_10 =
    "Action=SendMessageBatch&Version=2012-11-05&QueueUrl=q&"
    "SendMessageBatchRequestEntry.10.Id=ten&SendMessageBatchRequestEntry.10.MessageBody=body10&"
    "SendMessageBatchRequestEntry.10.MessageAttribute.1.Name=k&"
    "SendMessageBatchRequestEntry.10.MessageAttribute.1.Value.DataType=String&"
    "SendMessageBatchRequestEntry.10.MessageAttribute.1.Value.StringValue=v&"
    "SendMessageBatchRequestEntry.2.Id=two&SendMessageBatchRequestEntry.2.MessageBody=body2&"
    "SendMessageBatchRequestEntry.2.DelaySeconds=7&"
    "SendMessageBatchRequestEntry.1.Id=one&SendMessageBatchRequestEntry.1.MessageBody=body1";

TEST(QueryReader, ReadsCliSendMessage) {
  auto r = Read(kCliSendMessage);
  EXPECT_EQ(r->String("QueueUrl", "QueueUrl"), "http://127.0.0.1:9324/000000000000/q1");
  EXPECT_EQ(r->String("MessageBody", "MessageBody"), "hello");
  EXPECT_EQ(r->Int("DelaySeconds", "DelaySeconds"), 3);
  EXPECT_EQ(r->String("MessageDeduplicationId", "MessageDeduplicationId"), "d");
  EXPECT_EQ(r->String("MessageGroupId", "MessageGroupId"), "g");

  auto attributes = r->StructMap("MessageAttributes", "MessageAttribute");
  ASSERT_TRUE(attributes.has_value());
  ASSERT_EQ(attributes->size(), 3u);
  auto& [a, a_value] = (*attributes)[0];
  EXPECT_EQ(a, "a");
  EXPECT_EQ(a_value->String("DataType", "DataType"), "String");
  EXPECT_EQ(a_value->String("StringValue", "StringValue"), "x y&z");
  EXPECT_EQ(a_value->Blob("BinaryValue", "BinaryValue"), std::nullopt);
  auto& [b, b_value] = (*attributes)[1];
  EXPECT_EQ(b, "b");
  EXPECT_EQ(b_value->String("DataType", "DataType"), "Binary");
  EXPECT_EQ(b_value->Blob("BinaryValue", "BinaryValue"), std::string("\x00\x01\x02", 3));
  EXPECT_EQ(b_value->String("StringValue", "StringValue"), std::nullopt);
  auto& [n, n_value] = (*attributes)[2];
  EXPECT_EQ(n, "n");
  EXPECT_EQ(n_value->String("DataType", "DataType"), "Number.int");
  EXPECT_EQ(n_value->String("StringValue", "StringValue"), "42");

  auto system = r->StructMap("MessageSystemAttributes", "MessageSystemAttribute");
  ASSERT_TRUE(system.has_value());
  ASSERT_EQ(system->size(), 1u);
  EXPECT_EQ((*system)[0].first, "AWSTraceHeader");
  EXPECT_EQ((*system)[0].second->String("StringValue", "StringValue"),
            "Root=1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_FALSE(r->error().has_value());
}

TEST(QueryReader, SubReaderSeesOnlyItsOwnMembers) {
  auto r = Read(kCliSendMessage);
  auto attributes = r->StructMap("MessageAttributes", "MessageAttribute");
  ASSERT_TRUE(attributes.has_value());
  auto& value = *(*attributes)[0].second;
  // Root members and the attribute's own Name are outside "MessageAttribute.1.Value.".
  EXPECT_EQ(value.String("MessageBody", "MessageBody"), std::nullopt);
  EXPECT_EQ(value.String("Name", "Name"), std::nullopt);
  EXPECT_EQ(value.String("DataType", "DataType"), "String");
}

TEST(QueryReader, ReadsCliCreateQueueAttributeAndTagMaps) {
  auto r = Read(kCliCreateQueue);
  EXPECT_EQ(r->String("QueueName", "QueueName"), "q1");
  EXPECT_EQ(r->StringMap("Attributes", "Attribute"),
            (StringPairs{{"VisibilityTimeout", "45"}, {"DelaySeconds", "5"}}));
  EXPECT_EQ(r->StringMap("tags", "Tag", "Key", "Value"), (StringPairs{{"k1", "v1"}}));
  EXPECT_FALSE(r->error().has_value());
}

TEST(QueryReader, ReadsBotoReceiveMessageLists) {
  auto r = Read(kBotoReceiveMessage);
  EXPECT_EQ(r->StringList("AttributeNames", "AttributeName"), (Strings{"All"}));
  EXPECT_EQ(r->StringList("MessageAttributeNames", "MessageAttributeName"),
            (Strings{"All", "foo.*"}));
  EXPECT_EQ(r->StringList("MessageSystemAttributeNames", "MessageSystemAttributeName"),
            std::nullopt);
  EXPECT_EQ(r->Int("MaxNumberOfMessages", "MaxNumberOfMessages"), 10);
  EXPECT_EQ(r->Int("VisibilityTimeout", "VisibilityTimeout"), 5);
  EXPECT_EQ(r->Int("WaitTimeSeconds", "WaitTimeSeconds"), 20);
  EXPECT_EQ(r->String("ReceiveRequestAttemptId", "ReceiveRequestAttemptId"), "att1");
  EXPECT_FALSE(r->error().has_value());
}

TEST(QueryReader, StructListEntriesComeInNumericIndexOrder) {
  auto r = Read(kBatchWithIndexes1_2_10);
  auto entries = r->StructList("Entries", "SendMessageBatchRequestEntry");
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0]->String("Id", "Id"), "one");
  EXPECT_EQ((*entries)[0]->Int("DelaySeconds", "DelaySeconds"), std::nullopt);
  EXPECT_EQ((*entries)[1]->String("Id", "Id"), "two");
  EXPECT_EQ((*entries)[1]->Int("DelaySeconds", "DelaySeconds"), 7);
  EXPECT_EQ((*entries)[2]->String("Id", "Id"), "ten");
  EXPECT_EQ((*entries)[2]->String("MessageBody", "MessageBody"), "body10");
  auto attributes = (*entries)[2]->StructMap("MessageAttributes", "MessageAttribute");
  ASSERT_TRUE(attributes.has_value());
  ASSERT_EQ(attributes->size(), 1u);
  EXPECT_EQ((*attributes)[0].first, "k");
  EXPECT_EQ((*attributes)[0].second->String("StringValue", "StringValue"), "v");
  EXPECT_EQ((*entries)[0]->StructMap("MessageAttributes", "MessageAttribute"), std::nullopt);
  EXPECT_FALSE(r->error().has_value());
}

TEST(QueryReader, ListsSortNumericallyAcrossIndexLengths) {
  auto r = Read("N.100=c&N.9=a&N.20=b&N.3=x");
  EXPECT_EQ(r->StringList("Ns", "N"), (Strings{"x", "a", "b", "c"}));
}

TEST(QueryReader, IgnoresKeysWhoseIndexIsNotANumber) {
  auto r = Read(
      "N.0=zero&N.01=leading&N.x=letter&N.=empty&N.1x=suffix&N.1234567890=ten-digits&N.2=two&"
      "N.999999999=max&N.-1=neg&N.1.deep=nested");
  EXPECT_EQ(r->StringList("Ns", "N"), (Strings{"two", "max"}));
  EXPECT_FALSE(r->error().has_value());
}

TEST(QueryReader, DoesNotConfuseMembersSharingAPrefix) {
  auto r = Read(
      "Attribute.1.Name=A&Attribute.1.Value=1&AttributeName.1=All&Attribute-1=x&Attribute=&"
      "Attributes.1.Name=B&Attribute.1.Namespace=z");
  EXPECT_EQ(r->StringMap("Attributes", "Attribute"), (StringPairs{{"A", "1"}}));
  EXPECT_EQ(r->StringList("AttributeNames", "AttributeName"), (Strings{"All"}));
  EXPECT_FALSE(r->error().has_value());
}

TEST(QueryReader, BareJsonNameMeansEmptyList) {
  // botocore's DeleteMessageBatch with no entries, GetQueueAttributes with no names.
  auto r = Read("Action=DeleteMessageBatch&Version=2012-11-05&QueueUrl=q&Entries=");
  auto entries = r->StructList("Entries", "DeleteMessageBatchRequestEntry");
  ASSERT_TRUE(entries.has_value());
  EXPECT_TRUE(entries->empty());

  auto g = Read("Action=GetQueueAttributes&QueueUrl=q&AttributeNames=");
  EXPECT_EQ(g->StringList("AttributeNames", "AttributeName"), Strings{});
  EXPECT_FALSE(r->error().has_value());
  EXPECT_FALSE(g->error().has_value());
}

TEST(QueryReader, BareQueryKeyMeansEmptyCollection) {
  auto r = Read("AttributeName=&Attribute=&Tag&MessageAttribute=&E=");
  EXPECT_EQ(r->StringList("AttributeNames", "AttributeName"), Strings{});
  EXPECT_EQ(r->StringMap("Attributes", "Attribute"), StringPairs{});
  EXPECT_EQ(r->StringMap("tags", "Tag", "Key", "Value"), StringPairs{});
  auto map = r->StructMap("MessageAttributes", "MessageAttribute");
  ASSERT_TRUE(map.has_value());
  EXPECT_TRUE(map->empty());
  auto list = r->StructList("Entries", "E");
  ASSERT_TRUE(list.has_value());
  EXPECT_TRUE(list->empty());
  EXPECT_FALSE(r->error().has_value());
}

TEST(QueryReader, EmptyListInsideAStructure) {
  auto r = Read(
      "MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String&"
      "MessageAttribute.1.Value.StringListValues=");
  auto map = r->StructMap("MessageAttributes", "MessageAttribute");
  ASSERT_TRUE(map.has_value());
  ASSERT_EQ(map->size(), 1u);
  EXPECT_EQ((*map)[0].second->StringList("StringListValues", "StringListValue"), Strings{});
}

TEST(QueryReader, BareNameWithAValueIsAShapeError) {
  auto r = Read("Entries=oops");
  EXPECT_EQ(r->StructList("Entries", "SendMessageBatchRequestEntry"), std::nullopt);
  ASSERT_TRUE(r->error().has_value());
  EXPECT_EQ(r->error()->field, "Entries");
}

TEST(QueryReader, IndexedKeysWinOverABareName) {
  auto r = Read("AttributeNames=&AttributeName.1=All");
  EXPECT_EQ(r->StringList("AttributeNames", "AttributeName"), (Strings{"All"}));
}

TEST(QueryReader, AbsentCollectionsAreNulloptWithoutError) {
  auto r = Read("Action=ListQueues");
  EXPECT_EQ(r->StringList("AttributeNames", "AttributeName"), std::nullopt);
  EXPECT_EQ(r->BlobList("Bs", "B"), std::nullopt);
  EXPECT_EQ(r->StringMap("Attributes", "Attribute"), std::nullopt);
  EXPECT_FALSE(r->StructList("Entries", "E").has_value());
  EXPECT_FALSE(r->StructMap("MessageAttributes", "MessageAttribute").has_value());
  EXPECT_EQ(r->String("QueueUrl", "QueueUrl"), std::nullopt);
  EXPECT_FALSE(r->error().has_value());
}

TEST(QueryReader, WrongIntegerTextRecordsAnError) {
  auto r = Read("DelaySeconds=abc&MaxNumberOfMessages=10");
  EXPECT_EQ(r->Int("DelaySeconds", "DelaySeconds"), std::nullopt);
  ASSERT_TRUE(r->error().has_value());
  EXPECT_EQ(r->error()->field, "DelaySeconds");
  EXPECT_EQ(r->error()->message, "expected an integer");
  // Later reads still work; the first error stays.
  EXPECT_EQ(r->Int("MaxNumberOfMessages", "MaxNumberOfMessages"), 10);
  EXPECT_EQ(r->Bool("MaxNumberOfMessages", "MaxNumberOfMessages"), std::nullopt);
  EXPECT_EQ(r->error()->field, "DelaySeconds");
}

TEST(QueryReader, IntegerText) {
  auto r = Read("a=-5&b=%2B5&c=+5&d=&e=99999999999999999999&f=9223372036854775807&g=1.0&h=0x1");
  EXPECT_EQ(r->Int("a", "a"), -5);
  EXPECT_EQ(r->Int("f", "f"), INT64_MAX);
  for (std::string_view bad : {"b", "c", "d", "e", "g", "h"}) {
    EXPECT_EQ(r->Int(bad, bad), std::nullopt) << bad;
  }
  EXPECT_TRUE(r->error().has_value());
}

TEST(QueryReader, Booleans) {
  auto r = Read("a=true&b=false&c=TRUE&d=yes&e=");
  EXPECT_EQ(r->Bool("a", "a"), true);
  EXPECT_EQ(r->Bool("b", "b"), false);
  EXPECT_EQ(r->Bool("c", "c"), true);
  EXPECT_FALSE(r->error().has_value());
  EXPECT_EQ(r->Bool("d", "d"), std::nullopt);
  EXPECT_EQ(r->error()->field, "d");
  EXPECT_EQ(r->Bool("e", "e"), std::nullopt);
}

TEST(QueryReader, BlobsAndBlobLists) {
  auto r = Read("b=AAEC&bad=AAE&L.2=AQ%3D%3D&L.1=AAEC");
  EXPECT_EQ(r->Blob("b", "b"), std::string("\x00\x01\x02", 3));
  EXPECT_EQ(r->BlobList("Ls", "L"), (Strings{std::string("\x00\x01\x02", 3), "\x01"}));
  EXPECT_FALSE(r->error().has_value());
  EXPECT_EQ(r->Blob("bad", "bad"), std::nullopt);
  ASSERT_TRUE(r->error().has_value());
  EXPECT_EQ(r->error()->field, "bad");
  EXPECT_EQ(r->error()->message, "expected base64");

  auto bad_element = Read("L.1=AAEC&L.2=A");
  EXPECT_EQ(bad_element->BlobList("Ls", "L"), std::nullopt);
  EXPECT_EQ(bad_element->error()->field, "L.2");
}

TEST(QueryReader, SubReaderErrorsReachTheRootWithTheFullKey) {
  auto r = Read(
      "SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.2.Id=b&"
      "SendMessageBatchRequestEntry.2.DelaySeconds=x");
  auto entries = r->StructList("Entries", "SendMessageBatchRequestEntry");
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0]->Int("DelaySeconds", "DelaySeconds"), std::nullopt);
  EXPECT_FALSE((*entries)[0]->error().has_value());
  EXPECT_EQ((*entries)[1]->Int("DelaySeconds", "DelaySeconds"), std::nullopt);
  ASSERT_TRUE((*entries)[1]->error().has_value());
  EXPECT_EQ((*entries)[1]->error()->field, "SendMessageBatchRequestEntry.2.DelaySeconds");
  ASSERT_TRUE(r->error().has_value());
  EXPECT_EQ(r->error()->field, "SendMessageBatchRequestEntry.2.DelaySeconds");
}

TEST(QueryReader, StringMapEntryWithoutKeyIsAnError) {
  auto r = Read("Attribute.1.Name=A&Attribute.1.Value=1&Attribute.2.Value=2");
  EXPECT_EQ(r->StringMap("Attributes", "Attribute"), std::nullopt);
  ASSERT_TRUE(r->error().has_value());
  EXPECT_EQ(r->error()->field, "Attribute.2.Name");
}

TEST(QueryReader, StringMapEntryWithoutValueReadsEmpty) {
  auto r = Read("Attribute.1.Name=Policy&Attribute.2.Name=X&Attribute.2.Value=");
  EXPECT_EQ(r->StringMap("Attributes", "Attribute"), (StringPairs{{"Policy", ""}, {"X", ""}}));
  EXPECT_FALSE(r->error().has_value());
}

TEST(QueryReader, StructMapEntryWithoutKeyIsAnError) {
  auto r = Read("MessageAttribute.1.Value.DataType=String");
  EXPECT_FALSE(r->StructMap("MessageAttributes", "MessageAttribute").has_value());
  ASSERT_TRUE(r->error().has_value());
  EXPECT_EQ(r->error()->field, "MessageAttribute.1.Name");
}

TEST(QueryReader, StructMapEntryWithoutValueIsAnEmptyStructure) {
  auto r = Read("MessageAttribute.1.Name=a");
  auto map = r->StructMap("MessageAttributes", "MessageAttribute");
  ASSERT_TRUE(map.has_value());
  ASSERT_EQ(map->size(), 1u);
  EXPECT_EQ((*map)[0].first, "a");
  EXPECT_EQ((*map)[0].second->String("DataType", "DataType"), std::nullopt);
}

TEST(QueryReader, CustomMapKeyAndValueNames) {
  auto r = Read("Tag.2.Key=b&Tag.2.Value=2&Tag.1.Key=a&Tag.1.Value=1&Tag.1.Name=ignored");
  EXPECT_EQ(r->StringMap("Tags", "Tag", "Key", "Value"), (StringPairs{{"a", "1"}, {"b", "2"}}));
}

TEST(QueryReader, FirstOfRepeatedKeysWins) {
  auto r = Read("QueueUrl=first&N.1=a&QueueUrl=second&N.1=b");
  EXPECT_EQ(r->String("QueueUrl", "QueueUrl"), "first");
  EXPECT_EQ(r->StringList("Ns", "N"), (Strings{"a"}));
}

TEST(QueryReader, QueryKeyNotJsonNameSelectsScalars) {
  auto r = Read("tags=x&Tag=y");
  EXPECT_EQ(r->String("tags", "Tag"), "y");
}

TEST(QueryReader, NestedListsInsideMapValuesInsideListEntries) {
  auto r = Read(
      "E.1.MessageAttribute.1.Name=l&E.1.MessageAttribute.1.Value.DataType=String&"
      "E.1.MessageAttribute.1.Value.StringListValue.2=y&"
      "E.1.MessageAttribute.1.Value.StringListValue.1=x&"
      "E.1.MessageAttribute.1.Value.BinaryListValue.1=AAEC");
  auto entries = r->StructList("Entries", "E");
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  auto map = (*entries)[0]->StructMap("MessageAttributes", "MessageAttribute");
  ASSERT_TRUE(map.has_value());
  ASSERT_EQ(map->size(), 1u);
  auto& value = *(*map)[0].second;
  EXPECT_EQ(value.StringList("StringListValues", "StringListValue"), (Strings{"x", "y"}));
  EXPECT_EQ(value.BlobList("BinaryListValues", "BinaryListValue"),
            (Strings{std::string("\x00\x01\x02", 3)}));
}

TEST(QueryReader, StructListIgnoresScalarIndexedKeys) {
  auto r = Read("E.1=x&E.2.Id=b");
  auto entries = r->StructList("Entries", "E");
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0]->String("Id", "Id"), "b");
}

// Reads every shape a handler might ask for; the result does not matter, only that it is safe.
void ReadEverything(Reader& r) {
  r.String("QueueUrl", "QueueUrl");
  r.Int("DelaySeconds", "DelaySeconds");
  r.StringList("AttributeNames", "AttributeName");
  r.StringMap("Attributes", "Attribute");
  if (auto map = r.StructMap("MessageAttributes", "MessageAttribute")) {
    for (auto& [name, value] : *map) {
      value->String("DataType", "DataType");
      value->Blob("BinaryValue", "BinaryValue");
      value->StringList("StringListValues", "StringListValue");
    }
  }
  if (auto entries = r.StructList("Entries", "SendMessageBatchRequestEntry")) {
    for (auto& entry : *entries) ReadEverything(*entry);
  }
}

TEST(QueryReader, EveryTruncationOfARealBodyIsSafe) {
  for (std::string_view body : {kCliSendMessage, kBatchWithIndexes1_2_10, kCliCreateQueue}) {
    for (size_t n = 0; n <= body.size(); ++n) {
      FormParams params;
      ParseForm(body.substr(0, n), &params);  // may fail on a cut escape: partial params
      auto r = MakeQueryReader(std::move(params));
      ReadEverything(*r);
    }
  }
}

}  // namespace
}  // namespace spool::protocol

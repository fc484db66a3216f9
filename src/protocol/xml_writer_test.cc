#include <gtest/gtest.h>

#include "protocol/escape.h"
#include "protocol/writer.h"

namespace spool::protocol {
namespace {

constexpr std::string_view kDeclaration = R"(<?xml version="1.0"?>)";

std::string Escaped(std::string_view text) {
  std::string out;
  AppendXmlText(&out, text);
  return out;
}

TEST(XmlWriter, ReceiveMessageResponseAsCapturedInTheReference) {
  // Reference section 11: a response botocore 1.29 parsed correctly, Body "line1\r\nline2 & <x>".
  auto w = MakeXmlWriter("ReceiveMessage", "55dc6185-88b9-4663-9e24-75a908fdb689", true);
  w->BeginList("Messages", "Message");
  w->BeginItem();
  w->String("MessageId", "MessageId", "0984147d-49df-4d84-a8d9-378c1772fac8");
  w->String("ReceiptHandle", "ReceiptHandle", "c3Bvb2wtcmgtMDAwMQ+/AbC=");
  w->String("MD5OfBody", "MD5OfBody", "a36aea4589d69b0637433baa78baada5");
  w->String("Body", "Body", "line1\r\nline2 & <x>");
  w->StringMap("Attributes", "Attribute",
               {{"SenderId", "AIDAEXAMPLE000000001"}, {"ApproximateReceiveCount", "1"}});
  w->String("MD5OfMessageAttributes", "MD5OfMessageAttributes", "0911ac989fa4a4b3440f074ba9941547");
  w->BeginMap("MessageAttributes", "MessageAttribute");
  w->BeginEntry("b");
  w->Blob("BinaryValue", "BinaryValue", std::string_view("\x00\x01\x02", 3));
  w->String("DataType", "DataType", "Binary");
  w->EndEntry();
  w->EndMap();
  w->EndItem();
  w->EndList();
  const std::string captured =
      "<ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
      "<ReceiveMessageResult><Message><MessageId>0984147d-49df-4d84-a8d9-378c1772fac8</MessageId>"
      "<ReceiptHandle>c3Bvb2wtcmgtMDAwMQ+/AbC=</ReceiptHandle>"
      "<MD5OfBody>a36aea4589d69b0637433baa78baada5</MD5OfBody><Body>line1&#xD;\n"
      "line2 &amp; &lt;x&gt;</Body><Attribute><Name>SenderId</Name><Value>AIDAEXAMPLE000000001"
      "</Value></Attribute><Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value>"
      "</Attribute><MD5OfMessageAttributes>0911ac989fa4a4b3440f074ba9941547"
      "</MD5OfMessageAttributes><MessageAttribute><Name>b</Name><Value><BinaryValue>AAEC"
      "</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute></Message>"
      "</ReceiveMessageResult><ResponseMetadata><RequestId>55dc6185-88b9-4663-9e24-75a908fdb689"
      "</RequestId></ResponseMetadata></ReceiveMessageResponse>";
  EXPECT_EQ(w->Finish(), std::string(kDeclaration) + captured);
}

TEST(XmlWriter, ActionWithoutOutputHasOnlyResponseMetadata) {
  auto w = MakeXmlWriter("DeleteMessage", "rid-1", false);
  EXPECT_EQ(w->Finish(),
            R"(<?xml version="1.0"?><DeleteMessageResponse )"
            R"(xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ResponseMetadata>)"
            R"(<RequestId>rid-1</RequestId></ResponseMetadata></DeleteMessageResponse>)");
}

TEST(XmlWriter, EmptyResultIsStillWritten) {
  // botocore 1.29 raised KeyError: 'ReceiveMessageResult' when it was missing.
  auto w = MakeXmlWriter("ReceiveMessage", "r", true);
  EXPECT_EQ(w->Finish(),
            R"(<?xml version="1.0"?><ReceiveMessageResponse )"
            R"(xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ReceiveMessageResult/>)"
            R"(<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>)"
            R"(</ReceiveMessageResponse>)");
  // An empty list writes nothing, so the result stays empty.
  auto l = MakeXmlWriter("ListQueues", "r", true);
  l->StringList("QueueUrls", "QueueUrl", {});
  l->BeginList("X", "Y");
  l->EndList();
  EXPECT_NE(l->Finish().find("<ListQueuesResult/>"), std::string::npos);
}

// The part of a response between <{Action}Result> and </{Action}Result>.
std::string ResultOf(std::unique_ptr<Writer> w, std::string_view action) {
  const std::string out = w->Finish();
  const std::string open = "<" + std::string(action) + "Result>";
  const std::string close = "</" + std::string(action) + "Result>";
  const size_t start = out.find(open);
  const size_t end = out.find(close);
  EXPECT_NE(start, std::string::npos) << out;
  EXPECT_NE(end, std::string::npos) << out;
  if (start == std::string::npos || end == std::string::npos) return out;
  return out.substr(start + open.size(), end - start - open.size());
}

TEST(XmlWriter, ListsAreFlattened) {
  auto w = MakeXmlWriter("ListQueues", "r", true);
  w->StringList("QueueUrls", "QueueUrl", {"u1", "u2"});
  w->String("NextToken", "NextToken", "t");
  EXPECT_EQ(ResultOf(std::move(w), "ListQueues"),
            "<QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl><NextToken>t</NextToken>");
}

TEST(XmlWriter, StringMapsUseTheirEntryKeyAndValueNames) {
  auto w = MakeXmlWriter("ListQueueTags", "r", true);
  w->StringMap("Tags", "Tag", {{"k1", "v1"}, {"k2", ""}}, "Key", "Value");
  EXPECT_EQ(ResultOf(std::move(w), "ListQueueTags"),
            "<Tag><Key>k1</Key><Value>v1</Value></Tag><Tag><Key>k2</Key><Value></Value></Tag>");
}

TEST(XmlWriter, SendMessageBatchResult) {
  auto w = MakeXmlWriter("SendMessageBatch", "r", true);
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
  w->String("Message", "Message", "bad <input>");
  w->EndItem();
  w->EndList();
  EXPECT_EQ(ResultOf(std::move(w), "SendMessageBatch"),
            "<SendMessageBatchResultEntry><Id>a</Id><MessageId>m1</MessageId>"
            "<MD5OfMessageBody>5d41402abc4b2a76b9719d911017c592</MD5OfMessageBody>"
            "</SendMessageBatchResultEntry><BatchResultErrorEntry><Id>b</Id>"
            "<SenderFault>true</SenderFault><Code>InvalidParameterValue</Code>"
            "<Message>bad &lt;input&gt;</Message></BatchResultErrorEntry>");
}

TEST(XmlWriter, IntsAndBools) {
  auto w = MakeXmlWriter("CancelMessageMoveTask", "r", true);
  w->Int("ApproximateNumberOfMessagesMoved", "ApproximateNumberOfMessagesMoved", 1234567890123);
  w->Int("N", "N", -1);
  w->Bool("B", "B", false);
  EXPECT_EQ(ResultOf(std::move(w), "CancelMessageMoveTask"),
            "<ApproximateNumberOfMessagesMoved>1234567890123</ApproximateNumberOfMessagesMoved>"
            "<N>-1</N><B>false</B>");
}

TEST(XmlWriter, FinishClosesWhateverIsOpen) {
  auto w = MakeXmlWriter("ReceiveMessage", "r", true);
  w->BeginList("Messages", "Message");
  w->BeginItem();
  w->BeginMap("MessageAttributes", "MessageAttribute");
  w->BeginEntry("k");
  w->String("DataType", "DataType", "String");
  EXPECT_EQ(ResultOf(std::move(w), "ReceiveMessage"),
            "<Message><MessageAttribute><Name>k</Name><Value><DataType>String</DataType></Value>"
            "</MessageAttribute></Message>");
}

TEST(XmlWriter, EscapesMapKeysAndRequestId) {
  auto w = MakeXmlWriter("GetQueueAttributes", "a&b", true);
  w->StringMap("Attributes", "Attribute", {{"<k>", "&"}});
  const std::string out = w->Finish();
  EXPECT_NE(out.find("<Attribute><Name>&lt;k&gt;</Name><Value>&amp;</Value></Attribute>"),
            std::string::npos);
  EXPECT_NE(out.find("<RequestId>a&amp;b</RequestId>"), std::string::npos);
}

TEST(XmlWriter, CopiesActionAndRequestId) {
  std::unique_ptr<Writer> w;
  {
    std::string action = "GetQueueUrl";
    std::string request_id(100, 'r');  // longer than the inline copy
    w = MakeXmlWriter(action, request_id, true);
    action.assign(action.size(), 'x');
    request_id.assign(request_id.size(), 'x');
  }
  const std::string out = w->Finish();
  EXPECT_NE(out.find("<GetQueueUrlResult/>"), std::string::npos);
  EXPECT_NE(out.find("<RequestId>" + std::string(100, 'r') + "</RequestId>"), std::string::npos);
  EXPECT_NE(out.find("</GetQueueUrlResponse>"), std::string::npos);
}

TEST(XmlWriter, EscapesMarkupAndCarriageReturn) {
  EXPECT_EQ(Escaped("a&b<c>d\re\nf\tg\"h'i"), "a&amp;b&lt;c&gt;d&#xD;e\nf\tg\"h'i");
  EXPECT_EQ(Escaped(""), "");
}

TEST(XmlWriter, ReplacesCharactersXmlCannotCarry) {
  const std::string kFffd = "\xef\xbf\xbd";
  EXPECT_EQ(Escaped(std::string_view("a\x00"
                                     "b\x01\x08\x0b\x0c\x1f",
                                     8)),
            "a" + kFffd + "b" + kFffd + kFffd + kFffd + kFffd + kFffd);
  EXPECT_EQ(Escaped("\xef\xbf\xbe\xef\xbf\xbf"), kFffd + kFffd);  // U+FFFE, U+FFFF
  EXPECT_EQ(Escaped("\xff"), kFffd);
  EXPECT_EQ(Escaped("\xed\xa0\x80"), kFffd + kFffd + kFffd);
  // Everything SQS allows in a body passes unchanged: U+E000, U+FFFD, U+10000, U+10FFFF, DEL.
  const std::string allowed = "\xee\x80\x80\xef\xbf\xbd\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\x7f";
  EXPECT_EQ(Escaped(allowed), allowed);
}

}  // namespace
}  // namespace spool::protocol

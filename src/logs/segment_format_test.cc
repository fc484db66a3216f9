#include "logs/segment_format.h"

#include <gtest/gtest.h>

namespace spool::logs {
namespace {

TEST(SegmentFormat, LineRoundTripsEscapes) {
  std::string line;
  AppendLine(1700000000123, 1700000000456, "2026/01/31/[$LATEST]ab\tc", "a\\b\tc\rd\ne", &line);
  EXPECT_EQ(line, "1700000000123\t1700000000456\t2026/01/31/[$LATEST]ab\\tc\ta\\\\b\\tc\\rd\\ne\n");
  auto parsed = ParseLine(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->timestamp_ms, 1700000000123);
  EXPECT_EQ(parsed->ingestion_ms, 1700000000456);
  EXPECT_EQ(parsed->stream, "2026/01/31/[$LATEST]ab\tc");
  EXPECT_EQ(parsed->message, "a\\b\tc\rd\ne");
}

TEST(SegmentFormat, EmptyMessageAndZeroTimes) {
  std::string line;
  AppendLine(0, -5, "s", "", &line);
  EXPECT_EQ(line, "0\t0\ts\t\n");
  auto parsed = ParseLine("0\t0\ts\t");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->message, "");
}

TEST(SegmentFormat, RejectsMalformedLines) {
  for (std::string_view bad : {
           "",
           "1\t2\ts",                       // three fields
           "x\t2\ts\tm",                    // not a number
           "-1\t2\ts\tm",                   // sign
           "01\t2\ts\tm",                   // leading zero
           "1\t\ts\tm",                     // empty number
           "1234567890123456789\t2\ts\tm",  // 19 digits
           "1\t2\ts\tm\tmore",              // raw tab in the message
           "1\t2\ts\tbad\\x",               // unknown escape
           "1\t2\ts\ttrailing\\",           // lone backslash
       }) {
    EXPECT_FALSE(ParseLine(bad)) << bad;
  }
  EXPECT_TRUE(ParseLine("1\t2\t\tm"));  // an empty stream name parses (the store never writes one)
}

TEST(SegmentFormat, TimestampOnly) {
  EXPECT_EQ(ParseTimestamp("42\twhatever"), 42);
  EXPECT_FALSE(ParseTimestamp("42"));
  EXPECT_FALSE(ParseTimestamp("4a\t"));
}

TEST(SegmentFormat, FileNames) {
  EXPECT_EQ(SegmentFileName(42), "00000000000000000042.log");
  EXPECT_EQ(ParseSegmentFileName("00000000000000000042.log"), 42u);
  EXPECT_FALSE(ParseSegmentFileName("0000000000000000042.log"));
  EXPECT_FALSE(ParseSegmentFileName("00000000000000000042.txt"));
  EXPECT_FALSE(ParseSegmentFileName("0000000000000000004x.log"));
  EXPECT_FALSE(ParseSegmentFileName("+0000000000000000042.log"));
}

}  // namespace
}  // namespace spool::logs

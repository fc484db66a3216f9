#include "bench/message_body.h"

#include <gtest/gtest.h>

namespace spool::bench {
namespace {

TEST(MessageBodyTest, RoundTripsHeaderAtRequestedSize) {
  std::string body;
  MakeBody({0x0123456789abcdefULL, 42, 1'700'000'000'123'456'789}, 256, &body);
  EXPECT_EQ(body.size(), 256u);
  auto h = ParseBody(body);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->run_id, 0x0123456789abcdefULL);
  EXPECT_EQ(h->seq, 42u);
  EXPECT_EQ(h->send_nanos, 1'700'000'000'123'456'789);
}

TEST(MessageBodyTest, BodiesArePrintableAscii) {
  std::string body;
  MakeBody({~uint64_t{0}, ~uint64_t{0}, 5}, 1000, &body);
  for (char c : body) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c);
  MakeBody({1, 2, 3}, kBodyHeaderSize, &body);
  EXPECT_EQ(body.size(), kBodyHeaderSize);
  EXPECT_TRUE(ParseBody(body));
}

TEST(MessageBodyTest, OtherBodiesAreNotOurs) {
  EXPECT_FALSE(ParseBody("hello"));
  EXPECT_FALSE(ParseBody(std::string(100, 'x')));
  std::string body;
  MakeBody({1, 2, 3}, 64, &body);
  body[10] = 'z';  // not a hex digit
  EXPECT_FALSE(ParseBody(body));
}

}  // namespace
}  // namespace spool::bench

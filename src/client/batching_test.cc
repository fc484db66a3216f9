#include "client/batching.h"

#include <gtest/gtest.h>

namespace spool::client {
namespace {

using Ranges = std::vector<std::pair<size_t, size_t>>;

std::vector<SendMessageBatchEntry> Entries(std::vector<size_t> body_sizes) {
  std::vector<SendMessageBatchEntry> out;
  for (size_t size : body_sizes) out.push_back({.body = std::string(size, 'x')});
  return out;
}

TEST(BatchingTest, TenEntriesPerRequest) {
  EXPECT_EQ(SplitSendBatches(Entries(std::vector<size_t>(25, 10))),
            (Ranges{{0, 10}, {10, 20}, {20, 25}}));
  EXPECT_EQ(SplitSendBatches({}), Ranges{});
  EXPECT_EQ(SplitByCount(21), (Ranges{{0, 10}, {10, 20}, {20, 21}}));
  EXPECT_EQ(SplitByCount(0), Ranges{});
}

TEST(BatchingTest, At256KiBPerRequestCountingAttributes) {
  const size_t k100 = 100 * 1024;
  EXPECT_EQ(SplitSendBatches(Entries({k100, k100, k100, 10})), (Ranges{{0, 2}, {2, 4}}));
  // Exactly the limit fits.
  EXPECT_EQ(SplitSendBatches(Entries({128 * 1024, 128 * 1024})), (Ranges{{0, 2}}));
  auto with_attribute = Entries({128 * 1024, 128 * 1024});
  with_attribute[1].message_attributes = {{"a", MessageAttributeValue::String("b")}};
  EXPECT_EQ(EntrySize(with_attribute[1]), 128 * 1024 + 1 + 6 + 1);
  EXPECT_EQ(SplitSendBatches(with_attribute), (Ranges{{0, 1}, {1, 2}}));
}

TEST(BatchingTest, AnOversizedEntryGoesAlone) {
  EXPECT_EQ(SplitSendBatches(Entries({10, 300 * 1024, 10})), (Ranges{{0, 1}, {1, 2}, {2, 3}}));
}

}  // namespace
}  // namespace spool::client

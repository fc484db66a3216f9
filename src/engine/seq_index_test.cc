#include "engine/seq_index.h"

#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

namespace spool::engine {
namespace {

// Slots are indices into `seqs`, as a queue's slots name its messages.
struct SeqOfVector {
  const std::vector<uint64_t>* seqs;
  uint64_t operator()(uint32_t slot) const { return (*seqs)[slot]; }
};

TEST(SeqIndexTest, EmptyIndexFindsNothing) {
  std::vector<uint64_t> seqs;
  SeqIndex<SeqOfVector> index{SeqOfVector{&seqs}};
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.Find(1), SeqIndex<SeqOfVector>::kNone);
}

TEST(SeqIndexTest, FindsWhatWasInsertedAndNotWhatWasErased) {
  std::vector<uint64_t> seqs;
  SeqIndex<SeqOfVector> index{SeqOfVector{&seqs}};
  for (uint32_t i = 0; i < 1000; ++i) {
    seqs.push_back(i + 1);
    index.Insert(i + 1, i);
  }
  EXPECT_EQ(index.size(), 1000u);
  for (uint32_t i = 0; i < 1000; i += 2) index.Erase(i + 1, i);
  EXPECT_EQ(index.size(), 500u);
  for (uint32_t i = 0; i < 1000; ++i) {
    if (i % 2 == 0) {
      EXPECT_EQ(index.Find(i + 1), SeqIndex<SeqOfVector>::kNone) << i;
    } else {
      EXPECT_EQ(index.Find(i + 1), i) << i;
    }
  }
  EXPECT_EQ(index.Find(5000), SeqIndex<SeqOfVector>::kNone);
}

TEST(SeqIndexTest, GrowsAndShrinksWithItsContents) {
  std::vector<uint64_t> seqs;
  SeqIndex<SeqOfVector> index{SeqOfVector{&seqs}};
  for (uint32_t i = 0; i < 100000; ++i) {
    seqs.push_back(i * 7 + 3);
    index.Insert(seqs.back(), i);
  }
  size_t full = index.bucket_count();
  EXPECT_GE(full * 3, 100000u * 4);  // at most 3/4 full
  for (uint32_t i = 0; i < 99990; ++i) index.Erase(seqs[i], i);
  EXPECT_LT(index.bucket_count(), full / 100);
  for (uint32_t i = 99990; i < 100000; ++i) EXPECT_EQ(index.Find(seqs[i]), i);
  index.Clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.Find(seqs.back()), SeqIndex<SeqOfVector>::kNone);
}

// Random inserts and erases (colliding probe runs included, with a tiny key space that wraps
// around the table) always agree with std::unordered_map.
TEST(SeqIndexTest, AgreesWithAMapUnderRandomOperations) {
  std::mt19937_64 rng(42);
  std::vector<uint64_t> seqs;
  SeqIndex<SeqOfVector> index{SeqOfVector{&seqs}};
  std::unordered_map<uint64_t, uint32_t> model;
  std::vector<uint32_t> free_slots;
  for (int step = 0; step < 200000; ++step) {
    uint64_t seq = rng() % 3000;
    auto it = model.find(seq);
    if (it == model.end()) {
      uint32_t slot;
      if (!free_slots.empty()) {
        slot = free_slots.back();
        free_slots.pop_back();
        seqs[slot] = seq;
      } else {
        slot = static_cast<uint32_t>(seqs.size());
        seqs.push_back(seq);
      }
      index.Insert(seq, slot);
      model.emplace(seq, slot);
    } else {
      index.Erase(seq, it->second);
      free_slots.push_back(it->second);
      model.erase(it);
    }
    uint64_t probe = rng() % 3000;
    auto found = model.find(probe);
    ASSERT_EQ(index.Find(probe),
              found == model.end() ? SeqIndex<SeqOfVector>::kNone : found->second)
        << "step " << step;
  }
  EXPECT_EQ(index.size(), model.size());
  for (const auto& [seq, slot] : model) EXPECT_EQ(index.Find(seq), slot);
}

}  // namespace
}  // namespace spool::engine

#include "engine/timer_heap.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace spool::engine {
namespace {

struct Item {
  int64_t key = 0;
  size_t index = kNotInHeap;
  int id = 0;
};

using Heap = TimerHeap<Item, int64_t, &Item::key, &Item::index>;

// Pops everything, returning the keys in the order the heap gave them.
std::vector<int64_t> Drain(Heap* heap) {
  std::vector<int64_t> keys;
  while (!heap->empty()) {
    Item* top = heap->top();
    keys.push_back(top->key);
    heap->Remove(top);
    EXPECT_EQ(top->index, kNotInHeap);
  }
  return keys;
}

TEST(TimerHeapTest, StartsEmpty) {
  Heap heap;
  EXPECT_TRUE(heap.empty());
  EXPECT_EQ(heap.size(), 0u);
}

TEST(TimerHeapTest, TopIsTheSmallestKey) {
  std::vector<Item> items = {{5}, {3}, {9}, {1}, {7}};
  Heap heap;
  for (auto& it : items) heap.Push(&it);
  EXPECT_EQ(heap.size(), 5u);
  EXPECT_EQ(heap.top()->key, 1);
  EXPECT_EQ(Drain(&heap), (std::vector<int64_t>{1, 3, 5, 7, 9}));
}

TEST(TimerHeapTest, RemovingAnElementNotInTheHeapIsANoOp) {
  Item in{1}, out{0};
  Heap heap;
  heap.Push(&in);
  heap.Remove(&out);
  EXPECT_EQ(heap.size(), 1u);
  heap.Remove(&in);
  heap.Remove(&in);  // twice
  EXPECT_TRUE(heap.empty());
}

TEST(TimerHeapTest, RemovingFromTheMiddleKeepsOrder) {
  std::vector<Item> items(20);
  Heap heap;
  for (int i = 0; i < 20; ++i) {
    items[i].key = (i * 7) % 20;
    heap.Push(&items[i]);
  }
  // Remove the keys 0, 5, 10 and 15 wherever they sit.
  for (auto& it : items) {
    if (it.key % 5 == 0) heap.Remove(&it);
  }
  std::vector<int64_t> expected;
  for (int k = 0; k < 20; ++k) {
    if (k % 5 != 0) expected.push_back(k);
  }
  EXPECT_EQ(Drain(&heap), expected);
}

TEST(TimerHeapTest, ClearForgetsEveryIndex) {
  std::vector<Item> items = {{2}, {1}, {3}};
  Heap heap;
  for (auto& it : items) heap.Push(&it);
  heap.Clear();
  EXPECT_TRUE(heap.empty());
  for (auto& it : items) EXPECT_EQ(it.index, kNotInHeap);
  heap.Push(&items[0]);  // reusable afterwards
  EXPECT_EQ(heap.top(), &items[0]);
}

TEST(TimerHeapTest, RandomPushesAndRemovalsMatchASortedReference) {
  std::mt19937_64 rng(20240601);
  constexpr int kItems = 500;
  std::vector<std::unique_ptr<Item>> items;
  for (int i = 0; i < kItems; ++i) {
    items.push_back(std::make_unique<Item>());
    items.back()->id = i;
  }
  Heap heap;
  std::set<std::pair<int64_t, int>> reference;  // (key, id)
  std::uniform_int_distribution<int> pick(0, kItems - 1);
  std::uniform_int_distribution<int64_t> key(0, 200);  // small range: many equal keys
  std::uniform_int_distribution<int> op(0, 9);

  for (int step = 0; step < 20000; ++step) {
    Item* it = items[pick(rng)].get();
    bool in_heap = it->index != kNotInHeap;
    int o = op(rng);
    if (!in_heap && o < 5) {
      it->key = key(rng);
      heap.Push(it);
      reference.emplace(it->key, it->id);
    } else if (in_heap && o < 8) {
      heap.Remove(it);
      reference.erase({it->key, it->id});
    } else if (in_heap) {
      // Re-key: remove, change, push (how a visibility change uses it).
      heap.Remove(it);
      reference.erase({it->key, it->id});
      it->key = key(rng);
      heap.Push(it);
      reference.emplace(it->key, it->id);
    } else if (!heap.empty()) {
      Item* top = heap.top();
      ASSERT_EQ(top->key, reference.begin()->first);
      heap.Remove(top);
      reference.erase({top->key, top->id});
    }
    ASSERT_EQ(heap.size(), reference.size()) << "step " << step;
    if (!reference.empty()) {
      ASSERT_EQ(heap.top()->key, reference.begin()->first) << "step " << step;
    }
  }
  // Every element's index names its own slot.
  for (const auto& it : items) {
    bool in_ref = reference.count({it->key, it->id}) > 0;
    EXPECT_EQ(it->index != kNotInHeap, in_ref);
  }
  std::vector<int64_t> expected;
  for (const auto& [k, id] : reference) expected.push_back(k);
  EXPECT_EQ(Drain(&heap), expected);
}

}  // namespace
}  // namespace spool::engine

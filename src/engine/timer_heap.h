#pragma once
// An intrusive binary min-heap whose elements know their own index, so that removing or
// re-keying any element is O(log n) (the shape of beanstalkd's heap). Elements are pointers;
// the key and the index are members of the element named by template parameters.
// Not thread-safe: the owner's lock guards it.

#include <cstddef>
#include <vector>

namespace spool::engine {

inline constexpr size_t kNotInHeap = static_cast<size_t>(-1);

template <class T, class Key, Key T::*kKey, size_t T::*kIndex>
class TimerHeap {
 public:
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  T* top() const { return items_.front(); }

  void Push(T* x) {
    x->*kIndex = items_.size();
    items_.push_back(x);
    SiftUp(items_.size() - 1);
  }

  // Removes `x` if it is in the heap.
  void Remove(T* x) {
    size_t i = x->*kIndex;
    if (i == kNotInHeap) return;
    x->*kIndex = kNotInHeap;
    T* last = items_.back();
    items_.pop_back();
    if (i == items_.size()) return;
    items_[i] = last;
    last->*kIndex = i;
    if (!SiftUp(i)) SiftDown(i);
  }

  void Clear() {
    for (T* x : items_) x->*kIndex = kNotInHeap;
    items_.clear();
  }

 private:
  bool Less(size_t a, size_t b) const { return items_[a]->*kKey < items_[b]->*kKey; }

  void Swap(size_t a, size_t b) {
    std::swap(items_[a], items_[b]);
    items_[a]->*kIndex = a;
    items_[b]->*kIndex = b;
  }

  bool SiftUp(size_t i) {
    bool moved = false;
    while (i > 0) {
      size_t parent = (i - 1) / 2;
      if (!Less(i, parent)) break;
      Swap(i, parent);
      i = parent;
      moved = true;
    }
    return moved;
  }

  void SiftDown(size_t i) {
    while (true) {
      size_t l = 2 * i + 1, r = l + 1, m = i;
      if (l < items_.size() && Less(l, m)) m = l;
      if (r < items_.size() && Less(r, m)) m = r;
      if (m == i) return;
      Swap(i, m);
      i = m;
    }
  }

  std::vector<T*> items_;
};

}  // namespace spool::engine

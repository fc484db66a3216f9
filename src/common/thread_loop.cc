#include "common/thread_loop.h"

namespace spool::common {
namespace {
thread_local ThreadLoop* current_loop = nullptr;
}  // namespace

ThreadLoop* ThreadLoop::Current() { return current_loop; }
void ThreadLoop::SetCurrent(ThreadLoop* loop) { current_loop = loop; }

}  // namespace spool::common

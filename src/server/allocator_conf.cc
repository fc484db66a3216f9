// jemalloc's options for the spool binary (linked only in builds that use jemalloc). A background
// thread returns freed memory to the system on its decay schedule even while the server is idle;
// without it, jemalloc purges only when the same arena allocates again, so a server that drained a
// large backlog could keep its peak RSS indefinitely.

extern "C" {
// jemalloc reads this symbol at start (its documented "malloc_conf" global).
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true";
}

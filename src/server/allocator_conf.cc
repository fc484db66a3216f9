// jemalloc's options for the spool binary (linked only in builds that use jemalloc). A background
// thread returns freed memory to the system on its decay schedule even while the server is idle;
// without it, jemalloc purges only when the same arena allocates again, so a server that drained a
// large backlog could keep its peak RSS indefinitely.
//
// Freed pages go back after about a second (dirty_decay_ms, default 10 s): while a large backlog
// is written, the 10-second default held 8-9 MiB of freed request and index memory on top of the
// live data (peak RSS 386 MiB for 1,000,000 queued 256-byte messages, 378-380 MiB with 1 s), at no
// measurable cost in throughput (docs/performance.md). MALLOC_CONF still overrides both.

extern "C" {
// jemalloc reads this symbol at start (its documented "malloc_conf" global).
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000";
}

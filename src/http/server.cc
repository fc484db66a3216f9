#include "http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/log.h"
#include "common/thread_loop.h"

namespace spool::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using common::Log;
using common::LogLevel;
using RequestParser = bhttp::request_parser<bhttp::string_body>;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// After an error response, how long to keep reading (and discarding) what the client still
// sends, so that closing does not reset the connection before the client has read the response.
constexpr std::chrono::seconds kLingerTime{2};
// When the drain timeout has passed, how long Stop() waits for the forced closes to take effect.
constexpr std::chrono::seconds kForceCloseWait{2};
// Pause after a failed accept (e.g. out of file descriptors) so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptBackoff{50};
// An idle connection's read buffer is given back when it grew beyond this (large bodies pass
// through it in 64 KiB reads), so thousands of idle keep-alive connections stay small.
constexpr size_t kIdleBufferCapacity = 16 * 1024;
// The read buffer's capacity between requests. Beast reads at most the free capacity (and at
// least 512 bytes), so a buffer grown only as needed takes a 3 KiB request in six 512-byte
// reads; with this much free it takes one.
constexpr size_t kReadBufferCapacity = 8 * 1024;

// IMF-fixdate (RFC 7231 section 7.1.1.1), formatted once per second per thread.
std::string_view HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  thread_local std::time_t cached_second = -1;
  thread_local char cached[64];
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm;
    gmtime_r(&now, &tm);
    std::snprintf(cached, sizeof cached, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    cached_second = now;
  }
  return cached;
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Rejects handler headers that would corrupt the response framing.
bool IsValidHeader(const Header& h) {
  if (h.name.empty() || !std::all_of(h.name.begin(), h.name.end(), IsTokenChar)) return false;
  return h.value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

Response ErrorResponse(int status) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
  r.body = std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(status))) + "\n";
  return r;
}

bool IsServerOwnedHeader(std::string_view name) {
  for (std::string_view owned :
       {"connection", "transfer-encoding", "date", "server", "content-length"}) {
    if (beast::iequals(name, owned)) return true;
  }
  return false;
}

// A response on the wire: the status line and headers in one string, the body beside it, written
// together by one gather write. (Written by hand rather than through Beast's serializer, which
// allocated per header and walked a long buffer sequence on every write.)
struct WireResponse {
  std::string head;
  std::string body;
  std::array<asio::const_buffer, 2> buffers() const {
    return {asio::buffer(head), asio::buffer(body)};
  }
};

// `head`: answering a HEAD request: the headers a GET would get, Content-Length included, and
// no body (RFC 9110 section 9.3.2).
WireResponse ToWire(Response r, unsigned version, bool keep_alive, std::string_view server_name,
                    bool head) {
  WireResponse w;
  const int status = (r.status >= 200 && r.status <= 599) ? r.status : 500;
  const bool has_body = status != 204 && status != 304;
  std::string& h = w.head;
  h.reserve(256);
  h.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  char number[24];
  h.append(number, std::to_chars(number, number + sizeof number, status).ptr);
  h.push_back(' ');
  h.append(bhttp::obsolete_reason(static_cast<bhttp::status>(status)));
  h.append("\r\n");
  for (const Header& x : r.headers) {
    if (!IsValidHeader(x) || IsServerOwnedHeader(x.name)) continue;
    h.append(x.name).append(": ").append(x.value).append("\r\n");
  }
  h.append("Date: ").append(HttpDate()).append("\r\n");
  h.append("Server: ").append(server_name).append("\r\n");
  if (has_body) {
    h.append("Content-Length: ")
        .append(number, std::to_chars(number, number + sizeof number, r.body.size()).ptr)
        .append("\r\n");
    if (!head) w.body = std::move(r.body);
  }
  // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 closes unless told to keep it.
  if (version >= 11 && !keep_alive) h.append("Connection: close\r\n");
  if (version < 11 && keep_alive) h.append("Connection: keep-alive\r\n");
  h.append("\r\n");
  return w;
}

// The status to answer a failed read with, or 0 to close without answering.
int StatusForReadError(const beast::error_code& ec) {
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return 0;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) return 400;
  return 0;  // Transport errors, timeouts, Stop().
}

std::string RemoteAddress(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "";
  asio::ip::address a = peer.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
  }
  return a.to_string();
}

Request ToRequest(bhttp::request<bhttp::string_body> m, std::string remote_address) {
  Request r;
  r.headers.reserve(static_cast<size_t>(std::distance(m.begin(), m.end())));
  r.method = std::string(m.method_string());
  r.target = std::string(m.target());
  for (const auto& f : m)
    r.headers.push_back({std::string(f.name_string()), std::string(f.value())});
  r.body = std::move(m.body());
  r.remote_address = std::move(remote_address);
  return r;
}

// What a connection is doing, as far as Stop() is concerned.
enum class Phase {
  kReading,  // waiting for or reading a request: Stop() closes it at once
  kBusy,     // a request is being handled or its response written: Stop() lets it finish
  kClosing,  // answering an error and closing
};

// One client connection. Every member is touched only on the connection's I/O thread (the stream's
// executor is that thread's io_context), by its coroutine or by handlers posted there.
struct Connection {
  Connection(tcp::socket socket, uint64_t id, std::string remote)
      : stream(std::move(socket)),
        wake(stream.get_executor()),
        id(id),
        remote_address(std::move(remote)) {
    wake.expires_at(asio::steady_timer::time_point::max());
  }

  void Close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
  }
  void OnStop() {
    if (phase != Phase::kBusy) Close();
  }
  void ForceClose() {
    force_closed = true;
    Close();
    wake.cancel();
  }
  // The outcome of request `seq`: a response, or nullopt when the handler dropped `done`.
  void Deliver(uint64_t seq, std::optional<Response> response) {
    if (seq != call_seq || has_result) return;
    has_result = true;
    result = std::move(response);
    wake.cancel();
  }

  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  asio::steady_timer wake;  // never expires; cancelled to resume the coroutine awaiting `done`
  const uint64_t id;
  const std::string remote_address;
  Phase phase = Phase::kReading;
  uint64_t call_seq = 0;  // the request being handled
  bool has_result = false;
  std::optional<Response> result;
  bool force_closed = false;
};

// An I/O thread's io_context as the thread's common::ThreadLoop.
class IoLoop final : public common::ThreadLoop {
 public:
  explicit IoLoop(asio::io_context* ioc) : ioc_(ioc) {}
  void Post(std::function<void()> fn) override { asio::post(*ioc_, std::move(fn)); }

 private:
  asio::io_context* const ioc_;
};

// Whether the io_context may still be posted to. Respond functions can outlive the server.
struct Gate {
  std::mutex mu;
  bool open = true;  // guarded by mu
};

// One request's hand-off between its connection and the handler's `done`, which may run on any
// thread. While Handle() is still on the stack the result is kept here (the common, synchronous
// case costs no post); afterwards it is posted to the connection's io_context.
class Call {
 public:
  Call(std::shared_ptr<Gate> gate, std::weak_ptr<Connection> conn, uint64_t seq)
      : gate_(std::move(gate)), conn_(std::move(conn)), seq_(seq) {}

  // Only the first call counts; nullopt means the handler dropped `done` without calling it.
  void Complete(std::optional<Response> response) {
    {
      std::lock_guard lock(mu_);
      if (completed_) return;
      completed_ = true;
      if (in_handle_) {
        inline_result_ = std::move(response);
        return;
      }
    }
    // The gate lock keeps the io_context alive until the post (and the connection reference)
    // is done.
    std::lock_guard lock(gate_->mu);
    if (!gate_->open) return;
    if (std::shared_ptr<Connection> c = conn_.lock()) {
      asio::post(c->stream.get_executor(), [c, seq = seq_, r = std::move(response)]() mutable {
        c->Deliver(seq, std::move(r));
      });
    }
  }

  // Called once Handle() returned. True when `done` already completed; *out is its result.
  bool FinishHandle(std::optional<Response>* out) {
    std::lock_guard lock(mu_);
    in_handle_ = false;
    if (!completed_) return false;
    *out = std::move(inline_result_);
    return true;
  }

 private:
  const std::shared_ptr<Gate> gate_;
  const std::weak_ptr<Connection> conn_;
  const uint64_t seq_;
  std::mutex mu_;
  bool in_handle_ = true;                  // guarded by mu_
  bool completed_ = false;                 // guarded by mu_
  std::optional<Response> inline_result_;  // guarded by mu_
};

// Shared by every copy of a request's `done`: the last copy going away uncalled means the handler
// dropped the request, which is answered with a 500 rather than left hanging.
struct Responder {
  explicit Responder(std::shared_ptr<Call> c) : call(std::move(c)) {}
  ~Responder() { call->Complete(std::nullopt); }
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  const std::shared_ptr<Call> call;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, Handler* h)
      : options(std::move(o)),
        handler(h),
        thread_count(options.threads != 0 ? options.threads
                                          : std::max(1u, std::thread::hardware_concurrency())),
        contexts(MakeContexts(thread_count)),
        acceptor(contexts.front()->get_executor()) {}

  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(unsigned n) {
    std::vector<std::unique_ptr<asio::io_context>> v;
    for (unsigned i = 0; i < n; ++i) v.push_back(std::make_unique<asio::io_context>(1));
    return v;
  }
  bool OnIoThread() const {
    for (const auto& c : contexts) {
      if (c->get_executor().running_in_this_thread()) return true;
    }
    return false;
  }

  ~Impl() {
    Stop();
    std::lock_guard lock(gate->mu);
    gate->open = false;
  }

  bool Start(std::string* error);
  void Stop();
  void Wait();

  bool Register(const std::shared_ptr<Connection>& c);
  void Unregister(uint64_t id);
  // Posts `fn` to the I/O thread of every live connection. Requires mu.
  template <typename Fn>
  void PostToConnections(Fn fn);

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> c);
  asio::awaitable<void> ServeRequests(std::shared_ptr<Connection> c);
  asio::awaitable<std::optional<Response>> Dispatch(std::shared_ptr<Connection> c, Request req);
  asio::awaitable<void> AnswerErrorAndClose(std::shared_ptr<Connection> c, int status);

  enum class State { kNew, kRunning, kStopping, kStopped };

  const ServerOptions options;
  Handler* const handler;
  const unsigned thread_count;
  const std::shared_ptr<Gate> gate = std::make_shared<Gate>();
  std::atomic<uint16_t> port{0};
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> next_id{0};

  std::mutex mu;
  std::condition_variable cv;  // signalled on state changes and when conns becomes empty
  State state = State::kNew;   // guarded by mu
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> conns;  // guarded by mu

  // One io_context per I/O thread, each run by that thread alone: a connection lives on one of
  // them (assigned round robin at accept) and needs no strand or lock. Declared after the
  // bookkeeping above: destroying an io_context destroys suspended coroutines, which must not
  // outlive what they refer to.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  // Keep each thread's run() going while its context has no connection.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  size_t next_context = 0;  // used by the accept loop only
  tcp::acceptor acceptor;   // on contexts[0]
  std::vector<std::thread> threads;
};

bool Server::Impl::Start(std::string* error) {
  auto fail = [error](std::string message) {
    if (error != nullptr) *error = std::move(message);
    return false;
  };
  std::lock_guard lock(mu);
  if (state != State::kNew) return fail("http server: Start() called twice or after Stop()");
  const bool v6_literal = options.host.find(':') != std::string::npos;
  const std::string where =
      (v6_literal ? "[" + options.host + "]" : options.host) + ":" + std::to_string(options.port);
  beast::error_code ec;
  tcp::resolver resolver(*contexts.front());
  auto endpoints = resolver.resolve(options.host, std::to_string(options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return fail("http server: cannot resolve listen address " + where + ": " + ec.message());
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return fail("http server: cannot listen on " + where + ": " + ec.message());
  }
  port = acceptor.local_endpoint().port();
  state = State::kRunning;
  asio::co_spawn(acceptor.get_executor(), Accept(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      Log(LogLevel::kError, "http_accept_loop_failed", {{"error", ex.what()}});
    }
  });
  threads.reserve(thread_count);
  for (unsigned i = 0; i < thread_count; ++i) {
    asio::io_context* ioc = contexts[i].get();
    keep_running.push_back(asio::make_work_guard(*ioc));
    threads.emplace_back([ioc] {
      // Code running on this thread (storage::Log's commit rounds) may queue work behind the
      // handlers already here instead of waking another thread.
      IoLoop loop(ioc);
      common::ThreadLoop::SetCurrent(&loop);
      while (true) {
        try {
          ioc->run();
          common::ThreadLoop::SetCurrent(nullptr);
          return;
        } catch (const std::exception& e) {
          Log(LogLevel::kError, "http_io_thread_exception", {{"error", e.what()}});
        }
      }
    });
  }
  return true;
}

template <typename Fn>
void Server::Impl::PostToConnections(Fn fn) {
  for (const auto& [id, weak] : conns) {
    if (std::shared_ptr<Connection> c = weak.lock()) {
      asio::post(c->stream.get_executor(), [c, fn] { fn(*c); });
    }
  }
}

void Server::Impl::Stop() {
  if (OnIoThread()) {
    Log(LogLevel::kError, "http_stop_called_on_io_thread");
    std::abort();
  }
  std::unique_lock lock(mu);
  if (state == State::kNew) {
    state = State::kStopped;
    cv.notify_all();
    return;
  }
  if (state != State::kRunning) {
    cv.wait(lock, [this] { return state == State::kStopped; });
    return;
  }
  state = State::kStopping;
  stopping = true;
  asio::post(acceptor.get_executor(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
  });
  PostToConnections([](Connection& c) { c.OnStop(); });
  if (!cv.wait_for(lock, options.drain_timeout, [this] { return conns.empty(); })) {
    PostToConnections([](Connection& c) { c.ForceClose(); });
    cv.wait_for(lock, kForceCloseWait, [this] { return conns.empty(); });
  }
  lock.unlock();
  keep_running.clear();
  for (auto& ioc : contexts) ioc->stop();
  for (std::thread& t : threads) t.join();
  threads.clear();
  lock.lock();
  state = State::kStopped;
  cv.notify_all();
}

void Server::Impl::Wait() {
  std::unique_lock lock(mu);
  cv.wait(lock, [this] { return state == State::kStopped || state == State::kNew; });
}

bool Server::Impl::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu);
  if (state != State::kRunning || conns.size() >= options.max_connections) return false;
  conns.emplace(c->id, c);
  return true;
}

void Server::Impl::Unregister(uint64_t id) {
  std::lock_guard lock(mu);
  conns.erase(id);
  if (conns.empty()) cv.notify_all();
}

asio::awaitable<void> Server::Impl::Accept() {
  while (true) {
    asio::io_context& target = *contexts[next_context++ % contexts.size()];
    auto [ec, socket] =
        co_await acceptor.async_accept(asio::any_io_executor(target.get_executor()), kTuple);
    if (ec) {
      if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
      Log(LogLevel::kWarn, "http_accept_failed", {{"error", ec.message()}});
      asio::steady_timer backoff(acceptor.get_executor(), kAcceptBackoff);
      co_await backoff.async_wait(kTuple);
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::string remote = RemoteAddress(socket);
    auto c = std::make_shared<Connection>(std::move(socket), ++next_id, std::move(remote));
    // Over max_connections or stopping: `c` goes out of scope and the socket closes.
    if (!Register(c)) continue;
    asio::co_spawn(c->stream.get_executor(), Serve(c), asio::detached);
  }
}

asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection> c) {
  try {
    co_await ServeRequests(c);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "http_connection_failed", {{"error", e.what()}});
  }
  c->Close();
  Unregister(c->id);
}

asio::awaitable<void> Server::Impl::ServeRequests(std::shared_ptr<Connection> c) {
  const auto header_limit = static_cast<uint32_t>(
      std::min<size_t>(options.max_header_bytes, std::numeric_limits<uint32_t>::max()));
  const size_t upload_limit = options.is_upload ? options.max_upload_body_bytes : 0;
  while (true) {
    c->phase = Phase::kReading;
    if (c->buffer.size() == 0 && c->buffer.capacity() > kIdleBufferCapacity) {
      c->buffer.shrink_to_fit();
    }
    if (c->buffer.capacity() < kReadBufferCapacity) c->buffer.reserve(kReadBufferCapacity);
    RequestParser parser;
    parser.header_limit(header_limit);
    // Beast checks a Content-Length against the limit as the header completes, so the parser
    // starts with the largest limit and the request's own is applied once its target is known.
    parser.body_limit(std::max(options.max_body_bytes, upload_limit));
    beast::error_code ec;
    size_t n = 0;
    c->stream.expires_after(options.idle_timeout);
    std::tie(ec, n) = co_await bhttp::async_read_header(c->stream, c->buffer, parser, kTuple);
    if (!ec && upload_limit > options.max_body_bytes) {
      const auto& header = parser.get();
      const size_t limit = options.is_upload(header.method_string(), header.target())
                               ? upload_limit
                               : options.max_body_bytes;
      if (parser.content_length() && *parser.content_length() > limit) {
        ec = bhttp::error::body_limit;
      } else {
        parser.body_limit(limit);
      }
    }
    if (!ec && !parser.is_done()) {
      if (parser.get().version() >= 11 &&
          beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
        std::tie(ec, n) = co_await bhttp::async_write(c->stream, go_on, kTuple);
      }
      if (!ec) {
        c->stream.expires_after(options.idle_timeout);
        std::tie(ec, n) = co_await bhttp::async_read(c->stream, c->buffer, parser, kTuple);
      }
    }
    if (ec) {
      const int status = StatusForReadError(ec);
      if (status != 0 && c->stream.socket().is_open()) co_await AnswerErrorAndClose(c, status);
      co_return;
    }
    if (!c->stream.socket().is_open()) co_return;  // Stop() closed it as the request arrived.

    c->phase = Phase::kBusy;
    c->stream.expires_never();  // a long poll may legitimately take longer than idle_timeout
    bhttp::request<bhttp::string_body> message = parser.release();
    const unsigned version = message.version();
    const bool head = message.method() == bhttp::verb::head;
    bool keep_alive = message.keep_alive();
    std::optional<Response> response =
        co_await Dispatch(c, ToRequest(std::move(message), c->remote_address));
    if (!response) {
      if (c->force_closed) co_return;
      response = ErrorResponse(500);
      keep_alive = false;
    }
    keep_alive = keep_alive && !stopping;
    WireResponse res = ToWire(std::move(*response), version, keep_alive, options.server_name, head);
    c->stream.expires_after(options.idle_timeout);
    std::tie(ec, n) = co_await asio::async_write(c->stream, res.buffers(), kTuple);
    if (ec || !keep_alive || stopping) co_return;
  }
}

asio::awaitable<std::optional<Response>> Server::Impl::Dispatch(std::shared_ptr<Connection> c,
                                                                Request req) {
  const uint64_t seq = ++c->call_seq;
  c->has_result = false;
  c->result.reset();
  auto call = std::make_shared<Call>(gate, c, seq);
  {
    auto responder = std::make_shared<Responder>(call);
    Respond done = [responder](Response r) { responder->call->Complete(std::move(r)); };
    responder.reset();
    try {
      handler->Handle(std::move(req), std::move(done));
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "http_handler_threw", {{"error", e.what()}});
      call->Complete(ErrorResponse(500));
    } catch (...) {
      Log(LogLevel::kError, "http_handler_threw");
      call->Complete(ErrorResponse(500));
    }
  }
  std::optional<Response> result;
  if (call->FinishHandle(&result)) co_return result;
  while (!c->has_result && !c->force_closed) co_await c->wake.async_wait(kTuple);
  co_return std::move(c->result);
}

asio::awaitable<void> Server::Impl::AnswerErrorAndClose(std::shared_ptr<Connection> c, int status) {
  c->phase = Phase::kClosing;
  WireResponse res = ToWire(ErrorResponse(status), 11, false, options.server_name, false);
  c->stream.expires_after(std::min<std::chrono::seconds>(options.idle_timeout, kLingerTime));
  auto [ec, n] = co_await asio::async_write(c->stream, res.buffers(), kTuple);
  if (ec || stopping) co_return;
  // Half-close, then drain until the client closes or the linger time is up.
  c->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  c->stream.expires_after(kLingerTime);
  char discard[4096];
  while (!ec) std::tie(ec, n) = co_await c->stream.async_read_some(asio::buffer(discard), kTuple);
}

Server::Server(ServerOptions options, Handler* handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() = default;

bool Server::Start(std::string* error) { return impl_->Start(error); }

uint16_t Server::port() const { return impl_->port; }

void Server::Stop() { impl_->Stop(); }

void Server::Wait() { impl_->Wait(); }

}  // namespace spool::http

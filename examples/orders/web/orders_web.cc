// orders-web: the orders demo's web app. Serves the order form (static/index.html) and
// POST /api/placeOrder, which checks the order (order.h) and sends it to the `orders` queue with
// spool::Client, answering 200 only once Spool has accepted it.
//
// Credentials: the app's own key is the send-only key kept in the secret `orders/web-key`
// (made by `spool apply examples/orders/spool.toml`), read through Secrets Manager with the
// bootstrap credentials of the standard AWS chain (environment, shared credentials file) and
// cached (spool::SecretCredentials). The same program talks to Amazon SQS when its endpoint and
// credentials say so.
//
//   orders-web [--listen 127.0.0.1:3000] [--endpoint-url http://127.0.0.1:9324]
//              [--queue orders] [--key-secret orders/web-key] [--static DIR]
//
// Answers: 200 {"orderId", "messageId"}; 400 {"error"} for a bad order; 503 {"error"} when
// Spool cannot be reached or refuses the send (nothing was enqueued). One thread per
// connection, at most 64 at once; SIGINT/SIGTERM stop it.

#include <signal.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "order.h"
#include "spool/client.h"
#include "spool/secret_credentials.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

struct Config {
  std::string listen = "127.0.0.1:3000";
  std::string endpoint;  // "" : AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, http://127.0.0.1:9324
  std::string queue = "orders";
  std::string key_secret = "orders/web-key";
  std::string static_dir = ORDERS_WEB_STATIC_DIR;
};

std::string NewId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  std::snprintf(buf, sizeof buf, "ord-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::string Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The queue: its URL is looked up once (again after a failure), then sends go to it.
class OrderQueue {
 public:
  OrderQueue(spool::Client client, std::string name)
      : client_(std::move(client)), name_(std::move(name)) {}

  // The message id, or the error.
  spool::Result<std::string> Send(const std::string& body) {
    std::string url;
    {
      std::lock_guard lock(mu_);
      url = url_;
    }
    if (url.empty()) {
      auto got = client_.GetQueueUrl(name_);
      if (!got.ok()) return got.error();
      url = *got;
      std::lock_guard lock(mu_);
      url_ = url;
    }
    spool::SendMessageRequest request;
    request.queue_url = url;
    request.body = body;
    auto sent = client_.SendMessage(request);
    if (!sent.ok()) {
      if (sent.error().IsQueueDoesNotExist()) {
        std::lock_guard lock(mu_);
        url_.clear();
      }
      return sent.error();
    }
    return sent->message_id;
  }

 private:
  spool::Client client_;
  std::string name_;
  std::mutex mu_;
  std::string url_;
};

http::response<http::string_body> JsonAnswer(unsigned version, http::status status,
                                             const json::object& body) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

std::optional<std::string> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

http::response<http::string_body> Handle(const Config& config, OrderQueue& queue,
                                         const http::request<http::string_body>& req) {
  const unsigned v = req.version();
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/api/placeOrder") {
    if (req.method() != http::verb::post) {
      return JsonAnswer(v, http::status::method_not_allowed, {{"error", "Use POST."}});
    }
    std::string problem;
    auto order = orders::ParseOrder(req.body(), &problem);
    if (!order) {
      std::printf("order refused: %s\n", problem.c_str());
      std::fflush(stdout);
      std::fflush(stdout);
      return JsonAnswer(v, http::status::bad_request, {{"error", problem}});
    }
    std::string id = NewId();
    auto sent = queue.Send(orders::OrderMessage(*order, id, Now()));
    if (!sent.ok()) {
      std::printf("order %s NOT placed: %s\n", id.c_str(), sent.error().ToString().c_str());
      std::fflush(stdout);
      return JsonAnswer(v, http::status::service_unavailable,
                        {{"error",
                          "The order service is unavailable right now, so your order was not "
                          "placed. Please try again in a moment."}});
    }
    std::printf("order %s placed: %lld x %s for %s (message %s)\n", id.c_str(),
                static_cast<long long>(order->quantity), std::string(orders::kProductId).c_str(),
                order->name.c_str(), sent->c_str());
    std::fflush(stdout);
    return JsonAnswer(v, http::status::ok, {{"orderId", id}, {"messageId", *sent}});
  }
  if (path == "/healthz") return JsonAnswer(v, http::status::ok, {{"ok", true}});
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    return JsonAnswer(v, http::status::method_not_allowed, {{"error", "Use GET."}});
  }
  if (path == "/" || path == "/index.html") {
    auto page = ReadFile(std::filesystem::path(config.static_dir) / "index.html");
    if (!page) {
      return JsonAnswer(v, http::status::internal_server_error, {{"error", "page missing"}});
    }
    http::response<http::string_body> res{http::status::ok, v};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.body() = std::move(*page);
    res.prepare_payload();
    return res;
  }
  return JsonAnswer(v, http::status::not_found, {{"error", "Not found."}});
}

// The connections being served, so that a stop can end them (a browser keeps one open).
std::mutex g_mu;
std::condition_variable g_cv;
std::set<tcp::socket*> g_sockets;
size_t g_active = 0;  // threads serving a connection (counted before they start)
std::atomic<bool> g_stop{false};

void Serve(const Config& config, OrderQueue& queue, tcp::socket socket) {
  // Uncounted last, once the socket is closed: main() destroys the io_context the socket belongs
  // to as soon as no thread is counted.
  struct Uncount {
    ~Uncount() {
      std::lock_guard lock(g_mu);
      --g_active;
      g_cv.notify_all();
    }
  } uncount;
  beast::tcp_stream stream(std::move(socket));
  {
    std::lock_guard lock(g_mu);
    g_sockets.insert(&stream.socket());
    // A stop that came before this connection was registered did not end it: end it here.
    if (g_stop) {
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_receive, ec);
    }
  }
  struct Unregister {
    tcp::socket* s;
    ~Unregister() {
      std::lock_guard lock(g_mu);
      g_sockets.erase(s);
    }
  } unregister{&stream.socket()};
  beast::flat_buffer buffer;
  while (true) {
    stream.expires_after(std::chrono::seconds(30));
    http::request_parser<http::string_body> parser;
    parser.body_limit(16 * 1024);
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec == http::error::body_limit) {
      auto res = JsonAnswer(11, http::status::payload_too_large, {{"error", "Too large."}});
      res.keep_alive(false);
      http::write(stream, res, ec);
      return;
    }
    if (ec) return;
    auto req = parser.release();
    auto res = Handle(config, queue, req);
    res.keep_alive(req.keep_alive());
    if (req.method() == http::verb::head) res.body().clear();
    stream.expires_after(std::chrono::seconds(30));
    http::write(stream, res, ec);
    if (ec || !res.keep_alive()) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "orders-web: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      *out = argv[++i];
    };
    if (arg == "--listen") {
      value(&config.listen);
    } else if (arg == "--endpoint-url") {
      value(&config.endpoint);
    } else if (arg == "--queue") {
      value(&config.queue);
    } else if (arg == "--key-secret") {
      value(&config.key_secret);
    } else if (arg == "--static") {
      value(&config.static_dir);
    } else {
      std::fprintf(stderr,
                   "usage: orders-web [--listen HOST:PORT] [--endpoint-url URL] [--queue NAME] "
                   "[--key-secret NAME] [--static DIR]\n");
      return 2;
    }
  }
  // Spool's client: the send-only key from the secret, fetched with the bootstrap credentials.
  spool::ClientOptions bootstrap;
  bootstrap.endpoint = config.endpoint;
  bootstrap.connect_timeout = std::chrono::milliseconds(1000);
  bootstrap.request_timeout = std::chrono::milliseconds(5000);
  bootstrap.max_attempts = 3;
  bootstrap.retry_base_delay = std::chrono::milliseconds(50);
  bootstrap.retry_max_delay = std::chrono::milliseconds(500);
  spool::ClientOptions options = bootstrap;
  options.credentials = spool::SecretCredentials(config.key_secret, bootstrap);
  auto client = spool::Client::Create(options);
  if (!client.ok()) {
    std::fprintf(stderr, "orders-web: %s\n", client.error().ToString().c_str());
    return 2;
  }
  std::string endpoint = client->endpoint();
  OrderQueue queue(std::move(*client), config.queue);

  auto colon = config.listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "orders-web: --listen takes HOST:PORT\n");
    return 2;
  }
  asio::io_context io;
  tcp::acceptor acceptor(io);
  try {
    tcp::endpoint at(asio::ip::make_address(config.listen.substr(0, colon)),
                     static_cast<unsigned short>(std::stoi(config.listen.substr(colon + 1))));
    acceptor.open(at.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(at);
    acceptor.listen();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orders-web: cannot listen on %s: %s\n", config.listen.c_str(), e.what());
    return 1;
  }
  auto bound = acceptor.local_endpoint();
  std::printf("orders-web listening on http://%s:%u (orders go to queue %s at %s)\n",
              bound.address().to_string().c_str(), bound.port(), config.queue.c_str(),
              endpoint.c_str());
  std::fflush(stdout);

  // SIGINT/SIGTERM: a thread waits for them and closes the acceptor.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    g_stop = true;
    // Closing a socket does not wake a thread blocked in accept(); shutting it down does.
    ::shutdown(acceptor.native_handle(), SHUT_RDWR);
  });

  constexpr size_t kMaxConnections = 64;
  while (!g_stop) {
    beast::error_code ec;
    tcp::socket socket(io);
    acceptor.accept(socket, ec);
    if (ec) {
      if (g_stop) break;
      continue;
    }
    {
      std::unique_lock lock(g_mu);
      g_cv.wait(lock, [&] { return g_active < kMaxConnections; });
      ++g_active;
    }
    std::thread([&config, &queue, s = std::move(socket)]() mutable {
      Serve(config, queue, std::move(s));
    }).detach();
  }
  waiter.join();
  // Connections still open are ended; a request in progress still gets its answer first.
  std::unique_lock lock(g_mu);
  for (tcp::socket* s : g_sockets) {
    beast::error_code ec;
    s->shutdown(tcp::socket::shutdown_receive, ec);
  }
  bool all_ended = g_cv.wait_for(lock, std::chrono::seconds(10), [] { return g_active == 0; });
  std::printf("orders-web stopped\n");
  std::fflush(stdout);
  // A connection still being served uses io and queue: leave without destroying them.
  if (!all_ended) std::_Exit(0);
  return 0;
}

#include "client/fake_http_server.h"

#include <strings.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace spool::client::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string FakeRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
  }
  return "";
}

std::string FakeRequest::Action() const {
  std::string target_header = Header("X-Amz-Target");
  size_t dot = target_header.find('.');
  return dot == std::string::npos ? target_header : target_header.substr(dot + 1);
}

FakeReply FakeReply::SqsError(int status, const std::string& query_code, const std::string& shape,
                              const std::string& message) {
  FakeReply r;
  r.status = status;
  r.headers = {{"x-amzn-query-error", query_code + (status >= 500 ? ";Receiver" : ";Sender")},
               {"x-amzn-RequestId", "req-" + shape}};
  r.body = R"({"__type":"com.amazonaws.sqs#)" + shape + R"(","message":")" + message + R"("})";
  return r;
}

struct FakeHttpServer::Impl {
  Script script;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread accept_thread;
  mutable std::mutex mu;
  std::vector<FakeRequest> requests;               // guarded by mu
  std::vector<std::shared_ptr<tcp::socket>> open;  // guarded by mu
  std::vector<std::thread> connection_threads;     // guarded by mu
  bool stopped = false;                            // guarded by mu
};

FakeHttpServer::FakeHttpServer(Script script) : impl_(std::make_unique<Impl>()) {
  impl_->script = std::move(script);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept_thread = std::thread([this] {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(impl_->ioc);
      beast::error_code ec;
      impl_->acceptor.accept(*socket, ec);
      if (ec) return;
      const int number = ++connections_;
      std::lock_guard lock(impl_->mu);
      if (impl_->stopped) return;
      impl_->open.push_back(socket);
      impl_->connection_threads.emplace_back([this, socket, number] {
        beast::flat_buffer buffer;
        for (;;) {
          http::request<http::string_body> req;
          beast::error_code rec;
          http::read(*socket, buffer, req, rec);
          if (rec) return;
          FakeRequest got;
          got.target = std::string(req.target());
          for (const auto& f : req) {
            got.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
          }
          got.body = req.body();
          got.connection = number;
          FakeReply reply;
          {
            std::lock_guard lock(impl_->mu);
            impl_->requests.push_back(got);
            reply = impl_->script(got, static_cast<int>(impl_->requests.size()) - 1);
          }
          if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
          if (reply.drop) {
            socket->shutdown(tcp::socket::shutdown_both, rec);
            socket->close(rec);
            return;
          }
          http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
          res.set(http::field::content_type, "application/x-amz-json-1.0");
          for (const auto& [k, v] : reply.headers) res.set(k, v);
          res.body() = reply.body;
          res.keep_alive(!reply.close_after);
          res.prepare_payload();
          http::write(*socket, res, rec);
          if (rec || reply.close_after) {
            socket->shutdown(tcp::socket::shutdown_both, rec);
            socket->close(rec);
            return;
          }
        }
      });
    }
  });
}

FakeHttpServer::~FakeHttpServer() { Stop(); }

std::string FakeHttpServer::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<FakeRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

void FakeHttpServer::CloseConnections() {
  std::lock_guard lock(impl_->mu);
  for (auto& s : impl_->open) {
    beast::error_code ec;
    s->shutdown(tcp::socket::shutdown_both, ec);
  }
}

void FakeHttpServer::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
    for (auto& s : impl_->open) {
      beast::error_code ec;
      s->shutdown(tcp::socket::shutdown_both, ec);
    }
  }
  // A blocking accept() is not woken by closing the acceptor: connect once, so it returns and
  // sees `stopped`.
  beast::error_code ec;
  {
    asio::io_context ioc;
    tcp::socket poke(ioc);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  }
  impl_->acceptor.close(ec);
  {
    std::lock_guard lock(impl_->mu);
    threads.swap(impl_->connection_threads);
  }
  for (auto& t : threads) t.join();
}

}  // namespace spool::client::testing

// handle-order in C++: the orders demo's worker as a Lambda custom runtime. Built as an
// executable named `bootstrap`, it speaks the Lambda Runtime API (2018-06-01) itself, as a
// function of runtime `provided.al2023` does on AWS Lambda: fetch the next invocation, handle
// its SQS batch, post the response; repeat. Same behaviour as worker/index.js: an order above
// MAX_QUANTITY fails every time and is reported in batchItemFailures.
//
// Uses Boost.Beast (synchronous HTTP/1.1 over one keep-alive connection) and Boost.JSON.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/json/src.hpp>  // Boost.JSON compiled into this program (header-only mode)

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

class RuntimeApi {
 public:
  explicit RuntimeApi(const std::string& host_port) : stream_(io_) {
    auto colon = host_port.rfind(':');
    host_ = host_port.substr(0, colon);
    port_ = host_port.substr(colon + 1);
  }

  // The next invocation's request id and event; blocks until there is one.
  bool Next(std::string* request_id, std::string* event) {
    auto res = Send(http::verb::get, "/2018-06-01/runtime/invocation/next", "");
    if (res.result_int() != 200) return false;
    *request_id = std::string(res["Lambda-Runtime-Aws-Request-Id"]);
    *event = res.body();
    return true;
  }

  void Respond(const std::string& request_id, const std::string& body) {
    Send(http::verb::post, "/2018-06-01/runtime/invocation/" + request_id + "/response", body);
  }

  void Fail(const std::string& request_id, const std::string& message) {
    json::object error{{"errorMessage", message}, {"errorType", "HandlerError"}};
    Send(http::verb::post, "/2018-06-01/runtime/invocation/" + request_id + "/error",
         json::serialize(error));
  }

 private:
  http::response<http::string_body> Send(http::verb verb, const std::string& target,
                                         const std::string& body) {
    for (int attempt = 0;; ++attempt) {
      try {
        if (!stream_.socket().is_open()) {
          asio::ip::tcp::resolver resolver(io_);
          stream_.connect(resolver.resolve(host_, port_));
        }
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, host_);
        req.set(http::field::content_type, "application/json");
        req.body() = body;
        req.prepare_payload();
        http::write(stream_, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream_, buffer, res);
        if (!res.keep_alive()) stream_.socket().close();
        return res;
      } catch (const std::exception&) {
        stream_.socket().close();
        if (attempt == 2) throw;
      }
    }
  }

  asio::io_context io_;
  beast::tcp_stream stream_;
  std::string host_, port_;
};

const char* const kShipping[] = {"standard", "express", "pickup"};

// The SQS batch: every record an order; answers the partial batch response.
json::object HandleBatch(const json::value& event, long max_quantity) {
  json::array failures;
  for (const auto& record : event.at("Records").as_array()) {
    const auto& r = record.as_object();
    std::string message_id(r.at("messageId").as_string());
    try {
      json::value order = json::parse(std::string(r.at("body").as_string()));
      const auto& o = order.as_object();
      long quantity = static_cast<long>(o.at("quantity").to_number<double>());
      if (quantity > max_quantity) {
        throw std::runtime_error("quantity " + std::to_string(quantity) + " is above " +
                                 std::to_string(max_quantity));
      }
      std::string shipping = kShipping[quantity % 3];
      json::object line{{"event", "order_processed"}, {"id", o.at("id")},
                        {"name", o.at("name")},       {"quantity", quantity},
                        {"shipping", shipping},       {"runtime", "c++"}};
      std::cout << json::serialize(line) << "\n";
      std::cout << "confirmation sent to " << json::value_to<std::string>(o.at("name"))
                << " for order " << json::value_to<std::string>(o.at("id")) << " (" << shipping
                << ")" << std::endl;
    } catch (const std::exception& e) {
      json::object line{{"event", "order_failed"}, {"messageId", message_id}, {"error", e.what()}};
      std::cerr << json::serialize(line) << std::endl;
      failures.push_back(json::object{{"itemIdentifier", message_id}});
    }
  }
  return json::object{{"batchItemFailures", std::move(failures)}};
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr) {
    std::fprintf(stderr,
                 "handle-order: AWS_LAMBDA_RUNTIME_API is not set (run me as a Lambda "
                 "custom runtime)\n");
    return 2;
  }
  const char* max = std::getenv("MAX_QUANTITY");
  long max_quantity = max != nullptr ? std::strtol(max, nullptr, 10) : 50;
  RuntimeApi runtime(api);
  std::string request_id, event;
  while (runtime.Next(&request_id, &event)) {
    try {
      json::value parsed = json::parse(event);
      runtime.Respond(request_id, json::serialize(HandleBatch(parsed, max_quantity)));
    } catch (const std::exception& e) {
      runtime.Fail(request_id, e.what());
    }
  }
  return 1;
}

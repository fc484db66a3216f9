#include "server/in_process_transport.h"

namespace spool::server {

InProcessTransport::InProcessTransport(api::Dispatcher* dispatcher, std::string account_id,
                                       std::string host)
    : dispatcher_(dispatcher), host_(std::move(host)) {
  root_.id = account_id;
  root_.arn = "arn:aws:iam::" + account_id + ":root";
  root_.service = "sqs";
}

void InProcessTransport::Call(std::string_view action, std::string body,
                              std::function<void(workers::SqsReply)> done) {
  http::Request request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"Host", host_},
                     {"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "AmazonSQS." + std::string(action)}};
  request.body = std::move(body);
  request.remote_address = "127.0.0.1";
  dispatcher_->HandleAs(root_, std::move(request), [done = std::move(done)](http::Response r) {
    done(workers::SqsReply{r.status, std::move(r.body)});
  });
}

}  // namespace spool::server

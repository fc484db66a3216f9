#pragma once
// HttpTransport: the queue-client port over the network, for `spool worker` on another host.
// Each call is an AWS JSON 1.0 POST to the endpoint, SigV4-signed for service "sqs" with the
// given credentials, sent on one of `connections` keep-alive connections, each served by its
// own thread (a long-poll receive holds its connection for up to 20 s, so there are as many as
// the worker may have receives and settles in flight). A failed connection is reopened on the
// next call; a transport failure is reported as status 0.
//
// Threading: Call() from any thread; `done` runs on a transport thread.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "auth/sigv4.h"
#include "workers/sqs_port.h"

namespace spool::workers {

struct HttpEndpoint {
  std::string host;  // name or address, without brackets
  std::string port = "80";
  std::string host_header;  // host[:port] as the Host header carries it
};

// "http://host[:port][/]" -> endpoint; false for anything else (https is not spoken).
bool ParseHttpEndpoint(const std::string& url, HttpEndpoint* out, std::string* error);

class HttpTransport final : public SqsTransport {
 public:
  HttpTransport(HttpEndpoint endpoint, auth::Credentials credentials, std::string region,
                int connections);
  ~HttpTransport() override;

  void Call(std::string_view action, std::string body, std::function<void(SqsReply)> done) override;

  // Ends every ReceiveMessage in flight at once (its long poll is cut short: the call fails as
  // a transport error) and makes later calls fail; other calls in flight (deletes) finish.
  void Abort();

  // The same, for another service's JSON or REST request (the worker reads the Lambda API).
  SqsReply Request(const std::string& method, const std::string& target, const std::string& service,
                   const std::string& body);

 private:
  struct Job {
    std::string action;
    std::string body;
    std::function<void(SqsReply)> done;
  };
  void Serve();

  HttpEndpoint endpoint_;
  auth::Credentials credentials_;
  std::string region_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;    // the destructor: threads end once the queue is empty
  bool aborted_ = false;     // Abort(): receives fail at once
  std::set<int> receiving_;  // sockets with a ReceiveMessage in flight
  std::vector<std::thread> threads_;
};

}  // namespace spool::workers

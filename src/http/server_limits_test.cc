// The HTTP server: malformed and oversized requests, the upload body limit.

#include <gtest/gtest.h>

#include "http/server_test_support.h"

namespace spool::http {
namespace {

using namespace test_support;  // NOLINT: the fixture and the test client
using namespace std::chrono_literals;

// --- Malformed and oversized requests. ---

TEST_F(ServerTest, MalformedRequestLineGets400AndClose) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send("THIS IS NOT HTTP\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(r->has_header("Date"));
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_EQ(handler_.calls, 0);
}

TEST_F(ServerTest, MalformedHeaderGets400) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: test\r\nNo colon here\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_EQ(handler_.calls, 0);
}

TEST_F(ServerTest, OversizedBodyGets413AndClose) {
  ServerOptions o = TestOptions();
  o.max_body_bytes = 1024;
  StartServer(o);
  {
    Client c(port());
    ASSERT_TRUE(c.Send("POST /big HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n" +
                       std::string(2000, 'x')));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(c.ReadsEof());
  }
  {
    // Chunked bodies count too.
    Client c(port());
    std::string chunk(800, 'y');
    ASSERT_TRUE(
        c.Send("POST /big HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
               "320\r\n" +
               chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  EXPECT_EQ(handler_.calls, 0);
  // Exactly at the limit is fine.
  Client c(port());
  ASSERT_TRUE(c.Send(Post("/ok", std::string(1024, 'z'))));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, UploadsHaveTheirOwnBodyLimit) {
  ServerOptions o = TestOptions();
  o.max_body_bytes = 1024;
  o.max_upload_body_bytes = 4096;
  o.is_upload = [](std::string_view method, std::string_view target) {
    return method == "PUT" && target.starts_with("/upload");
  };
  StartServer(o);
  {
    Client c(port());
    ASSERT_TRUE(c.Send("PUT /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 4096\r\n\r\n" +
                       std::string(4096, 'u')));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  for (std::string head : {"PUT /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 4097\r\n\r\n",
                           "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 2000\r\n\r\n",
                           "PUT /other HTTP/1.1\r\nHost: test\r\nContent-Length: 2000\r\n\r\n"}) {
    SCOPED_TRACE(head);
    Client c(port());
    ASSERT_TRUE(c.Send(head + std::string(100, 'x')));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  {
    // A chunked upload counts against the upload limit, others against the default.
    Client c(port());
    std::string chunk(3000, 'y');
    ASSERT_TRUE(
        c.Send("PUT /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
               "bb8\r\n" +
               chunk + "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  EXPECT_EQ(handler_.calls, 1);
}

TEST_F(ServerTest, OversizedHeadersGet431AndClose) {
  ServerOptions o = TestOptions();
  o.max_header_bytes = 1024;
  StartServer(o);
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/", "X-Big: " + std::string(2000, 'h') + "\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_EQ(handler_.calls, 0);
}

}  // namespace
}  // namespace spool::http

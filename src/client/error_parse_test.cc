#include "client/error_parse.h"

#include <gtest/gtest.h>

namespace spool::client {
namespace {

TEST(ErrorParseTest, SqsJsonErrorWithQueryCompatibleHeader) {
  HttpResponse r;
  r.status = 400;
  r.headers = {{"X-Amzn-Query-Error", "AWS.SimpleQueueService.NonExistentQueue;Sender"},
               {"x-amzn-RequestId", "e30d0f2a"}};
  r.body = R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist",
               "message":"The specified queue does not exist."})";
  Error e = ErrorFromResponse(r);
  EXPECT_EQ(e.kind(), ErrorKind::kService);
  EXPECT_EQ(e.code(), "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(e.type(), "QueueDoesNotExist");
  EXPECT_EQ(e.message(), "The specified queue does not exist.");
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_EQ(e.request_id(), "e30d0f2a");
  EXPECT_TRUE(e.IsQueueDoesNotExist());
  EXPECT_TRUE(e.Is("QueueDoesNotExist"));
  EXPECT_TRUE(e.Is("AWS.SimpleQueueService.NonExistentQueue"));
  EXPECT_FALSE(e.Is("QueueNameExists"));
  EXPECT_EQ(e.ToString(),
            "AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist. "
            "(HTTP 400, request id e30d0f2a)");
}

TEST(ErrorParseTest, SecretsManagerStyleErrorWithoutHeader) {
  HttpResponse r;
  r.status = 400;
  r.body = R"({"__type":"ResourceNotFoundException",
               "Message":"Secrets Manager can't find the specified secret."})";
  Error e = ErrorFromResponse(r);
  EXPECT_EQ(e.code(), "ResourceNotFoundException");
  EXPECT_EQ(e.type(), "ResourceNotFoundException");
  EXPECT_EQ(e.message(), "Secrets Manager can't find the specified secret.");
}

TEST(ErrorParseTest, TypeWithUrlSuffixAndErrorTypeHeader) {
  EXPECT_EQ(ShapeName("aws.protocoltests#FooError:http://internal.amazon.com/"), "FooError");
  HttpResponse r;
  r.status = 400;
  r.headers = {{"x-amzn-ErrorType", "ThrottlingException:http://x"}};
  r.body = "{}";
  EXPECT_EQ(ErrorFromResponse(r).code(), "ThrottlingException");
}

TEST(ErrorParseTest, ABodyThatIsNotJsonKeepsTheStatus) {
  HttpResponse r;
  r.status = 502;
  r.body = "<html>Bad Gateway</html>";
  Error e = ErrorFromResponse(r);
  EXPECT_EQ(e.code(), "UnknownError");
  EXPECT_EQ(e.http_status(), 502);
  EXPECT_NE(e.message().find("Bad Gateway"), std::string::npos);
}

}  // namespace
}  // namespace spool::client

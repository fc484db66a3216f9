#include "lambda/route.h"

#include <gtest/gtest.h>

namespace spool::lambda {
namespace {

Action ActionOf(std::string_view method, std::string_view path) {
  auto r = ParseRoute(method, path, "");
  EXPECT_TRUE(r) << method << " " << path;
  return r ? r->action : Action::kListFunctions;
}

TEST(RouteTest, EveryAction) {
  EXPECT_EQ(ActionOf("POST", "/2015-03-31/functions"), Action::kCreateFunction);
  EXPECT_EQ(ActionOf("GET", "/2015-03-31/functions/"), Action::kListFunctions);
  EXPECT_EQ(ActionOf("GET", "/2015-03-31/functions/f"), Action::kGetFunction);
  EXPECT_EQ(ActionOf("GET", "/2015-03-31/functions/f/spool-code"), Action::kGetFunctionCode);
  EXPECT_EQ(IamActionOf(Action::kGetFunctionCode), "lambda:GetFunction");
  EXPECT_EQ(ActionOf("DELETE", "/2015-03-31/functions/f"), Action::kDeleteFunction);
  EXPECT_EQ(ActionOf("GET", "/2015-03-31/functions/f/configuration"),
            Action::kGetFunctionConfiguration);
  EXPECT_EQ(ActionOf("PUT", "/2015-03-31/functions/f/configuration"),
            Action::kUpdateFunctionConfiguration);
  EXPECT_EQ(ActionOf("PUT", "/2015-03-31/functions/f/code"), Action::kUpdateFunctionCode);
  EXPECT_EQ(ActionOf("POST", "/2015-03-31/functions/f/invocations"), Action::kInvoke);
  EXPECT_EQ(ActionOf("PUT", "/2017-10-31/functions/f/concurrency"),
            Action::kPutFunctionConcurrency);
  EXPECT_EQ(ActionOf("DELETE", "/2017-10-31/functions/f/concurrency"),
            Action::kDeleteFunctionConcurrency);
  EXPECT_EQ(ActionOf("GET", "/2019-09-30/functions/f/concurrency"),
            Action::kGetFunctionConcurrency);
  EXPECT_EQ(ActionOf("POST", "/2015-03-31/event-source-mappings/"),
            Action::kCreateEventSourceMapping);
  EXPECT_EQ(ActionOf("GET", "/2015-03-31/event-source-mappings/"),
            Action::kListEventSourceMappings);
  EXPECT_EQ(ActionOf("GET", "/2015-03-31/event-source-mappings/u"), Action::kGetEventSourceMapping);
  EXPECT_EQ(ActionOf("PUT", "/2015-03-31/event-source-mappings/u"),
            Action::kUpdateEventSourceMapping);
  EXPECT_EQ(ActionOf("DELETE", "/2015-03-31/event-source-mappings/u"),
            Action::kDeleteEventSourceMapping);
}

TEST(RouteTest, ParametersAreDecoded) {
  auto r = ParseRoute("GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Ax/configuration",
                      "Qualifier=%24LATEST&MaxItems=5&x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function, "arn:aws:lambda:x");
  EXPECT_EQ(r->query.at("Qualifier"), "$LATEST");
  EXPECT_EQ(r->query.at("MaxItems"), "5");
  EXPECT_EQ(r->query.at("x"), "");
}

TEST(RouteTest, UnknownRoutes) {
  EXPECT_FALSE(ParseRoute("GET", "/2015-03-31/", ""));
  EXPECT_FALSE(ParseRoute("PATCH", "/2015-03-31/functions/f", ""));
  EXPECT_FALSE(ParseRoute("GET", "/2015-03-31/functions/f/concurrency", ""));
  EXPECT_FALSE(ParseRoute("GET", "/2015-03-31/functions/f/policy", ""));
  EXPECT_FALSE(ParseRoute("GET", "/2017-10-31/functions/", ""));
  EXPECT_FALSE(ParseRoute("GET", "/2015-03-31/event-source-mappings/u/x", ""));
}

TEST(RouteTest, IamActions) {
  EXPECT_EQ(IamActionOf(Action::kInvoke), "lambda:InvokeFunction");
  EXPECT_EQ(IamActionOf(Action::kCreateEventSourceMapping), "lambda:CreateEventSourceMapping");
}

}  // namespace
}  // namespace spool::lambda

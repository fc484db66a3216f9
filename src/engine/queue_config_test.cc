#include "engine/queue_config.h"

#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace spool::engine {
namespace {

const ArnScope kScope;  // us-east-1, 000000000000

std::string Arn(const std::string& name) { return kScope.QueueArn(name); }

Result<Empty> Apply(const StringPairs& attributes, QueueConfig* config,
                    AttributeUse use = AttributeUse::kCreate) {
  return ApplyAttributes(attributes, use, kScope, config);
}

// Applies one attribute to a default standard queue's config.
Result<Empty> ApplyOne(const std::string& name, const std::string& value,
                       AttributeUse use = AttributeUse::kCreate) {
  QueueConfig config;
  return Apply({{name, value}}, &config, use);
}

Errc CodeOf(const Result<Empty>& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? Errc::kInternal : r.error().code;
}

struct RangeCase {
  std::string name;
  int64_t lo;
  int64_t hi;
};

class IntegerAttributeTest : public ::testing::TestWithParam<RangeCase> {};

TEST_P(IntegerAttributeTest, AcceptsBothEdgesAndRejectsJustOutside) {
  const RangeCase& c = GetParam();
  for (int64_t v : {c.lo, c.hi, (c.lo + c.hi) / 2}) {
    QueueConfig config;
    config.kms_master_key_id = "alias/test";  // KmsDataKeyReusePeriodSeconds shows only with it
    ASSERT_TRUE(Apply({{c.name, std::to_string(v)}}, &config).ok()) << c.name << "=" << v;
    EXPECT_EQ(RenderAttribute(c.name, config, kScope).value_or("<unset>"), std::to_string(v))
        << c.name;
  }
  for (int64_t v : {c.lo - 1, c.hi + 1}) {
    EXPECT_EQ(CodeOf(ApplyOne(c.name, std::to_string(v))), Errc::kInvalidAttributeValue)
        << c.name << "=" << v;
  }
}

TEST_P(IntegerAttributeTest, RejectsTextThatIsNotAPlainInteger) {
  const RangeCase& c = GetParam();
  for (const char* bad :
       {"", "abc", "1.5", " 100", "100 ", "+100", "0x10", "1e3", "99999999999999999999999"}) {
    EXPECT_EQ(CodeOf(ApplyOne(c.name, bad)), Errc::kInvalidAttributeValue)
        << c.name << "='" << bad << "'";
  }
}

TEST_P(IntegerAttributeTest, SetQueueAttributesAppliesTheSameRange) {
  const RangeCase& c = GetParam();
  EXPECT_TRUE(ApplyOne(c.name, std::to_string(c.hi), AttributeUse::kSet).ok());
  EXPECT_EQ(CodeOf(ApplyOne(c.name, std::to_string(c.hi + 1), AttributeUse::kSet)),
            Errc::kInvalidAttributeValue);
}

INSTANTIATE_TEST_SUITE_P(QueueConfigTest, IntegerAttributeTest,
                         ::testing::Values(RangeCase{"VisibilityTimeout", 0, 43200},
                                           RangeCase{"MaximumMessageSize", 1024, 1048576},
                                           RangeCase{"MessageRetentionPeriod", 60, 1209600},
                                           RangeCase{"DelaySeconds", 0, 900},
                                           RangeCase{"ReceiveMessageWaitTimeSeconds", 0, 20},
                                           RangeCase{"KmsDataKeyReusePeriodSeconds", 60, 86400}),
                         [](const auto& info) { return info.param.name; });

TEST(QueueConfigTest, DefaultsAreThoseOfSqs) {
  QueueConfig c;
  EXPECT_EQ(c.visibility_timeout, 30);
  EXPECT_EQ(c.maximum_message_size, 1048576);
  EXPECT_EQ(c.message_retention_period, 345600);
  EXPECT_EQ(c.delay_seconds, 0);
  EXPECT_EQ(c.receive_message_wait_time_seconds, 0);
  EXPECT_FALSE(c.fifo);
  EXPECT_FALSE(c.redrive_policy.has_value());
  EXPECT_FALSE(c.redrive_allow_policy.has_value());
  EXPECT_TRUE(c.sqs_managed_sse_enabled);
  EXPECT_EQ(RenderAttribute("SqsManagedSseEnabled", c, kScope), "true");
}

TEST(QueueConfigTest, UnknownAndReadOnlyNamesAreInvalidAttributeNames) {
  for (const char* name :
       {"Bogus", "visibilitytimeout", "All", "QueueArn", "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp", "LastModifiedTimestamp", ""}) {
    EXPECT_EQ(CodeOf(ApplyOne(name, "1")), Errc::kInvalidAttributeName) << name;
    EXPECT_EQ(CodeOf(ApplyOne(name, "1", AttributeUse::kSet)), Errc::kInvalidAttributeName) << name;
  }
}

TEST(QueueConfigTest, FifoOnlyNamesOnAStandardQueueAreInvalidAttributeNames) {
  for (auto [name, value] :
       {std::pair{"ContentBasedDeduplication", "true"}, std::pair{"DeduplicationScope", "queue"},
        std::pair{"FifoThroughputLimit", "perQueue"}}) {
    Result<Empty> r = ApplyOne(name, value);
    EXPECT_EQ(CodeOf(r), Errc::kInvalidAttributeName) << name;
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find("only when FifoQueue"), std::string::npos);
    }
    QueueConfig explicitly_standard;
    EXPECT_EQ(CodeOf(Apply({{name, value}, {"FifoQueue", "false"}}, &explicitly_standard)),
              Errc::kInvalidAttributeName)
        << name;
  }
}

TEST(QueueConfigTest, FifoQueueIsDecidedBeforeTheAttributesThatDependOnIt) {
  QueueConfig c;
  // FifoQueue listed last still makes the earlier FIFO-only names legal.
  ASSERT_TRUE(Apply({{"ContentBasedDeduplication", "TRUE"},
                     {"DeduplicationScope", "messageGroup"},
                     {"FifoThroughputLimit", "perMessageGroupId"},
                     {"FifoQueue", "True"}},
                    &c)
                  .ok());
  EXPECT_TRUE(c.fifo);
  EXPECT_TRUE(c.content_based_deduplication);
  EXPECT_EQ(c.deduplication_scope, "messageGroup");
  EXPECT_EQ(c.fifo_throughput_limit, "perMessageGroupId");
}

TEST(QueueConfigTest, FifoAttributeValuesAreChecked) {
  QueueConfig fifo;
  fifo.fifo = true;
  auto on_fifo = [&](const std::string& name, const std::string& value) {
    QueueConfig c = fifo;
    return Apply({{name, value}}, &c, AttributeUse::kSet);
  };
  EXPECT_EQ(CodeOf(on_fifo("ContentBasedDeduplication", "yes")), Errc::kInvalidAttributeValue);
  EXPECT_EQ(CodeOf(on_fifo("DeduplicationScope", "group")), Errc::kInvalidAttributeValue);
  EXPECT_EQ(CodeOf(on_fifo("FifoThroughputLimit", "perGroup")), Errc::kInvalidAttributeValue);
  EXPECT_TRUE(on_fifo("DeduplicationScope", "messageGroup").ok());
  EXPECT_TRUE(on_fifo("FifoThroughputLimit", "perQueue").ok());
  // perMessageGroupId needs DeduplicationScope messageGroup.
  EXPECT_EQ(CodeOf(on_fifo("FifoThroughputLimit", "perMessageGroupId")),
            Errc::kInvalidAttributeValue);
}

TEST(QueueConfigTest, FifoQueueCannotBeSetAfterCreation) {
  EXPECT_EQ(CodeOf(ApplyOne("FifoQueue", "true", AttributeUse::kSet)), Errc::kInvalidAttributeName);
  EXPECT_EQ(CodeOf(ApplyOne("FifoQueue", "false", AttributeUse::kSet)),
            Errc::kInvalidAttributeName);
  EXPECT_EQ(CodeOf(ApplyOne("FifoQueue", "maybe")), Errc::kInvalidAttributeValue);
}

TEST(QueueConfigTest, BooleansAcceptAnyCaseAndNothingElse) {
  QueueConfig c;
  ASSERT_TRUE(Apply({{"SqsManagedSseEnabled", "FALSE"}}, &c).ok());
  EXPECT_FALSE(c.sqs_managed_sse_enabled);
  ASSERT_TRUE(Apply({{"SqsManagedSseEnabled", "tRuE"}}, &c).ok());
  EXPECT_TRUE(c.sqs_managed_sse_enabled);
  for (const char* bad : {"", "1", "0", "yes", "true "}) {
    EXPECT_EQ(CodeOf(ApplyOne("SqsManagedSseEnabled", bad)), Errc::kInvalidAttributeValue) << bad;
  }
}

TEST(QueueConfigTest, PolicyMustBeAJsonObjectAndEmptyRemovesIt) {
  QueueConfig c;
  const std::string policy = R"({"Version":"2012-10-17","Statement":[]})";
  ASSERT_TRUE(Apply({{"Policy", policy}}, &c).ok());
  EXPECT_EQ(RenderAttribute("Policy", c, kScope), policy);
  EXPECT_EQ(CodeOf(ApplyOne("Policy", "{not json")), Errc::kInvalidAttributeValue);
  EXPECT_EQ(CodeOf(ApplyOne("Policy", "[]")), Errc::kInvalidAttributeValue);
  ASSERT_TRUE(Apply({{"Policy", ""}}, &c, AttributeUse::kSet).ok());
  EXPECT_FALSE(RenderAttribute("Policy", c, kScope).has_value());
}

TEST(QueueConfigTest, KmsReusePeriodIsRenderedWithAKeyOrWhenNotDefault) {
  QueueConfig c;
  EXPECT_FALSE(RenderAttribute("KmsDataKeyReusePeriodSeconds", c, kScope).has_value());
  ASSERT_TRUE(Apply({{"KmsDataKeyReusePeriodSeconds", "600"}}, &c).ok());
  EXPECT_FALSE(RenderAttribute("KmsMasterKeyId", c, kScope).has_value());
  // A non-default value must be visible, or CreateQueue comparisons and the journal lose it.
  EXPECT_EQ(RenderAttribute("KmsDataKeyReusePeriodSeconds", c, kScope), "600");
  ASSERT_TRUE(Apply({{"KmsMasterKeyId", "alias/aws/sqs"}}, &c).ok());
  EXPECT_EQ(RenderAttribute("KmsMasterKeyId", c, kScope), "alias/aws/sqs");
  EXPECT_EQ(RenderAttribute("KmsDataKeyReusePeriodSeconds", c, kScope), "600");
  ASSERT_TRUE(Apply({{"KmsMasterKeyId", ""}}, &c, AttributeUse::kSet).ok());
  EXPECT_FALSE(RenderAttribute("KmsMasterKeyId", c, kScope).has_value());
}

// ---- RedrivePolicy ----

Result<Empty> ApplyRedrive(const std::string& json, QueueConfig* c) {
  return Apply({{"RedrivePolicy", json}}, c);
}

TEST(QueueConfigTest, RedrivePolicyTakesMaxReceiveCountAsNumberOrString) {
  QueueConfig c;
  ASSERT_TRUE(
      ApplyRedrive(R"({"deadLetterTargetArn":")" + Arn("dlq") + R"(","maxReceiveCount":5})", &c)
          .ok());
  ASSERT_TRUE(c.redrive_policy.has_value());
  EXPECT_EQ(c.redrive_policy->dead_letter_queue, "dlq");
  EXPECT_EQ(c.redrive_policy->max_receive_count, 5);

  QueueConfig s;
  ASSERT_TRUE(
      ApplyRedrive(R"({"maxReceiveCount":"7","deadLetterTargetArn":")" + Arn("dlq-2") + R"("})", &s)
          .ok());
  ASSERT_TRUE(s.redrive_policy.has_value());
  EXPECT_EQ(s.redrive_policy->dead_letter_queue, "dlq-2");
  EXPECT_EQ(s.redrive_policy->max_receive_count, 7);
  // Returned with the count as a number.
  EXPECT_EQ(RenderAttribute("RedrivePolicy", s, kScope),
            R"({"deadLetterTargetArn":")" + Arn("dlq-2") + R"(","maxReceiveCount":7})");
}

TEST(QueueConfigTest, RedrivePolicyMaxReceiveCountRangeIsOneToOneThousand) {
  auto with_count = [](const std::string& count) {
    QueueConfig c;
    return ApplyRedrive(
        R"({"deadLetterTargetArn":")" + Arn("dlq") + R"(","maxReceiveCount":)" + count + "}", &c);
  };
  for (const char* ok : {"1", "1000", R"("1")", R"("1000")"}) {
    EXPECT_TRUE(with_count(ok).ok()) << ok;
  }
  for (const char* bad : {"0", "1001", "-1", R"("0")", R"("1001")", R"("abc")", R"("")", "1.5",
                          "true", "null", "[]", "18446744073709551615"}) {
    EXPECT_EQ(CodeOf(with_count(bad)), Errc::kInvalidAttributeValue) << bad;
  }
}

TEST(QueueConfigTest, RedrivePolicyRejectsMalformedDocuments) {
  const std::string arn = Arn("dlq");
  for (const std::string& bad : {
           std::string("not json"),
           std::string("[]"),
           std::string(R"({"maxReceiveCount":3})"),
           R"({"deadLetterTargetArn":")" + arn + R"("})",
           std::string(R"({"deadLetterTargetArn":5,"maxReceiveCount":3})"),
           R"({"deadLetterTargetArn":")" + arn + R"(","maxReceiveCount":3,"extra":1})",
           // ARN of another region, another account, or not naming a valid queue.
           std::string(R"({"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:000000000000:dlq",)"
                       R"("maxReceiveCount":3})"),
           std::string(R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq",)"
                       R"("maxReceiveCount":3})"),
           R"({"deadLetterTargetArn":")" + Arn("bad name") + R"(","maxReceiveCount":3})",
           R"({"deadLetterTargetArn":")" + Arn("") + R"(","maxReceiveCount":3})",
           std::string(R"({"deadLetterTargetArn":"dlq","maxReceiveCount":3})"),
       }) {
    QueueConfig c;
    EXPECT_EQ(CodeOf(ApplyRedrive(bad, &c)), Errc::kInvalidAttributeValue) << bad;
  }
}

TEST(QueueConfigTest, EmptyRedrivePolicyRemovesIt) {
  QueueConfig c;
  ASSERT_TRUE(
      ApplyRedrive(R"({"deadLetterTargetArn":")" + Arn("dlq") + R"(","maxReceiveCount":3})", &c)
          .ok());
  ASSERT_TRUE(Apply({{"RedrivePolicy", ""}}, &c, AttributeUse::kSet).ok());
  EXPECT_FALSE(c.redrive_policy.has_value());
  EXPECT_FALSE(RenderAttribute("RedrivePolicy", c, kScope).has_value());
}

// ---- RedriveAllowPolicy ----

Result<Empty> ApplyAllow(const std::string& json, QueueConfig* c) {
  return Apply({{"RedriveAllowPolicy", json}}, c);
}

TEST(QueueConfigTest, RedriveAllowPolicyAcceptsItsThreeForms) {
  QueueConfig all;
  ASSERT_TRUE(ApplyAllow(R"({"redrivePermission":"allowAll"})", &all).ok());
  EXPECT_EQ(all.redrive_allow_policy->permission, RedrivePermission::kAllowAll);

  QueueConfig deny;
  ASSERT_TRUE(ApplyAllow(R"({"redrivePermission":"denyAll"})", &deny).ok());
  EXPECT_EQ(deny.redrive_allow_policy->permission, RedrivePermission::kDenyAll);

  QueueConfig by;
  ASSERT_TRUE(ApplyAllow(R"({"redrivePermission":"byQueue","sourceQueueArns":[")" + Arn("a") +
                             R"(",")" + Arn("b") + R"("]})",
                         &by)
                  .ok());
  EXPECT_EQ(by.redrive_allow_policy->permission, RedrivePermission::kByQueue);
  EXPECT_EQ(by.redrive_allow_policy->source_queues, (std::vector<std::string>{"a", "b"}));
}

TEST(QueueConfigTest, RedriveAllowPolicyRejectsMalformedDocuments) {
  std::string eleven;
  for (int i = 0; i < 11; ++i) eleven += (i ? ",\"" : "\"") + Arn("q" + std::to_string(i)) + "\"";
  for (const std::string& bad : {
           std::string("nope"),
           std::string("{}"),
           std::string(R"({"redrivePermission":"sometimes"})"),
           std::string(R"({"redrivePermission":1})"),
           std::string(R"({"redrivePermission":"byQueue"})"),
           std::string(R"({"redrivePermission":"byQueue","sourceQueueArns":[]})"),
           std::string(R"({"redrivePermission":"byQueue","sourceQueueArns":"x"})"),
           std::string(R"({"redrivePermission":"byQueue","sourceQueueArns":[5]})"),
           std::string(R"({"redrivePermission":"byQueue","sourceQueueArns":["not-an-arn"]})"),
           R"({"redrivePermission":"byQueue","sourceQueueArns":[)" + eleven + "]}",
           R"({"redrivePermission":"allowAll","sourceQueueArns":[")" + Arn("a") + R"("]})",
           R"({"redrivePermission":"denyAll","sourceQueueArns":[")" + Arn("a") + R"("]})",
           std::string(R"({"redrivePermission":"allowAll","other":true})"),
       }) {
    QueueConfig c;
    EXPECT_EQ(CodeOf(ApplyAllow(bad, &c)), Errc::kInvalidAttributeValue) << bad;
  }
}

TEST(QueueConfigTest, RedriveAllowPolicyAcceptsTenSourceQueues) {
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += (i ? ",\"" : "\"") + Arn("q" + std::to_string(i)) + "\"";
  QueueConfig c;
  ASSERT_TRUE(
      ApplyAllow(R"({"redrivePermission":"byQueue","sourceQueueArns":[)" + ten + "]}", &c).ok());
  EXPECT_EQ(c.redrive_allow_policy->source_queues.size(), 10u);
}

// ---- rendering ----

// Every rendered attribute, re-applied to a fresh config, renders the same again.
void ExpectRoundTrip(const QueueConfig& original) {
  StringPairs rendered;
  for (auto name : SettableAttributeNames()) {
    if (auto v = RenderAttribute(name, original, kScope)) rendered.emplace_back(name, *v);
  }
  QueueConfig copy;
  ASSERT_TRUE(Apply(rendered, &copy).ok());
  for (auto name : SettableAttributeNames()) {
    EXPECT_EQ(RenderAttribute(name, copy, kScope), RenderAttribute(name, original, kScope)) << name;
  }
}

TEST(QueueConfigTest, RenderedStandardAttributesApplyBackToTheSameValues) {
  QueueConfig c;
  ASSERT_TRUE(
      Apply({{"VisibilityTimeout", "45"},
             {"MaximumMessageSize", "2048"},
             {"MessageRetentionPeriod", "600"},
             {"DelaySeconds", "3"},
             {"ReceiveMessageWaitTimeSeconds", "20"},
             {"Policy", R"({"Statement":[]})"},
             {"RedrivePolicy",
              R"({"deadLetterTargetArn":")" + Arn("dlq") + R"(","maxReceiveCount":"12"})"},
             {"RedriveAllowPolicy",
              R"({"redrivePermission":"byQueue","sourceQueueArns":[")" + Arn("src") + R"("]})"},
             {"KmsMasterKeyId", "alias/key"},
             {"KmsDataKeyReusePeriodSeconds", "120"},
             {"SqsManagedSseEnabled", "false"}},
            &c)
          .ok());
  ExpectRoundTrip(c);
  EXPECT_FALSE(RenderAttribute("FifoQueue", c, kScope).has_value());
  EXPECT_FALSE(RenderAttribute("ContentBasedDeduplication", c, kScope).has_value());
  EXPECT_EQ(RenderAttribute("RedriveAllowPolicy", c, kScope),
            R"({"redrivePermission":"byQueue","sourceQueueArns":[")" + Arn("src") + R"("]})");
}

TEST(QueueConfigTest, RenderedFifoAttributesApplyBackToTheSameValues) {
  QueueConfig c;
  ASSERT_TRUE(Apply({{"FifoQueue", "true"},
                     {"ContentBasedDeduplication", "true"},
                     {"DeduplicationScope", "messageGroup"},
                     {"FifoThroughputLimit", "perMessageGroupId"},
                     {"RedriveAllowPolicy", R"({"redrivePermission":"denyAll"})"}},
                    &c)
                  .ok());
  EXPECT_EQ(RenderAttribute("FifoQueue", c, kScope), "true");
  EXPECT_EQ(RenderAttribute("ContentBasedDeduplication", c, kScope), "true");
  EXPECT_EQ(RenderAttribute("RedriveAllowPolicy", c, kScope), R"({"redrivePermission":"denyAll"})");
  ExpectRoundTrip(c);
}

TEST(QueueConfigTest, UnknownNamesRenderNothing) {
  QueueConfig c;
  EXPECT_FALSE(RenderAttribute("Bogus", c, kScope).has_value());
  EXPECT_FALSE(RenderAttribute("QueueArn", c, kScope).has_value());
}

TEST(QueueConfigTest, SettableAttributeNamesAllApply) {
  // Every name GetQueueAttributes(All) may list is one CreateQueue knows (on a FIFO queue).
  for (auto name : SettableAttributeNames()) {
    QueueConfig c;
    c.fifo = true;
    auto r = Apply({{std::string(name), "x"}}, &c);
    if (!r.ok()) {
      EXPECT_NE(r.error().code, Errc::kInvalidAttributeName) << name;
    }
  }
}

// ---- names and ARNs ----

TEST(QueueConfigTest, StandardQueueNamesAreOneToEightyOfTheAllowedCharacters) {
  EXPECT_TRUE(ValidateQueueName("a", false).ok());
  EXPECT_TRUE(ValidateQueueName("Orders_2024-eu", false).ok());
  EXPECT_TRUE(ValidateQueueName(std::string(80, 'q'), false).ok());
  EXPECT_EQ(CodeOf(ValidateQueueName(std::string(81, 'q'), false)), Errc::kInvalidParameterValue);
  for (const char* bad : {"", "has space", "dot.ted", "slash/", "star*", "orders.fifo", "é"}) {
    EXPECT_EQ(CodeOf(ValidateQueueName(bad, false)), Errc::kInvalidParameterValue) << bad;
  }
}

TEST(QueueConfigTest, FifoQueueNamesEndInFifoWithinEightyCharacters) {
  EXPECT_TRUE(ValidateQueueName("orders.fifo", true).ok());
  EXPECT_TRUE(ValidateQueueName(std::string(75, 'q') + ".fifo", true).ok());
  EXPECT_EQ(CodeOf(ValidateQueueName(std::string(76, 'q') + ".fifo", true)),
            Errc::kInvalidParameterValue);
  for (const char* bad : {"orders", ".fifo", "a.b.fifo", "orders.FIFO", "orders.fifo.fifo"}) {
    EXPECT_EQ(CodeOf(ValidateQueueName(bad, true)), Errc::kInvalidParameterValue) << bad;
  }
}

TEST(QueueConfigTest, ArnScopeNamesQueuesOnlyInItsOwnRegionAndAccount) {
  ArnScope scope{"eu-central-1", "123456789012"};
  EXPECT_EQ(scope.QueueArn("jobs"), "arn:aws:sqs:eu-central-1:123456789012:jobs");
  EXPECT_EQ(scope.QueueNameOf("arn:aws:sqs:eu-central-1:123456789012:jobs"), "jobs");
  EXPECT_EQ(scope.QueueNameOf("arn:aws:sqs:eu-central-1:123456789012:jobs.fifo"), "jobs.fifo");
  EXPECT_FALSE(scope.QueueNameOf("arn:aws:sqs:us-east-1:123456789012:jobs").has_value());
  EXPECT_FALSE(scope.QueueNameOf("arn:aws:sqs:eu-central-1:000000000000:jobs").has_value());
  EXPECT_FALSE(scope.QueueNameOf("arn:aws:sqs:eu-central-1:123456789012:").has_value());
  EXPECT_FALSE(scope.QueueNameOf("arn:aws:sqs:eu-central-1:123456789012:a:b").has_value());
  EXPECT_FALSE(scope.QueueNameOf("jobs").has_value());
}

}  // namespace
}  // namespace spool::engine

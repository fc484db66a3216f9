#include "auth/condition.h"

#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

namespace spool::auth {
namespace {

Condition Make(std::string_view op, std::string key, std::initializer_list<std::string> values) {
  Condition c;
  std::string error;
  EXPECT_TRUE(ParseConditionOperator(op, &c, &error)) << error;
  c.key = std::move(key);
  c.values = values;
  EXPECT_TRUE(PrepareConditionValues(&c, &error)) << error;
  return c;
}

// Whether `op` on key "k:x" with `values` holds when the request has k:x = `context`.
bool Holds(std::string_view op, std::initializer_list<std::string> values,
           std::initializer_list<std::string> context, bool expand = false) {
  ContextKeys keys;
  for (const std::string& v : context) keys.Add("k:x", v);
  return ConditionHolds(Make(op, "k:x", values), keys, expand);
}

// Same with the key absent.
bool HoldsAbsent(std::string_view op, std::initializer_list<std::string> values) {
  return ConditionHolds(Make(op, "k:x", values), ContextKeys(), false);
}

TEST(ConditionTest, StringEqualsAndNotEquals) {
  EXPECT_TRUE(Holds("StringEquals", {"alice"}, {"alice"}));
  EXPECT_FALSE(Holds("StringEquals", {"alice"}, {"Alice"}));
  EXPECT_TRUE(Holds("StringEquals", {"bob", "alice"}, {"alice"}));  // values are OR
  EXPECT_FALSE(Holds("StringEquals", {"a*"}, {"alice"}));           // no wildcards
  EXPECT_FALSE(Holds("StringNotEquals", {"alice"}, {"alice"}));
  EXPECT_TRUE(Holds("StringNotEquals", {"alice"}, {"bob"}));
  EXPECT_FALSE(Holds("StringNotEquals", {"bob", "alice"}, {"alice"}));  // matches none of them
  EXPECT_FALSE(HoldsAbsent("StringEquals", {"alice"}));
  EXPECT_TRUE(HoldsAbsent("StringNotEquals", {"alice"}));  // negated: absent key holds
}

TEST(ConditionTest, StringIgnoreCase) {
  EXPECT_TRUE(Holds("StringEqualsIgnoreCase", {"ALICE"}, {"alice"}));
  EXPECT_FALSE(Holds("StringEqualsIgnoreCase", {"ALICE"}, {"alicia"}));
  EXPECT_FALSE(Holds("StringNotEqualsIgnoreCase", {"ALICE"}, {"alice"}));
  EXPECT_TRUE(Holds("StringNotEqualsIgnoreCase", {"ALICE"}, {"bob"}));
}

TEST(ConditionTest, StringLike) {
  EXPECT_TRUE(Holds("StringLike", {"aws-cli/*"}, {"aws-cli/2.9.19 Python/3.11.2"}));
  EXPECT_TRUE(Holds("StringLike", {"a?c"}, {"abc"}));
  EXPECT_FALSE(Holds("StringLike", {"A*"}, {"abc"}));  // case-sensitive
  EXPECT_TRUE(Holds("StringNotLike", {"aws-cli/*"}, {"Boto3/1.26"}));
  EXPECT_FALSE(Holds("StringNotLike", {"aws-cli/*", "Boto3/*"}, {"Boto3/1.26"}));
}

TEST(ConditionTest, Numeric) {
  EXPECT_TRUE(Holds("NumericEquals", {"10"}, {"10.0"}));
  EXPECT_FALSE(Holds("NumericEquals", {"10"}, {"11"}));
  EXPECT_TRUE(Holds("NumericNotEquals", {"10"}, {"11"}));
  EXPECT_FALSE(Holds("NumericNotEquals", {"10"}, {"10"}));
  EXPECT_TRUE(Holds("NumericLessThan", {"10"}, {"9.5"}));
  EXPECT_FALSE(Holds("NumericLessThan", {"10"}, {"10"}));
  EXPECT_TRUE(Holds("NumericLessThanEquals", {"10"}, {"10"}));
  EXPECT_TRUE(Holds("NumericGreaterThan", {"10"}, {"11"}));
  EXPECT_FALSE(Holds("NumericGreaterThan", {"10"}, {"10"}));
  EXPECT_TRUE(Holds("NumericGreaterThanEquals", {"10"}, {"10"}));
  EXPECT_FALSE(Holds("NumericGreaterThanEquals", {"10"}, {"-1e3"}));
  EXPECT_FALSE(Holds("NumericLessThan", {"10"}, {"not-a-number"}));
}

TEST(ConditionTest, Dates) {
  const std::string t = "2015-08-30T12:36:00Z";
  EXPECT_TRUE(Holds("DateEquals", {t}, {"1440938160"}));
  EXPECT_TRUE(Holds("DateNotEquals", {t}, {"2015-08-30T12:36:01Z"}));
  EXPECT_TRUE(Holds("DateLessThan", {t}, {"2015-08-30T12:35:59Z"}));
  EXPECT_FALSE(Holds("DateLessThan", {t}, {t}));
  EXPECT_TRUE(Holds("DateLessThanEquals", {t}, {t}));
  EXPECT_TRUE(Holds("DateGreaterThan", {"2015-08-30"}, {t}));
  EXPECT_FALSE(Holds("DateGreaterThan", {"2015-08-31"}, {t}));
  EXPECT_TRUE(Holds("DateGreaterThanEquals", {"1440938160"}, {t}));
  EXPECT_FALSE(Holds("DateGreaterThan", {"2015-08-30"}, {"garbage"}));
}

TEST(ConditionTest, CurrentTimeWindow) {
  ContextKeys keys;
  keys.SetTime(common::FromEpochMillis(1440938160000));  // 2015-08-30T12:36:00Z
  EXPECT_TRUE(ConditionHolds(Make("DateGreaterThan", "aws:CurrentTime", {"2015-01-01T00:00:00Z"}),
                             keys, false));
  EXPECT_TRUE(ConditionHolds(Make("DateLessThan", "aws:CurrentTime", {"2016-01-01T00:00:00Z"}),
                             keys, false));
  EXPECT_FALSE(ConditionHolds(Make("DateLessThan", "aws:CurrentTime", {"2015-08-30T00:00:00Z"}),
                              keys, false));
  EXPECT_TRUE(
      ConditionHolds(Make("NumericLessThan", "aws:EpochTime", {"1440938161"}), keys, false));
}

TEST(ConditionTest, Bool) {
  EXPECT_TRUE(Holds("Bool", {"true"}, {"true"}));
  EXPECT_TRUE(Holds("Bool", {"TRUE"}, {"true"}));
  EXPECT_FALSE(Holds("Bool", {"true"}, {"false"}));
  EXPECT_FALSE(Holds("Bool", {"false"}, {"yes"}));
  EXPECT_FALSE(HoldsAbsent("Bool", {"true"}));
  EXPECT_FALSE(HoldsAbsent("Bool", {"false"}));  // absent is not false
  EXPECT_TRUE(HoldsAbsent("BoolIfExists", {"false"}));
}

TEST(ConditionTest, IpAddressAndNotIpAddress) {
  EXPECT_TRUE(Holds("IpAddress", {"10.0.0.0/8", "192.168.0.0/16"}, {"192.168.1.20"}));
  EXPECT_FALSE(Holds("IpAddress", {"10.0.0.0/8"}, {"192.168.1.20"}));
  EXPECT_TRUE(Holds("IpAddress", {"2001:db8::/32"}, {"2001:db8::5"}));
  EXPECT_TRUE(Holds("NotIpAddress", {"10.0.0.0/8"}, {"192.168.1.20"}));
  EXPECT_FALSE(Holds("NotIpAddress", {"10.0.0.0/8"}, {"10.9.9.9"}));
  EXPECT_TRUE(Holds("IpAddress", {"127.0.0.1/32"}, {"::ffff:127.0.0.1"}));
  EXPECT_FALSE(HoldsAbsent("IpAddress", {"10.0.0.0/8"}));
  EXPECT_TRUE(HoldsAbsent("NotIpAddress", {"10.0.0.0/8"}));
}

TEST(ConditionTest, Arn) {
  const std::string topic = "arn:aws:sns:us-east-2:444455556666:topic";
  for (std::string_view op : {"ArnEquals", "ArnLike"}) {
    EXPECT_TRUE(Holds(op, {topic}, {topic})) << op;
    EXPECT_TRUE(Holds(op, {"arn:aws:sns:*:444455556666:*"}, {topic})) << op;
    EXPECT_FALSE(Holds(op, {"arn:aws:sns:*:111122223333:*"}, {topic})) << op;
    EXPECT_FALSE(Holds(op, {topic}, {"not an arn"})) << op;
  }
  for (std::string_view op : {"ArnNotEquals", "ArnNotLike"}) {
    EXPECT_FALSE(Holds(op, {"arn:aws:sns:*:444455556666:*"}, {topic})) << op;
    EXPECT_TRUE(Holds(op, {"arn:aws:sns:*:111122223333:*"}, {topic})) << op;
    EXPECT_TRUE(HoldsAbsent(op, {topic})) << op;
  }
}

TEST(ConditionTest, Null) {
  EXPECT_TRUE(HoldsAbsent("Null", {"true"}));
  EXPECT_FALSE(HoldsAbsent("Null", {"false"}));
  EXPECT_FALSE(Holds("Null", {"true"}, {"x"}));
  EXPECT_TRUE(Holds("Null", {"false"}, {"x"}));
}

TEST(ConditionTest, IfExists) {
  EXPECT_TRUE(HoldsAbsent("StringEqualsIfExists", {"alice"}));
  EXPECT_TRUE(HoldsAbsent("IpAddressIfExists", {"10.0.0.0/8"}));
  EXPECT_TRUE(HoldsAbsent("NumericLessThanIfExists", {"1"}));
  EXPECT_TRUE(HoldsAbsent("ArnLikeIfExists", {"arn:aws:sns:*:*:*"}));
  // Present: evaluated normally.
  EXPECT_FALSE(Holds("StringEqualsIfExists", {"alice"}, {"bob"}));
  EXPECT_TRUE(Holds("StringEqualsIfExists", {"alice"}, {"alice"}));
}

TEST(ConditionTest, SetQualifiers) {
  // ForAllValues: every request value must be among the allowed ones; vacuous when absent.
  EXPECT_TRUE(Holds("ForAllValues:StringEquals", {"a", "b"}, {"a", "b"}));
  EXPECT_FALSE(Holds("ForAllValues:StringEquals", {"a", "b"}, {"a", "c"}));
  EXPECT_TRUE(HoldsAbsent("ForAllValues:StringEquals", {"a"}));
  // ForAnyValue: at least one request value must match; false when absent.
  EXPECT_TRUE(Holds("ForAnyValue:StringEquals", {"a"}, {"c", "a"}));
  EXPECT_FALSE(Holds("ForAnyValue:StringEquals", {"a"}, {"c", "d"}));
  EXPECT_FALSE(HoldsAbsent("ForAnyValue:StringEquals", {"a"}));
  EXPECT_TRUE(Holds("ForAnyValue:StringLike", {"env*"}, {"team", "environment"}));
  // Negated: ForAllValues:StringNotEquals = none of the request values is listed.
  EXPECT_TRUE(Holds("ForAllValues:StringNotEquals", {"secret"}, {"a", "b"}));
  EXPECT_FALSE(Holds("ForAllValues:StringNotEquals", {"secret"}, {"a", "secret"}));
}

TEST(ConditionTest, PolicyVariablesInValues) {
  ContextKeys keys;
  keys.Set("aws:username", "alice");
  keys.Set("k:owner", "alice");
  const Condition c = Make("StringEquals", "k:owner", {"${aws:username}"});
  EXPECT_TRUE(ConditionHolds(c, keys, /*policy_variables=*/true));
  EXPECT_FALSE(ConditionHolds(c, keys, /*policy_variables=*/false));
  keys.Set("aws:username", "bob");
  EXPECT_FALSE(ConditionHolds(c, keys, true));
  keys.Erase("aws:username");
  EXPECT_FALSE(ConditionHolds(c, keys, true));  // unresolvable values match nothing
}

TEST(ConditionTest, OperatorNames) {
  Condition c;
  std::string error;
  ASSERT_TRUE(ParseConditionOperator("ForAnyValue:StringLikeIfExists", &c, &error));
  EXPECT_EQ(c.op, ConditionOp::kStringLike);
  EXPECT_EQ(c.qualifier, SetQualifier::kForAnyValue);
  EXPECT_TRUE(c.if_exists);
  ASSERT_TRUE(ParseConditionOperator("stringequals", &c, &error));
  EXPECT_EQ(c.op, ConditionOp::kStringEquals);
  EXPECT_FALSE(c.if_exists);
  EXPECT_EQ(c.qualifier, SetQualifier::kNone);
  for (std::string_view bad : {"StringEqual", "", "IfExists", "NullIfExists", "ForAllValues:Null",
                               "ForSomeValues:StringEquals", "BinaryEquals"}) {
    EXPECT_FALSE(ParseConditionOperator(bad, &c, &error)) << bad;
    EXPECT_NE(error.find("Unsupported condition operator"), std::string::npos);
  }
}

TEST(ConditionTest, ValuesAreCheckedForTheOperator) {
  struct Case {
    std::string_view op;
    std::string value;
  };
  const Case bad[] = {{"NumericLessThan", "ten"},
                      {"DateLessThan", "tomorrow"},
                      {"IpAddress", "10.0.0.0/40"},
                      {"NotIpAddress", "localhost"},
                      {"Bool", "yes"},
                      {"Null", "1"}};
  for (const Case& b : bad) {
    Condition c;
    std::string error;
    ASSERT_TRUE(ParseConditionOperator(b.op, &c, &error));
    c.key = "aws:x";
    c.values = {b.value};
    EXPECT_FALSE(PrepareConditionValues(&c, &error)) << b.op;
    EXPECT_NE(error.find(b.value), std::string::npos) << error;
  }
  Condition empty;
  std::string error;
  ASSERT_TRUE(ParseConditionOperator("StringEquals", &empty, &error));
  EXPECT_FALSE(PrepareConditionValues(&empty, &error));
}

}  // namespace
}  // namespace spool::auth

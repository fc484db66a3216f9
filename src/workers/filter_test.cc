// Filter matching: which bodies a compiled pattern lets through (workers.md 2.9).

#include "workers/filter.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace spool::workers {
namespace {

// Whether `pattern` (which must compile) matches `body`.
bool Matches(std::string_view pattern, std::string_view body) {
  std::string error;
  const std::optional<Filter> filter = Filter::Compile(pattern, &error);
  if (!filter) {
    ADD_FAILURE() << "pattern " << pattern << " rejected: " << error;
    return false;
  }
  return filter->Matches(body);
}

TEST(FilterTest, ExactStringInsideAJsonBody) {
  const char* p = R"({"body":{"type":["order"]}})";
  EXPECT_TRUE(Matches(p, R"({"type":"order","id":7})"));
  EXPECT_FALSE(Matches(p, R"({"type":"Order"})"));
  EXPECT_FALSE(Matches(p, R"({"type":"orders"})"));
  EXPECT_FALSE(Matches(p, R"({"kind":"order"})"));
  EXPECT_FALSE(Matches(p, "order"));
}

// The table of workers.md 2.9: a rule's shape decides which bodies it can match.
TEST(FilterTest, BodyShapeTable) {
  const char* object_rule = R"({"body":{"a":[{"exists":true}]}})";
  const char* string_rule = R"({"body":[{"prefix":"{"}]})";
  EXPECT_TRUE(Matches(string_rule, "{not json"));           // plain string, string rule
  EXPECT_TRUE(Matches("{}", "plain text"));                 // plain string, no rule
  EXPECT_FALSE(Matches(object_rule, "a plain body"));       // plain string, object rule
  EXPECT_FALSE(Matches(string_rule, R"({"a":1})"));         // JSON, string rule
  EXPECT_TRUE(Matches("{}", R"({"a":1})"));                 // JSON, no rule
  EXPECT_TRUE(Matches(object_rule, R"( {"a": 1} )"));       // JSON, object rule
  EXPECT_FALSE(Matches(object_rule, R"({"a":1}trailer)"));  // not JSON after all
}

TEST(FilterTest, PlainTextBodies) {
  EXPECT_TRUE(Matches(R"({"body":["hello"]})", "hello"));
  EXPECT_FALSE(Matches(R"({"body":["hello"]})", "hello "));
  EXPECT_TRUE(Matches(R"({"body":[{"prefix":"PRIORITY:"}]})", "PRIORITY: high"));
  EXPECT_TRUE(Matches(R"({"body":[""]})", ""));
  EXPECT_FALSE(Matches(R"({"body":[""]})", " "));
  EXPECT_TRUE(Matches(R"({"body":[{"wildcard":"*\u00e9*"}]})", "caf\xc3\xa9 noir"));
  // Not valid UTF-8, so not JSON: a string like any other.
  EXPECT_TRUE(Matches(R"({"body":[{"suffix":"!"}]})", "\"\xff\"!"));
}

// A JSON body that is not an object is its value: scalars match by kind and value.
TEST(FilterTest, ScalarJsonBodiesMatchAsValues) {
  EXPECT_TRUE(Matches(R"({"body":[42]})", "42"));
  EXPECT_FALSE(Matches(R"({"body":["42"]})", "42"));
  EXPECT_TRUE(Matches(R"({"body":[{"numeric":[">",40]}]})", " 42 "));
  EXPECT_TRUE(Matches(R"({"body":["x"]})", R"("x")"));
  EXPECT_FALSE(Matches(R"({"body":["\"x\""]})", R"("x")"));
  EXPECT_TRUE(Matches(R"({"body":[true]})", "true"));
  EXPECT_TRUE(Matches(R"({"body":[null]})", "null"));
  EXPECT_TRUE(Matches(R"({"body":["a"]})", R"(["b","a"])"));
  // A JSON object body is no value at all.
  EXPECT_FALSE(Matches(R"({"body":[{"anything-but":"x"}]})", R"({"a":1})"));
  EXPECT_TRUE(Matches(R"({"body":[{"exists":false}]})", R"({"a":1})"));
}

TEST(FilterTest, ExactNumbersCompareAsWritten) {
  EXPECT_TRUE(Matches(R"({"body":{"n":[300]}})", R"({"n":300})"));
  EXPECT_FALSE(Matches(R"({"body":{"n":[300]}})", R"({"n":300.0})"));
  EXPECT_FALSE(Matches(R"({"body":{"n":[300]}})", R"({"n":3e2})"));
  EXPECT_FALSE(Matches(R"({"body":{"n":[300]}})", R"({"n":"300"})"));
  EXPECT_TRUE(Matches(R"({"body":{"n":[300.0]}})", R"({"n":300.0})"));
  EXPECT_FALSE(Matches(R"({"body":{"n":["300"]}})", R"({"n":300})"));
  EXPECT_TRUE(Matches(R"({"body":{"n":[-1.5e-3]}})", R"({"n":-1.5e-3})"));
}

TEST(FilterTest, NumericComparesValues) {
  const char* at_least_5 = R"({"body":{"p":[{"numeric":[">=",5]}]}})";
  EXPECT_TRUE(Matches(at_least_5, R"({"p":5})"));
  EXPECT_TRUE(Matches(at_least_5, R"({"p":5.0})"));
  EXPECT_TRUE(Matches(at_least_5, R"({"p":1e9})"));
  EXPECT_FALSE(Matches(at_least_5, R"({"p":4.999})"));
  EXPECT_FALSE(Matches(at_least_5, R"({"p":"7"})"));
  EXPECT_FALSE(Matches(at_least_5, R"({})"));
  const char* range = R"({"body":{"p":[{"numeric":[">",0,"<=",5]}]}})";
  EXPECT_FALSE(Matches(range, R"({"p":0})"));
  EXPECT_TRUE(Matches(range, R"({"p":0.000001})"));
  EXPECT_TRUE(Matches(range, R"({"p":5})"));
  EXPECT_FALSE(Matches(range, R"({"p":5.01})"));
  const char* reversed = R"({"body":{"p":[{"numeric":["<",10,">=",5]}]}})";
  EXPECT_TRUE(Matches(reversed, R"({"p":9.99})"));
  EXPECT_FALSE(Matches(reversed, R"({"p":10})"));
  const char* equals = R"({"body":{"p":[{"numeric":["=",300]}]}})";
  EXPECT_TRUE(Matches(equals, R"({"p":300.0})"));
  EXPECT_TRUE(Matches(equals, R"({"p":3e2})"));
  EXPECT_FALSE(Matches(equals, R"({"p":300.5})"));
  EXPECT_TRUE(
      Matches(R"({"body":{"p":[{"numeric":["<",-1]}]}})", R"({"p":-18446744073709551616})"));
  EXPECT_TRUE(Matches(R"({"body":{"p":[{"numeric":[">",1]}]}})", R"({"p":18446744073709551615})"));
}

TEST(FilterTest, NullEmptyAndBooleans) {
  const char* null_rule = R"({"body":{"u":[null]}})";
  EXPECT_TRUE(Matches(null_rule, R"({"u":null})"));
  EXPECT_FALSE(Matches(null_rule, R"({})"));
  EXPECT_FALSE(Matches(null_rule, R"({"u":"null"})"));
  EXPECT_FALSE(Matches(null_rule, R"({"u":""})"));
  const char* empty = R"({"body":{"u":[""]}})";
  EXPECT_TRUE(Matches(empty, R"({"u":""})"));
  EXPECT_FALSE(Matches(empty, R"({"u":null})"));
  EXPECT_FALSE(Matches(empty, R"({})"));
  EXPECT_TRUE(Matches(R"({"body":{"ok":[true]}})", R"({"ok":true})"));
  EXPECT_FALSE(Matches(R"({"body":{"ok":[true]}})", R"({"ok":"true"})"));
  EXPECT_FALSE(Matches(R"({"body":{"ok":[true]}})", R"({"ok":false})"));
}

TEST(FilterTest, StringOperators) {
  EXPECT_TRUE(Matches(R"({"body":{"s":[{"prefix":"refund-"}]}})", R"({"s":"refund-42"})"));
  EXPECT_FALSE(Matches(R"({"body":{"s":[{"prefix":"refund-"}]}})", R"({"s":"Refund-42"})"));
  EXPECT_TRUE(Matches(R"({"body":{"s":[{"prefix":""}]}})", R"({"s":""})"));
  EXPECT_FALSE(Matches(R"({"body":{"s":[{"prefix":"1"}]}})", R"({"s":12})"));
  EXPECT_TRUE(Matches(R"({"body":{"f":[{"suffix":".png"}]}})", R"({"f":"a/b.png"})"));
  EXPECT_FALSE(Matches(R"({"body":{"f":[{"suffix":".png"}]}})", R"({"f":"a/b.PNG"})"));
  EXPECT_TRUE(
      Matches(R"({"body":{"f":[{"suffix":{"equals-ignore-case":".png"}}]}})", R"({"f":"B.PnG"})"));
  EXPECT_TRUE(Matches(R"({"body":{"f":[{"prefix":{"equals-ignore-case":"EVENTB"}}]}})",
                      R"({"f":"eventBus"})"));
  EXPECT_TRUE(Matches(R"({"body":{"n":[{"equals-ignore-case":"alice"}]}})", R"({"n":"ALICE"})"));
  EXPECT_FALSE(Matches(R"({"body":{"n":[{"equals-ignore-case":"alice"}]}})", R"({"n":"alicE "})"));
  // Unicode escapes in patterns and bodies are the characters they stand for.
  EXPECT_TRUE(Matches(R"({"body":{"n":["caf\u00e9"]}})", "{\"n\":\"caf\xc3\xa9\"}"));
}

TEST(FilterTest, Wildcard) {
  const char* png_in_dir = R"({"body":{"k":[{"wildcard":"dir/*.png"}]}})";
  EXPECT_TRUE(Matches(png_in_dir, R"({"k":"dir/a.png"})"));
  EXPECT_TRUE(Matches(png_in_dir, R"({"k":"dir/.png"})"));
  EXPECT_TRUE(Matches(png_in_dir, R"({"k":"dir/x/y.png"})"));
  EXPECT_FALSE(Matches(png_in_dir, R"({"k":"dir/a.png.txt"})"));
  EXPECT_FALSE(Matches(png_in_dir, R"({"k":"other/a.png"})"));
  const char* title = R"({"body":{"k":[{"wildcard":"*Title*Draft*"}]}})";
  EXPECT_TRUE(Matches(title, R"({"k":"My Title - Draft 2"})"));
  EXPECT_FALSE(Matches(title, R"({"k":"My Draft - Title"})"));
  const char* literal_star = R"({"body":{"k":[{"wildcard":"a\\*b*"}]}})";
  EXPECT_TRUE(Matches(literal_star, R"({"k":"a*bc"})"));
  EXPECT_FALSE(Matches(literal_star, R"({"k":"axbc"})"));
  EXPECT_TRUE(Matches(R"({"body":{"k":[{"wildcard":"x\\\\y"}]}})", R"({"k":"x\\y"})"));
  EXPECT_TRUE(Matches(R"({"body":{"k":[{"wildcard":"*"}]}})", R"({"k":""})"));
  EXPECT_FALSE(Matches(R"({"body":{"k":[{"wildcard":"*"}]}})", R"({"k":1})"));
  // Overlapping prefix and suffix pieces need enough characters for both.
  EXPECT_FALSE(Matches(R"({"body":{"k":[{"wildcard":"ab*ba"}]}})", R"({"k":"aba"})"));
  EXPECT_TRUE(Matches(R"({"body":{"k":[{"wildcard":"ab*ba"}]}})", R"({"k":"abba"})"));
}

TEST(FilterTest, AnythingBut) {
  const char* not_init = R"({"body":{"s":[{"anything-but":"initializing"}]}})";
  EXPECT_TRUE(Matches(not_init, R"({"s":"running"})"));
  EXPECT_FALSE(Matches(not_init, R"({"s":"initializing"})"));
  EXPECT_FALSE(Matches(not_init, R"({})"));  // a missing field is not "anything"
  EXPECT_TRUE(Matches(not_init, R"({"s":["initializing","running"]})"));
  EXPECT_FALSE(Matches(not_init, R"({"s":["initializing"]})"));
  const char* not_listed = R"({"body":{"s":[{"anything-but":["stopped","overloaded"]}]}})";
  EXPECT_TRUE(Matches(not_listed, R"({"s":"running"})"));
  EXPECT_FALSE(Matches(not_listed, R"({"s":"overloaded"})"));
  const char* not_numbers = R"({"body":{"x":[{"anything-but":[100,200]}]}})";
  EXPECT_TRUE(Matches(not_numbers, R"({"x":300})"));
  EXPECT_FALSE(Matches(not_numbers, R"({"x":200})"));
  EXPECT_TRUE(Matches(not_numbers, R"({"x":"200"})"));
  const char* not_us = R"({"body":{"r":[{"anything-but":{"prefix":"us-"}}]}})";
  EXPECT_TRUE(Matches(not_us, R"({"r":"eu-west-1"})"));
  EXPECT_FALSE(Matches(not_us, R"({"r":"us-east-1"})"));
  EXPECT_FALSE(Matches(not_us, R"({"r":7})"));
  const char* not_png = R"({"body":{"f":[{"anything-but":{"suffix":".png"}}]}})";
  EXPECT_TRUE(Matches(not_png, R"({"f":"a.jpg"})"));
  EXPECT_FALSE(Matches(not_png, R"({"f":"a.png"})"));
  const char* not_ic = R"({"body":{"s":[{"anything-but":{"equals-ignore-case":["a","B"]}}]}})";
  EXPECT_FALSE(Matches(not_ic, R"({"s":"b"})"));
  EXPECT_TRUE(Matches(not_ic, R"({"s":"c"})"));
  const char* not_lib = R"({"body":{"p":[{"anything-but":{"wildcard":"*/lib/*"}}]}})";
  EXPECT_FALSE(Matches(not_lib, R"({"p":"/usr/lib/x"})"));
  EXPECT_TRUE(Matches(not_lib, R"({"p":"/usr/bin/x"})"));
}

TEST(FilterTest, ExistsLooksAtScalarsOnly) {
  const char* has = R"({"body":{"c":[{"exists":true}]}})";
  const char* lacks = R"({"body":{"c":[{"exists":false}]}})";
  EXPECT_TRUE(Matches(has, R"({"c":0})"));
  EXPECT_TRUE(Matches(has, R"({"c":null})"));
  EXPECT_TRUE(Matches(has, R"({"c":[1]})"));
  EXPECT_FALSE(Matches(has, R"({"c":{"d":1}})"));  // not a leaf
  EXPECT_FALSE(Matches(has, R"({"c":[]})"));
  EXPECT_FALSE(Matches(has, R"({})"));
  EXPECT_TRUE(Matches(lacks, R"({})"));
  EXPECT_TRUE(Matches(lacks, R"({"c":{"d":1}})"));
  EXPECT_FALSE(Matches(lacks, R"({"c":"x"})"));
  // A missing parent means a missing child.
  const char* nested_lacks = R"({"body":{"a":{"b":[{"exists":false}]}}})";
  EXPECT_TRUE(Matches(nested_lacks, R"({})"));
  EXPECT_TRUE(Matches(nested_lacks, R"({"a":5})"));
  EXPECT_TRUE(Matches(nested_lacks, R"({"a":{"c":1}})"));
  EXPECT_FALSE(Matches(nested_lacks, R"({"a":{"b":1}})"));
  EXPECT_FALSE(Matches(R"({"body":{"a":{"b":[{"exists":true}]}}})", R"({"a":5})"));
}

TEST(FilterTest, FieldsAreAndValuesAreOr) {
  const char* p = R"({"body":{"type":["order","refund"],"priority":[{"numeric":[">=",5]}]}})";
  EXPECT_TRUE(Matches(p, R"({"type":"refund","priority":9})"));
  EXPECT_FALSE(Matches(p, R"({"type":"refund","priority":1})"));
  EXPECT_FALSE(Matches(p, R"({"type":"other","priority":9})"));
  EXPECT_FALSE(Matches(p, R"({"priority":9})"));
  const char* mixed = R"({"body":{"v":["a",{"prefix":"zz"},{"numeric":["<",0]},null]}})";
  EXPECT_TRUE(Matches(mixed, R"({"v":"a"})"));
  EXPECT_TRUE(Matches(mixed, R"({"v":"zzz"})"));
  EXPECT_TRUE(Matches(mixed, R"({"v":-1})"));
  EXPECT_TRUE(Matches(mixed, R"({"v":null})"));
  EXPECT_FALSE(Matches(mixed, R"({"v":"b"})"));
}

TEST(FilterTest, NestedObjects) {
  const char* p = R"({"body":{"detail":{"state":["running"],"meta":{"zone":[{"prefix":"eu"}]}}}})";
  EXPECT_TRUE(Matches(p, R"({"detail":{"state":"running","meta":{"zone":"eu-1"}}})"));
  EXPECT_FALSE(Matches(p, R"({"detail":{"state":"running","meta":{"zone":"us-1"}}})"));
  EXPECT_FALSE(Matches(p, R"({"detail":{"state":"running"}})"));
  EXPECT_FALSE(Matches(p, R"({"detail":"running"})"));
  EXPECT_FALSE(Matches(p, R"({"state":"running","meta":{"zone":"eu-1"}})"));
}

TEST(FilterTest, ArraysMatchWhenAnyElementDoes) {
  EXPECT_TRUE(Matches(R"({"body":{"tags":["red"]}})", R"({"tags":["blue","red"]})"));
  EXPECT_TRUE(Matches(R"({"body":{"tags":["red"]}})", R"({"tags":[["blue"],[["red"]]]})"));
  EXPECT_FALSE(Matches(R"({"body":{"tags":["red"]}})", R"({"tags":[{"x":"red"}]})"));
  EXPECT_FALSE(Matches(R"({"body":{"tags":["red"]}})", R"({"tags":[]})"));
  EXPECT_TRUE(Matches(R"({"body":{"n":[{"numeric":[">",10]}]}})", R"({"n":[1,2,30]})"));
  // Objects in arrays: the fields of a nested rule must match within one element.
  const char* anna_smith = R"({"body":{"people":{"first":["Anna"],"last":["Smith"]}}})";
  EXPECT_TRUE(Matches(
      anna_smith, R"({"people":[{"first":"John","last":"Doe"},{"first":"Anna","last":"Smith"}]})"));
  EXPECT_FALSE(Matches(
      anna_smith, R"({"people":[{"first":"Anna","last":"Doe"},{"first":"John","last":"Smith"}]})"));
  EXPECT_TRUE(Matches(anna_smith, R"({"people":[[{"first":"Anna","last":"Smith"}]]})"));
  // A JSON array body: its objects are candidates of the body's object rule.
  EXPECT_TRUE(Matches(R"({"body":{"id":[2]}})", R"([{"id":1},{"id":2}])"));
}

TEST(FilterTest, OrAlternatives) {
  const char* p = R"({"body":{"source":["cw"],"$or":[{"metric":["cpu"]},{"ns":["ec2"]}]}})";
  EXPECT_TRUE(Matches(p, R"({"source":"cw","metric":"cpu"})"));
  EXPECT_TRUE(Matches(p, R"({"source":"cw","ns":"ec2"})"));
  EXPECT_FALSE(Matches(p, R"({"source":"cw","metric":"mem"})"));
  EXPECT_FALSE(Matches(p, R"({"source":"x","metric":"cpu"})"));
  const char* nested =
      R"({"body":{"$or":[{"a":[1]},{"b":[2],"$or":[{"c":[3]},{"d":{"e":[4]}}]}]}})";
  EXPECT_TRUE(Matches(nested, R"({"a":1})"));
  EXPECT_TRUE(Matches(nested, R"({"b":2,"d":{"e":4}})"));
  EXPECT_FALSE(Matches(nested, R"({"b":2})"));
  EXPECT_FALSE(Matches(nested, R"({"c":3})"));
  const char* top = R"({"$or":[{"body":{"a":["x"]}},{"body":[{"prefix":"x"}]}]})";
  EXPECT_TRUE(Matches(top, R"({"a":"x"})"));
  EXPECT_TRUE(Matches(top, "xyz"));
  EXPECT_FALSE(Matches(top, R"({"a":"y"})"));
  // Alternatives see the same object, whatever the array structure above it.
  EXPECT_TRUE(Matches(R"({"body":{"o":{"$or":[{"a":[1]},{"b":[1]}]}}})", R"({"o":[{"b":1}]})"));
}

TEST(FilterTest, DuplicateKeysInAPatternLastWins) {
  EXPECT_TRUE(Matches(R"({"body":{"a":["x"],"a":["y"]}})", R"({"a":"y"})"));
  EXPECT_FALSE(Matches(R"({"body":{"a":["x"],"a":["y"]}})", R"({"a":"x"})"));
}

TEST(FilterTest, DuplicateKeysInABodyAreAllValues) {
  EXPECT_TRUE(Matches(R"({"body":{"a":["x"]}})", R"({"a":"y","a":"x"})"));
  EXPECT_FALSE(Matches(R"({"body":{"a":[{"exists":false}]}})", R"({"a":"y","a":"x"})"));
}

TEST(FilterTest, KeysAreExact) {
  EXPECT_FALSE(Matches(R"({"body":{"a.b":["x"]}})", R"({"a":{"b":"x"}})"));
  EXPECT_TRUE(Matches(R"({"body":{"a.b":["x"]}})", R"({"a.b":"x"})"));
  EXPECT_TRUE(Matches(R"({"body":{"\u0041":["x"]}})", R"({"A":"x"})"));
}

TEST(FilterSetTest, AnyFilterLetsAMessageThrough) {
  std::string error;
  const auto set = FilterSet::Compile(
      {R"({"body":{"type":["order"],"priority":[{"numeric":[">=",5]}]}})",
       R"({"body":{"type":[{"prefix":"refund-"}]}})", R"({"body":[{"prefix":"PRIORITY:"}]})"},
      &error);
  ASSERT_TRUE(set) << error;
  EXPECT_FALSE(set->empty());
  EXPECT_TRUE(set->Matches(R"({"type":"order","priority":5})"));
  EXPECT_FALSE(set->Matches(R"({"type":"order","priority":4})"));
  EXPECT_TRUE(set->Matches(R"({"type":"refund-full"})"));
  EXPECT_TRUE(set->Matches("PRIORITY: now"));
  EXPECT_FALSE(set->Matches("later"));
}

TEST(FilterSetTest, EmptySetPassesEverything) {
  const auto set = FilterSet::Compile({}, nullptr);
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->empty());
  EXPECT_TRUE(set->Matches(""));
  EXPECT_TRUE(set->Matches("{"));
}

TEST(FilterSetTest, EmptyPatternPassesEverything) {
  const auto set = FilterSet::Compile({R"({"body":["never"]})", "{}"}, nullptr);
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->Matches("anything"));
  EXPECT_TRUE(set->Matches(std::string(300, '[')));
}

TEST(FilterTest, DefaultConstructedFilterMatchesNothing) {
  const Filter filter;
  EXPECT_FALSE(filter.Matches("x"));
}

}  // namespace
}  // namespace spool::workers

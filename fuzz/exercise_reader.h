#pragma once
// Drives every accessor of a protocol::Reader the way handlers do, for the fuzz targets.
//
// Two passes: the real SQS member names (so seeds and the dictionaries reach the shapes botocore
// and the JS client produce: batch entries holding attribute maps holding lists), then one-letter
// names that the fuzzer finds by itself, with every accessor asked for the same member so that
// each shape meets every other shape's data. Results are checked for the few things that must
// always hold; a violation traps.

#include <optional>
#include <string_view>

#include "protocol/reader.h"

namespace spool::fuzz {

inline void Require(bool condition) {
  if (!condition) __builtin_trap();
}

// A failed read must leave an error behind; any error names a field.
template <typename T>
void CheckRead(const protocol::Reader& reader, const std::optional<T>& value) {
  (void)value;
  if (reader.error()) Require(!reader.error()->field.empty());
}

inline void ExerciseAttributeValue(protocol::Reader& value) {
  CheckRead(value, value.String("DataType", "DataType"));
  CheckRead(value, value.String("StringValue", "StringValue"));
  CheckRead(value, value.Blob("BinaryValue", "BinaryValue"));
  CheckRead(value, value.StringList("StringListValues", "StringListValue"));
  CheckRead(value, value.BlobList("BinaryListValues", "BinaryListValue"));
}

inline void ExerciseAttributeMap(protocol::Reader& reader, std::string_view json_name,
                                 std::string_view query_prefix) {
  auto map = reader.StructMap(json_name, query_prefix);
  CheckRead(reader, map);
  if (!map) return;
  for (auto& [name, value] : *map) ExerciseAttributeValue(*value);
}

// SendMessage / SendMessageBatch entry members.
inline void ExerciseMessage(protocol::Reader& reader) {
  CheckRead(reader, reader.String("Id", "Id"));
  CheckRead(reader, reader.String("MessageBody", "MessageBody"));
  CheckRead(reader, reader.Int("DelaySeconds", "DelaySeconds"));
  CheckRead(reader, reader.String("MessageGroupId", "MessageGroupId"));
  CheckRead(reader, reader.String("MessageDeduplicationId", "MessageDeduplicationId"));
  CheckRead(reader, reader.String("ReceiptHandle", "ReceiptHandle"));
  CheckRead(reader, reader.Int("VisibilityTimeout", "VisibilityTimeout"));
  ExerciseAttributeMap(reader, "MessageAttributes", "MessageAttribute");
  ExerciseAttributeMap(reader, "MessageSystemAttributes", "MessageSystemAttribute");
}

inline void ExerciseSqsShapes(protocol::Reader& root) {
  CheckRead(root, root.String("QueueUrl", "QueueUrl"));
  CheckRead(root, root.String("QueueName", "QueueName"));
  CheckRead(root, root.Int("MaxNumberOfMessages", "MaxNumberOfMessages"));
  CheckRead(root, root.Int("WaitTimeSeconds", "WaitTimeSeconds"));
  CheckRead(root, root.StringList("AttributeNames", "AttributeName"));
  CheckRead(root, root.StringList("MessageAttributeNames", "MessageAttributeName"));
  CheckRead(root, root.StringList("TagKeys", "TagKey"));
  CheckRead(root, root.StringMap("Attributes", "Attribute"));
  CheckRead(root, root.StringMap("tags", "Tag", "Key", "Value"));
  ExerciseMessage(root);
  for (std::string_view prefix : {"SendMessageBatchRequestEntry", "DeleteMessageBatchRequestEntry",
                                  "ChangeMessageVisibilityBatchRequestEntry"}) {
    auto entries = root.StructList("Entries", prefix);
    CheckRead(root, entries);
    if (!entries) continue;
    for (auto& entry : *entries) ExerciseMessage(*entry);
  }
}

// Every accessor on the member "a" (JSON) / "a" (Query), plus a list whose JSON name differs
// from its Query key, recursing into structures.
inline void ExerciseGeneric(protocol::Reader& reader, int depth) {
  CheckRead(reader, reader.String("a", "a"));
  CheckRead(reader, reader.Int("a", "a"));
  CheckRead(reader, reader.Bool("a", "a"));
  CheckRead(reader, reader.Blob("a", "a"));
  CheckRead(reader, reader.StringList("a", "a"));
  CheckRead(reader, reader.BlobList("a", "a"));
  CheckRead(reader, reader.StringList("bs", "b"));
  CheckRead(reader, reader.StringMap("a", "a"));
  CheckRead(reader, reader.StringMap("a", "a", "k", "v"));
  if (depth >= 3) return;
  if (auto list = reader.StructList("a", "a")) {
    for (auto& item : *list) ExerciseGeneric(*item, depth + 1);
  }
  if (auto map = reader.StructMap("a", "a")) {
    for (auto& [key, value] : *map) ExerciseGeneric(*value, depth + 1);
  }
  CheckRead(reader, reader.String("a", "a"));
}

inline void ExerciseReader(protocol::Reader& root) {
  ExerciseSqsShapes(root);
  ExerciseGeneric(root, 0);
}

}  // namespace spool::fuzz

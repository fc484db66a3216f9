#pragma once
// Template part of message_rules.h.

#include "common/crypto.h"

namespace spool::engine {

void AppendAttributeToMd5(common::Md5Builder& md5, const std::string& name,
                          const AttributeValue& value);

template <class Pred>
std::optional<Md5Digest> AttributesMd5If(const MessageAttributes& attributes, Pred keep) {
  common::Md5Builder md5;
  bool any = false;
  for (const auto& [name, value] : attributes) {
    if (!keep(name)) continue;
    any = true;
    AppendAttributeToMd5(md5, name, value);
  }
  if (!any) return std::nullopt;
  return md5.Finish();
}

}  // namespace spool::engine

#pragma once
// The `Successful` / `Failed` lists that every batch action answers with.

#include <string_view>
#include <vector>

#include "api/error_mapping.h"
#include "protocol/writer.h"

namespace spool::api {

// `Entry` has `id` and `std::optional<engine::Error> error`. `write_ok(writer, entry)` writes a
// successful entry's members after its Id; `ok_item` is the Query element of one.
template <class Entry, class WriteOk>
void WriteBatchResult(protocol::Writer& w, const std::vector<Entry>& entries,
                      std::string_view ok_item, WriteOk write_ok) {
  w.BeginList("Successful", ok_item);
  for (const auto& e : entries) {
    if (e.error) continue;
    w.BeginItem();
    w.String("Id", "Id", e.id);
    write_ok(w, e);
    w.EndItem();
  }
  w.EndList();
  w.BeginList("Failed", "BatchResultErrorEntry");
  for (const auto& e : entries) {
    if (!e.error) continue;
    const auto& info = protocol::Info(ToAwsError(e.error->code));
    w.BeginItem();
    w.String("Id", "Id", e.id);
    w.Bool("SenderFault", "SenderFault", info.sender_fault);
    w.String("Code", "Code", info.query_code);
    w.String("Message", "Message", e.error->message);
    w.EndItem();
  }
  w.EndList();
}

}  // namespace spool::api

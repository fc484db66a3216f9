#pragma once
// The runtime bootstraps (bootstrap/), compiled into the binary so that `spool` alone can run
// Node and Python handlers; runtimes.h writes them out at start.

#include <string_view>
#include <vector>

namespace spool::workers {

struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};

const std::vector<EmbeddedFile>& BootstrapFiles();

}  // namespace spool::workers

#include "lambda/filters.h"

#include "workers/filter.h"

namespace spool::lambda {

std::string CheckFilterPatterns(const std::vector<std::string>& patterns) {
  // The same compiler the pollers run the patterns with.
  std::string error;
  if (!workers::FilterSet::Compile(patterns, &error)) {
    return "Invalid filter pattern definition. " + error;
  }
  return "";
}

}  // namespace spool::lambda

#include "lambda/filters.h"

#include <boost/json.hpp>

namespace spool::lambda {

std::string CheckFilterPatterns(const std::vector<std::string>& patterns) {
  // TODO(filters): compile with workers::FilterSet::Compile (src/workers/filter.h) once
  // filter.cc is committed; until then only the JSON is checked.
  for (const auto& pattern : patterns) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(pattern, ec);
    if (ec || !v.is_object()) {
      return "Invalid filter pattern definition: " + pattern +
             " (each FilterCriteria.Filters[].Pattern must be a JSON object).";
    }
  }
  return "";
}

}  // namespace spool::lambda

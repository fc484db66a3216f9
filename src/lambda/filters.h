#pragma once
// The check of a mapping's FilterCriteria patterns at create and update: compiled with
// workers::FilterSet, as the pollers will run them.

#include <string>
#include <vector>

namespace spool::lambda {

// "" when every pattern is one the workers can run; else an InvalidParameterValueException
// message naming the pattern.
std::string CheckFilterPatterns(const std::vector<std::string>& patterns);

}  // namespace spool::lambda

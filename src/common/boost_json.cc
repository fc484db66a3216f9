// Boost.JSON is used header-only: this translation unit holds its compiled part for the whole
// program (Debian ships no libboost_json for 1.81).
#include <boost/json/src.hpp>

// Intentionally empty. Boost.JSON is used header-only, and its compiled part must exist once per
// program: that translation unit is common/boost_json.cc (the engine needs Boost.JSON too and
// must not link protocol), which spool_protocol gets through spool_common. A second copy here
// would only go unnoticed because static archives pull one of them. This file can be deleted
// together with its line in CMakeLists.txt.

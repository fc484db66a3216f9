# spool_module(NAME SOURCES ... DEPS ...): one library target per module folder.
# The dependency direction of docs/architecture.md is enforced by listing DEPS here:
# a module can only include headers of the modules it links.
function(spool_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT M_SOURCES)
    # A module of headers only (or one whose sources are still to come).
    add_library(spool_${name} INTERFACE)
    target_include_directories(spool_${name} INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>)
    target_link_libraries(spool_${name} INTERFACE ${M_DEPS})
    return()
  endif()
  add_library(spool_${name} STATIC ${M_SOURCES})
  # BUILD_INTERFACE: the client library exports spool_auth and spool_common (src/client).
  target_include_directories(spool_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>)
  target_link_libraries(spool_${name} PUBLIC ${M_DEPS})
endfunction()

# spool_test(NAME SOURCES ... DEPS ...): one gtest binary, registered with ctest.
function(spool_test name)
  if(NOT SPOOL_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()

# spool_microbench(NAME SOURCES ... DEPS ...): a Google Benchmark binary. Built with the tests
# (not in sanitizer or fuzz builds, whose timings mean nothing); ctest runs each benchmark once,
# briefly, so they keep compiling and running. Figures come from `make microbench`.
function(spool_microbench name)
  if(NOT SPOOL_BUILD_TESTS OR SPOOL_SANITIZE OR SPOOL_FUZZ)
    return()
  endif()
  cmake_parse_arguments(B "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${B_SOURCES})
  target_link_libraries(${name} PRIVATE ${B_DEPS} benchmark::benchmark_main)
  add_test(NAME ${name}_smoke COMMAND ${name} --benchmark_min_time=0.001)
endfunction()

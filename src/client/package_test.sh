#!/usr/bin/env bash
# client_package_test: installs the client library of a build into a temporary prefix
# (cmake --install --component spool_client), then configures and builds examples/client on its
# own against that prefix with find_package(SpoolClient), and runs it once against an endpoint
# where nothing listens (it must fail with a network error after its retries).
#
#   package_test.sh BUILD_DIR SOURCE_DIR CXX_COMPILER [SANITIZERS]
set -euo pipefail
build=$1 source=$2 cxx=$3 sanitize=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" --component spool_client >"$tmp/install.log"
for f in include/spool/client.h lib/cmake/SpoolClient/SpoolClientConfig.cmake; do
  [[ -f "$tmp/prefix/$f" ]] || { echo "package test: $f was not installed" >&2; exit 1; }
done

flags=()
if [[ -n "$sanitize" ]]; then
  flags=("-DCMAKE_CXX_FLAGS=-fsanitize=$sanitize" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=$sanitize")
fi
if ! cmake -S "$source/examples/client" -B "$tmp/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$tmp/prefix" "${flags[@]}" \
    >"$tmp/configure.log" 2>&1; then
  cat "$tmp/configure.log" >&2
  exit 1
fi
if ! cmake --build "$tmp/build" >"$tmp/build.log" 2>&1; then
  cat "$tmp/build.log" >&2
  exit 1
fi

set +e
AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y \
  AWS_REGION=us-east-1 "$tmp/build/spool_client_example" package-test >"$tmp/run.log" 2>&1
rc=$?
set -e
if [[ $rc -ne 1 ]] || ! grep -q NetworkError "$tmp/run.log"; then
  echo "package test: the example exited $rc:" >&2
  cat "$tmp/run.log" >&2
  exit 1
fi
echo "package test: installed, found with find_package(SpoolClient), built and run"

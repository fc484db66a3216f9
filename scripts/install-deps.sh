#!/usr/bin/env bash
# Installs every Debian and npm package that Spool's build and tests need.
# Does nothing (and asks no registry) when everything is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libssl-dev libsqlite3-dev libpq-dev libcli11-dev libtomlplusplus-dev
  libzip-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libsimdjson-dev libjemalloc-dev
  clang-format clang-14 libclang-rt-14-dev
  awscli python3-boto3 python3-pytest python3-requests
  postgresql chromium
  autoconf automake libtool
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages for the JavaScript client tests (pinned by tests/js/package-lock.json).
if [ -f tests/js/package.json ]; then
  if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
    echo "install-deps: installing npm packages for tests/js"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

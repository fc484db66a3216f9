# The two commands: `make run` and `make test`. Everything else is a helper.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
SPOOL := $(BUILD_DIR)/src/server/spool
JOBS ?= $(shell nproc)

.PHONY: run serve test deps build build-asan unit unit-asan integration fmt fmt-check fuzz microbench clean

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

build-asan: deps
	@cmake --preset asan-ubsan >/dev/null
	@cmake --build --preset asan-ubsan -j $(JOBS)

# The broker with the orders demo (scripts/run-demo.sh): its stack applied, its web app on
# http://127.0.0.1:3000. `make serve` runs the broker alone.
run: build
	@scripts/run-demo.sh $(BUILD_DIR) $(ARGS)

serve: build
	@$(SPOOL) serve $(ARGS)

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

unit-asan: build-asan
	@cd build/asan-ubsan && ctest --output-on-failure -j $(JOBS)

integration: build
	@SPOOL_BIN=$(abspath $(SPOOL)) tests/integration/run-all.sh

test: fmt-check unit unit-asan integration
	@echo "make test: all suites passed"

fmt:
	@find src fuzz examples -name '*.h' -o -name '*.cc' | xargs clang-format -i

fmt-check: deps
	@find src fuzz examples -name '*.h' -o -name '*.cc' | xargs clang-format --dry-run --Werror

# Google Benchmark micro-benchmarks of the hot primitives (release build).
microbench: build
	@for b in $(BUILD_DIR)/src/*/*_microbench; do echo "== $$b"; $$b; done

fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@scripts/run-fuzzers.sh build/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build

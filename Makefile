# zeropapier: the two commands are `make run` and `make test`; the others are their parts.
SHELL := /bin/bash
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
export CCACHE_DIR ?= $(CURDIR)/.cache/ccache
# Paths hashed relative to the checkout, so that another copy of the tree (the scratch build of
# tools/new-service's check) finds the same cache entries.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1

.PHONY: all deps configure build test run stop status bench bench-gateway bench-sgec bench-chikaya bench-watiqa bench-import fmt fmt-check clean

all: build

deps:
	@deploy/install-deps.sh

$(BUILD_DIR)/build.ninja:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	@ninja -C $(BUILD_DIR) -j $(JOBS)

# Builds, starts a private stack (own ports, under .run/test), runs every test against it and
# stops it, whatever the outcome.
test: build
	@tests/run.sh

# Starts PostgreSQL, Redis and devkafka (and every service once they exist) for local use.
run: build
	@deploy/local/run.sh

stop:
	@deploy/local/run.sh stop

status:
	@deploy/local/stack.sh status

bench: build
	@tests/bench/run.sh

bench-gateway: build
	@tests/bench/gateway_bench.sh

bench-sgec: build
	@tests/bench/run.sh sgec

bench-chikaya: build
	@tests/bench/run.sh chikaya

bench-watiqa: build
	@tests/bench/run.sh watiqa

bench-import: build
	@tests/bench/run.sh import

fmt:
	@git ls-files '*.cc' '*.h' ':!tools/service-template' | xargs clang-format -i

# Fails, naming the files, when one is not as `make fmt` leaves it (make test runs it first).
fmt-check:
	@tools/fmt-check

clean:
	rm -rf $(BUILD_DIR)

# Herald: `make demo` runs the main job, `make test` passes the tests.
# Both install what is missing first (Ops/install-deps.sh, Debian packages).

SWIFT ?= swift
DB ?= ./herald.db
BENCH_JOBS ?= 1000000

.PHONY: all deps deps-servers build release test demo bench bench-http clean

all: build

deps:
	@Ops/install-deps.sh

deps-servers:
	@Ops/install-deps.sh --servers

# Warnings are errors for every target (Package.swift), so a clean build is a
# zero-warning build.
build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps-servers
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

# Until the full demo lands (issue: operator's Herald), the demo exercises the
# most useful thing that exists: a fresh database, the durable queue under a
# load, and `herald status`.
demo: release
	@rm -f demo.db demo.db-wal demo.db-shm
	.build/release/herald migrate --db demo.db
	.build/release/herald bench queue --db demo.db --jobs 200000
	.build/release/herald status --db demo.db

bench: release
	.build/release/herald bench queue --jobs $(BENCH_JOBS)

# The HTTP client against nginx on loopback (needs nginx: make deps-servers).
bench-http: release deps-servers
	Ops/bench/bench-http.sh

clean:
	rm -rf .build

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

# The whole story on loopback (herald demo --help): the gateway simulator,
# Herald, 3,000 generated residents and one invitation through push, SMS and
# voice; then `herald status` over the database the demo leaves.
demo: release
	.build/release/herald demo --db demo.db
	.build/release/herald status --db demo.db

bench: release
	.build/release/herald bench queue --jobs $(BENCH_JOBS)

# The HTTP client against nginx on loopback (needs nginx: make deps-servers).
bench-http: release deps-servers
	Ops/bench/bench-http.sh

clean:
	rm -rf .build

# Folio: build, test, demo and benchmark.
#
#   make deps    install the system packages the build needs (Debian/Ubuntu)
#   make build   debug build of everything (the folio binary included)
#   make test    run the whole test suite (Swift Testing) against an optimised build
#   make test-fast  the suite without the slow fault-injection and fuzz tests
#   make demo    build, then create a sample project under demo/alpha
#   make bench   release build, then run the benchmarks (scripts/bench*.sh)
#   make screenshot  the demo's status report and Monday pack as docs/status-report.png, docs/pack.png (Chromium)
#   make clean   remove build products, the demo and benchmark output

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

DEB_PACKAGES := pkg-config libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev git-lfs \
                git openssh-client python3 python3-yaml hledger chromium poppler-utils \
                openssh-server gitolite3 apache2 apache2-utils

.PHONY: all deps build test test-fast demo bench screenshot clean scripts-check

all: build

deps:
	@if ! command -v dpkg >/dev/null 2>&1; then \
	  echo "deps: no dpkg here; install by hand: $(DEB_PACKAGES)"; exit 0; \
	fi; \
	missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  sudo=""; \
	  if [ "$$(id -u)" -ne 0 ]; then sudo="sudo"; fi; \
	  echo "deps: installing$$missing"; \
	  $$sudo apt-get update; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	swift build

# The tests run against the optimised (release) build, as users run folio:
# the optimiser shortens object lifetimes, and a bug that only showed there (a
# commit written with a garbage parent) passed every test of a debug build.
# It is also the faster suite: most of it runs folio in-process.
TEST_BUILD := -c release -Xswiftc -enable-testing

test: deps
	swift build $(TEST_BUILD) --build-tests
	swift test $(TEST_BUILD) --skip-build

# The slow tiers (tagged .slow: FaultTests, FuzzTests) skipped on purpose.
test-fast: deps
	swift build $(TEST_BUILD) --build-tests
	swift test $(TEST_BUILD) --skip-build --skip 'FaultTests|FuzzTests'

demo: deps build
	FOLIO="$${FOLIO:-$$(swift build --show-bin-path)/folio}" bash scripts/demo.sh

screenshot: demo
	@command -v chromium >/dev/null 2>&1 || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }
	bash scripts/screenshot.sh
	bash scripts/screenshot.sh demo/reports/pack.html docs/pack.png

bench: deps
	swift build -c release
	FOLIO="$${FOLIO:-$$(swift build -c release --show-bin-path)/folio}" bash scripts/bench.sh
	FOLIO="$${FOLIO:-$$(swift build -c release --show-bin-path)/folio}" bash scripts/bench-history.sh
	FOLIO="$${FOLIO:-$$(swift build -c release --show-bin-path)/folio}" bash scripts/bench-report.sh
	FOLIO="$${FOLIO:-$$(swift build -c release --show-bin-path)/folio}" bash scripts/bench-startup.sh
	FOLIO="$${FOLIO:-$$(swift build -c release --show-bin-path)/folio}" bash scripts/bench-register.sh
	FOLIO="$${FOLIO:-$$(swift build -c release --show-bin-path)/folio}" bash scripts/bench-cost.sh
	FOLIO="$${FOLIO:-$$(swift build -c release --show-bin-path)/folio}" bash scripts/bench-resources.sh
	FOLIO="$${FOLIO:-$$(swift build -c release --show-bin-path)/folio}" bash scripts/bench-pack.sh
	FOLIO="$${FOLIO:-$$(swift build -c release --show-bin-path)/folio}" bash scripts/bench-adopt.sh

# Quick checks of the scripts themselves (no folio binary needed).
scripts-check:
	bash -n scripts/demo.sh
	bash -n scripts/bench.sh
	bash -n scripts/bench-history.sh
	bash -n scripts/bench-report.sh
	bash -n scripts/bench-common.sh
	bash -n scripts/screenshot.sh
	bash -n scripts/bench-startup.sh
	bash -n scripts/bench-register.sh
	bash -n scripts/bench-resources.sh
	bash -n scripts/bench-adopt.sh
	python3 -m py_compile scripts/gen-portfolio.py scripts/gen-adopt.py Tests/FolioKitTests/Fixtures/scripts/resources.py Tests/FolioKitTests/Fixtures/scripts/adopt.py
	bash -n .ci/run
	tmp="$$(mktemp -d)"; \
	python3 scripts/generate-repo.py "$$tmp/repo" 200 --verify; \
	git -C "$$tmp/repo" fsck --no-progress; \
	rm -rf "$$tmp"

clean:
	swift package clean
	rm -rf demo bench-out

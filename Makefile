# Delivery Tracker: the front door.
#
#   make run    build and run the portal on http://127.0.0.1:8080
#   make test   check the code (make lint), then run every test
#   make schema rewrite migrations/schema.sql after adding a migration
#
# Each target installs what it needs on a Debian machine that has only Go:
# PostgreSQL's server binaries (unless a database URL is given) and, for the
# tests, Chromium, Java and the web packages. Installing with apt-get needs root;
# as an ordinary user the targets say what is missing instead.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# apt-get and npm must not run twice at once.
.NOTPARALLEL:

GO ?= go
# Tests touch PostgreSQL and a browser, which go test's cache cannot see.
# The browser tests take several minutes on two busy cores: more than go test's default 10.
GOTESTFLAGS ?= -count=1 -timeout 30m
# The tests run with the race detector (which needs cgo, and so a C compiler),
# except the browser tests: they wait on a real browser, and the detector slows
# the server they drive several times over. RACEFLAGS= turns it off.
RACEFLAGS ?= -race
export RACEFLAGS
# The packages to test or benchmark.
PKG ?= ./...
# How long `make test` fuzzes each fuzz target after its seed corpus has run as a
# test, and how long `make fuzz` does. make test counts executions rather than
# seconds: with a time limit, Go 1.26's fuzzing can report its own deadline as a
# failure when a worker is busy as time runs out (go.dev/issue/75804), and a
# count has no deadline.
TEST_FUZZTIME ?= 1000x
FUZZTIME ?= 1m
BIN := bin/portal
# The browser journeys that make test runs a second time through PgBouncer.
PGBOUNCER_JOURNEYS := ^(TestPublicBrowsing|TestReportReturnResubmitPublish|TestDraftAndStaffPublish)$$

.PHONY: help build run test fuzz bench lint generate schema assets deps-run deps-test deps-bench deps-schema web-deps

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  make \1\t/'

build: ## build bin/portal
	$(GO) build -o $(BIN) ./cmd/portal

run: deps-run build ## run the portal on ADDR (default 127.0.0.1:8080)
	./$(BIN) serve

test: lint deps-test web-deps ## lint, then run all tests (PKG=./internal/... GOTESTFLAGS=... to narrow)
	@pkgs="$$($(GO) list $(PKG))"; \
	race="$$(grep -v '/internal/browsertest$$' <<<"$$pkgs" || true)"; \
	browser="$$(grep '/internal/browsertest$$' <<<"$$pkgs" || true)"; \
	if [ -n "$$race" ]; then echo "go test $(GOTESTFLAGS) $(RACEFLAGS) $(PKG)"; $(GO) test $(GOTESTFLAGS) $(RACEFLAGS) $$race; fi; \
	if [ -n "$$browser" ]; then echo "go test $(GOTESTFLAGS) $$browser"; $(GO) test $(GOTESTFLAGS) $$browser; fi; \
	if [ -n "$$browser" ]; then echo "the main journeys again through PgBouncer in transaction mode"; \
		TEST_THROUGH_PGBOUNCER=1 $(GO) test $(GOTESTFLAGS) -run '$(PGBOUNCER_JOURNEYS)' $$browser; fi
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(TEST_FUZZTIME)

# Every Fuzz function in the packages of PKG, one at a time (go test fuzzes one
# target per run). A failing input is saved under the package's testdata/fuzz:
# commit it, and it runs as a test from then on.
fuzz: ## fuzz every fuzz target for FUZZTIME (default 1m) each
	@for dir in $$($(GO) list -f '{{.Dir}}' $(PKG)); do \
		for name in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$$dir"/*_test.go 2>/dev/null | sort -u); do \
			echo "fuzz $${dir#$$PWD/} $$name for $(FUZZTIME)"; \
			out="$$($(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$dir" 2>&1)" || { echo "$$out"; exit 1; }; \
			echo "$$out" | tail -n 1; \
		done; \
	done

bench: deps-bench ## measure the performance targets and write bench/out/report.md (BENCHFLAGS=-h for options)
	$(GO) run ./internal/bench $(BENCHFLAGS)

# Everything here fails on drift rather than fixing it, so that CI (which runs
# `make test`) refuses code that is unformatted, has findings, an untidy go.mod
# or generated code that was not committed.
lint: ## gofmt, go vet, staticcheck, go mod tidy, and generated templ code up to date
	@unformatted="$$(find . \( -path ./.git -o -path ./.data -o -path ./bin -o -path ./web/node_modules \) -prune \
		-o -name '*.go' -print0 | xargs -0 -r gofmt -l)"; \
	if [ -n "$$unformatted" ]; then echo "gofmt -w these files:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@$(GO) mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy"; exit 1; }
	$(GO) tool templ generate
	git diff --exit-code -- '*_templ.go'
	@stray="$$(git ls-files --others --exclude-standard -- '*_templ.go')"; \
	if [ -n "$$stray" ]; then echo "generated but not committed:"; echo "$$stray"; exit 1; fi

generate: ## regenerate the templ components
	$(GO) tool templ generate

schema: deps-schema ## rewrite migrations/schema.sql from a freshly migrated database
	UPDATE_SCHEMA=1 $(GO) test -count=1 -run '^TestSchemaIsCurrent$$' ./migrations

# Front-end assets: installs the pinned npm packages in web/ and copies the
# built Scottish Government Design System files into web/static/ds/, which is
# committed so that `go build` needs nothing but Go.
DS_PKG := web/node_modules/@scottish-government/design-system
DS_OUT := web/static/ds

assets: ## copy the pinned design system's built files into web/static/ds
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	rm -rf $(DS_OUT)
	mkdir -p $(DS_OUT)/css $(DS_OUT)/scripts
	cp $(DS_PKG)/dist/css/design-system.min.css $(DS_PKG)/dist/css/design-system.min.css.map $(DS_OUT)/css/
	cp $(DS_PKG)/dist/scripts/design-system.js $(DS_OUT)/scripts/
	cp -R $(DS_PKG)/dist/images $(DS_OUT)/images
	cp $(DS_PKG)/LICENSE.txt $(DS_OUT)/LICENSE.txt
	node -p "require('./$(DS_PKG)/package.json').version" > $(DS_OUT)/VERSION

# ---- provisioning ----------------------------------------------------------

# What each target needs from Debian, installed with one apt-get run when
# root; otherwise the script says what is missing, and fails when it is
# required. Usage: bash -c "$$PROVISION" provision run|test|bench|schema
define provision
target=$1
need=() want=() why=() warn=()

# PostgreSQL's server binaries, where internal/pgdev looks for them, unless
# the variable named in $1 gives a server.
need_postgres() {
	if [ -n "${!1:-}" ]; then return; fi
	if { command -v pg_ctl && command -v initdb; } >/dev/null 2>&1; then return; fi
	if compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; then return; fi
	need+=(postgresql)
	why+=("PostgreSQL server binaries not found: install Debian's postgresql (sudo apt-get install postgresql), run make as root to have it installed, or set $1")
}

need_wrk() {
	if command -v wrk >/dev/null; then return; fi
	need+=(wrk)
	why+=("wrk not found: install Debian's wrk (sudo apt-get install wrk), or run make as root to have it installed")
}

want_chromium() {
	if command -v chromium >/dev/null; then return; fi
	want+=(chromium fonts-liberation fonts-dejavu-core)
	warn+=("chromium not found: the browser tests cannot run (install Debian's chromium, or run make as root to have it installed)")
}

# Java, for the Nu Html Checker (web/package.json's vnu-jar) that the browser
# tests run over every page they check; without it that check is left out,
# except under CI=true.
want_java() {
	if command -v java >/dev/null; then return; fi
	want+=(default-jre-headless)
	warn+=("java not found: the browser tests cannot check the pages' HTML (install Debian's default-jre-headless, or run make as root to have it installed)")
}

# PgBouncer and HAProxy, for the tests that run the portal behind them as it is
# deployed (internal/deploy); without them those tests skip, except under CI=true.
want_deploy() {
	if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
		want+=(pgbouncer)
		warn+=("pgbouncer not found: the tests through PgBouncer cannot run (install Debian's pgbouncer, or run make as root to have it installed)")
	fi
	if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
		want+=(haproxy)
		warn+=("haproxy not found: the rolling restart test cannot run (install Debian's haproxy, or run make as root to have it installed)")
	fi
}

# go test -race needs cgo, and cgo a C compiler and the C library's headers.
need_cc() {
	if [[ " ${RACEFLAGS:-} " != *" -race "* ]]; then return; fi
	if command -v gcc >/dev/null && [ -e /usr/include/stdlib.h ]; then return; fi
	need+=(gcc libc6-dev)
	why+=("no C compiler for go test -race: install Debian's gcc and libc6-dev, run make as root to have them installed, or run make test RACEFLAGS=")
}

need_npm() {
	if [ ! -f web/package.json ] || command -v npm >/dev/null; then return; fi
	need+=(npm)
	why+=("npm not found, and web/package.json needs it: install Node.js and npm, or run make as root to have Debian's npm installed")
}

case $target in
run) need_postgres DATABASE_URL ;;
test) need_postgres TEST_DATABASE_URL; want_chromium; want_java; want_deploy; need_npm; need_cc ;;
bench) need_postgres TEST_DATABASE_URL; need_wrk ;;
schema) need_postgres TEST_DATABASE_URL ;;
*) echo "provision: unknown target $target" >&2; exit 2 ;;
esac

if [ ${#need[@]} -eq 0 ] && [ ${#want[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
	for w in "${warn[@]}"; do echo "warning: $w" >&2; done
	for w in "${why[@]}"; do echo "error: $w" >&2; done
	if [ ${#need[@]} -gt 0 ]; then exit 1; fi
	exit 0
fi

packages=("${need[@]}" "${want[@]}")
echo "Installing ${packages[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"

# A freshly installed Debian postgresql may create and start a system
# cluster on port 5432. The project never uses it (its own cluster listens on
# a private port), so stop it and keep it from starting at boot.
if [[ " ${need[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null; then
	pg_lsclusters --no-header | while read -r ver name _ status _; do
		if [ -f "/etc/postgresql/$ver/$name/start.conf" ]; then echo manual > "/etc/postgresql/$ver/$name/start.conf"; fi
		if [ "$status" = online ]; then pg_ctlcluster "$ver" "$name" stop || true; fi
	done
fi
endef

deps-run deps-test deps-bench deps-schema: export PROVISION := $(value provision)

deps-run: # what `make run` needs
	@$(SHELL) -euo pipefail -c "$$PROVISION" provision run

deps-test: # what `make test` needs
	@$(SHELL) -euo pipefail -c "$$PROVISION" provision test

deps-bench: # what `make bench` needs
	@$(SHELL) -euo pipefail -c "$$PROVISION" provision bench

deps-schema: # what `make schema` needs
	@$(SHELL) -euo pipefail -c "$$PROVISION" provision schema

# The web packages (web/package.json), installed again when the manifest or
# the lock file changes.
web-deps: $(if $(wildcard web/package.json),web/node_modules/.package-lock.json)

web/node_modules/.package-lock.json: web/package.json $(wildcard web/package-lock.json)
	cd web && if [ -f package-lock.json ]; then npm ci --ignore-scripts --no-audit --no-fund; \
		else npm install --ignore-scripts --no-audit --no-fund; fi
	mkdir -p web/node_modules && touch $@

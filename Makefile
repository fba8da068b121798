# schedulerd — the two commands a newcomer needs are `make run` and `make test`.
SWIFT        ?= swift
BIN          := .build/debug/schedulerd
APT_PACKAGES := libical-dev libsqlite3-dev pkg-config tzdata
PY_PACKAGES  := recurring-ical-events icalendar

.PHONY: run demo test build deps bench fuzz differential install clean

## run: install what is missing, build, check the example calendars, and start the daemon in the
## foreground with the example configuration and a data directory under the project (no root needed)
run: deps build
	$(BIN) calendar check config/calendars/*.ics
	$(BIN) serve --config config/schedulerd.yaml --data-dir data

## demo: a simulated week (20-27 December 2026, Christmas included) in about a minute, on a fresh
## data directory ($(DEMO_DIR), API on 127.0.0.1:8751), then the timeline of what happened
DEMO_DIR ?= /tmp/schedulerd-demo
demo: deps build
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@echo "demo: log in $(DEMO_DIR)/serve.log; stops by itself after 62 s"
	timeout 62 $(BIN) serve --config config/schedulerd.yaml --data-dir $(DEMO_DIR) --listen 127.0.0.1:8751 \
	    --clock-speed 10080 --clock-start 2026-12-20T00:00:00Z 2>$(DEMO_DIR)/serve.log || test $$? -eq 124
	$(BIN) events --data-dir $(DEMO_DIR) --timeline

## test: the whole suite: unit tests (with the fuzz corpus), the recurring-ical-events differential,
## and the end-to-end test of the daemon with the real aws CLI and boto3
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product schedulerd
	scripts/differential.sh $(BIN)
	scripts/e2e.sh $(BIN)
	$(SWIFT) test --skip-build

build:
	$(SWIFT) build --product schedulerd

## deps: system packages (installed with apt-get when run as root, else named)
deps:
	@scripts/ensure-deps.sh $(APT_PACKAGES)

## bench: release-build benchmarks; prints the figures the issues ask for
bench: deps
	$(SWIFT) build -c release --product CalendarBenchmark
	$(SWIFT) build -c release --product EventBusBenchmark
	$(SWIFT) build -c release --product DaemonBenchmark
	$(SWIFT) build -c release --product schedulerd
	$(SWIFT) build -c release --product StackFloor
	.build/release/CalendarBenchmark
	.build/release/EventBusBenchmark
	.build/release/DaemonBenchmark
	scripts/api-bench.sh
	scripts/parameter-bench.sh
	scripts/fleet-bench.sh

## fuzz: the mutation fuzzer on its own, with more cases (FUZZ_CASES, default 100000)
fuzz: deps
	$(SWIFT) build --build-tests
	FUZZ_CASES=$${FUZZ_CASES:-100000} $(SWIFT) test --skip-build --filter MutationFuzzTests

## differential: compare instance windows with recurring-ical-events on its 95 test calendars
differential: build
	scripts/differential.sh $(BIN)

## install: release build, then the binary, unit, sysusers entry, configuration and calendars
## (PREFIX=/usr/local, DESTDIR= for packaging)
install: deps
	$(SWIFT) build -c release --product schedulerd
	scripts/install.sh $(or $(PREFIX),/usr/local) $(DESTDIR)

clean:
	rm -rf .build

# mcpg-plugins — build, test, demo, bench, install. build and install need only Go; demo and test need
# more (a C compiler, cargo, the peer tools: README "What they need"), and scripts/test names whatever
# is missing. Go modules and the test registry come through the module proxy.

GO       ?= go
BIN      ?= bin
PREFIX   ?= $(HOME)/.local
TOOLS    := mcpg-plugins plugin-hash plugin-sign plugin-pack plugin-oci plugin-harness plugin-new plugin-check
VERSION  ?= 0.1.0-dev+$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
BUILDINFO := github.com/mcpg-dev/mcpg-plugins/shared/buildinfo
# The commit too, for builds where go records no vcs.* settings (a git worktree, -buildvcs=false).
COMMIT   := $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS  := -s -w -X $(BUILDINFO).Version=$(VERSION) -X $(BUILDINFO).Commit=$(COMMIT) \
	-X $(BUILDINFO).CommitTime=$(shell TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null) \
	-X $(BUILDINFO).Modified=$(if $(shell git status --porcelain 2>/dev/null | head -1),true,false)

.PHONY: all build test test-arm64 demo bench fuzz install uninstall clean

all: build

# Static binaries (no cgo) so they start fast and run anywhere; mcpg-plugin is the name the gateway's
# `mcpg plugin <cmd>` execs.
build:
	@mkdir -p $(BIN)
	@for t in $(TOOLS); do CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/$$t ./$$t || exit 1; done
	@ln -sf mcpg-plugins $(BIN)/mcpg-plugin
	@echo "built: $(addprefix $(BIN)/,$(TOOLS)) $(BIN)/mcpg-plugin"

test:
	@bash scripts/test

# Only plugin-harness's tests for linux/arm64 under qemu-user (make test runs them too, last).
test-arm64:
	@bash scripts/test-arm64

demo:
	@bash scripts/demo

bench: build
	@bash scripts/bench
	@echo "== plugin-harness: load (dlopen + register + make), evaluate_pre_dispatch and one slot per kind group in the worker (C fixture)"
	@go test -run '^$$' -bench 'Load|Reload|EvaluatePreDispatch|PlanSlot' -benchtime 20000x ./plugin-harness/native/
	@echo "== one stream, watch, lease or transport handle per kind, opened and closed (C fixture, pthreads)"
	@go test -run '^$$' -bench StreamCycle -benchtime 300x ./plugin-harness/native/
	@echo "== the same on the Rust abi_stable fixtures"
	@fixtures=$$(bash scripts/build-fixtures 2>/dev/null) && \
		MCPG_BENCH_PLUGIN=$$fixtures/rust-gate.so MCPG_BENCH_KINDS_PLUGIN=$$fixtures/rust-kinds.so \
		go test -run '^$$' -bench 'Load|Reload|EvaluatePreDispatch|PlanSlot' -benchtime 5000x ./plugin-harness/native/ && \
		MCPG_BENCH_KINDS_PLUGIN=$$fixtures/rust-kinds.so go test -run '^$$' -bench StreamCycle -benchtime 100x ./plugin-harness/native/

fuzz:
	@bash scripts/fuzz $(FUZZTIME)

install: build
	@mkdir -p $(PREFIX)/bin
	@for t in $(TOOLS); do install -m 0755 $(BIN)/$$t $(PREFIX)/bin/$$t; done
	@ln -sf mcpg-plugins $(PREFIX)/bin/mcpg-plugin
	@echo "installed into $(PREFIX)/bin (mcpg-plugins, mcpg-plugin, $(filter-out mcpg-plugins,$(TOOLS)))"

uninstall:
	@for t in $(TOOLS) mcpg-plugin; do rm -f $(PREFIX)/bin/$$t; done

clean:
	rm -rf $(BIN) demo-out

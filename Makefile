# polyseal: one entry point for building, testing and benchmarking every language.
# `make help` lists the targets.

CARGO ?= cargo
SHELL := /bin/bash

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

.PHONY: demo
demo: ## One login shared by a real h3 app, a Python server and a C server (builds what it needs)
	$(MAKE) -C examples/demo

.PHONY: example
example: ## The Rust example: seal, rotate keys, unseal
	$(CARGO) run -q -p polyseal --example seal_unseal

.PHONY: test
test: test-rust test-fuzz-smoke test-peers test-c test-python test-node test-cross test-demo ## Run every test suite (Rust, vectors, real peers, bindings, the demo)

.PHONY: test-rust
test-rust: ## Rust unit tests, vector files and examples
	$(CARGO) test --workspace --all-targets

.PHONY: test-fuzz-smoke
test-fuzz-smoke: ## The fuzz targets replaying their seeds and deterministic mutations (no fuzzing engine)
	$(MAKE) -C core/fuzz smoke

.PHONY: test-peers
test-peers: ## Real-peer tests against the npm packages (iron, iron-webcrypto, h3, iron-session, cookie) and real h3 and iron-session servers
	tests/peers/run.sh

.PHONY: test-c
test-c: ## C API tests: vectors, contract, threads, stress under valgrind and ASan/UBSan; header drift; install
	$(MAKE) -C tests/c test

.PHONY: test-python
test-python: ## Python package: pytest (vectors, errors, sessions with real peers, threads), mypy --strict, stubtest, pip install
	$(MAKE) -C bindings/python test typecheck pip-install-check

.PHONY: test-node
test-node: ## Node package: node --test (vectors, errors, iron parity, sessions with real h3 apps, workers), drift, tsc --strict
	$(MAKE) -C bindings/node test check

.PHONY: test-cross
test-cross: ## Cross-language matrix: Rust, C, Python and Node open each other's tokens, same lines and codes
	$(MAKE) -C tests/cross test

.PHONY: test-demo
test-demo: ## The demo as a test: h3 app, Python and C servers share one login, every step checked
	$(MAKE) -C examples/demo

.PHONY: install
install: ## Install libpolyseal, polyseal.h and polyseal.pc under PREFIX (default /usr/local)
	$(MAKE) -C ffi install PREFIX=$(or $(PREFIX),/usr/local)

.PHONY: check
check: ## Formatting, clippy -D warnings and generated-file drift
	@! git grep -n -E '^(<<<<<<<|>>>>>>>) ' -- . || { echo "merge conflict markers left in the tree" >&2; exit 1; }
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test -q -p polyseal --test native_vectors --test fe26_vectors --test cookie_vectors --test session_vectors
	$(MAKE) -C tests/c header-check
	@if rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then \
		echo "cargo build -p polyseal --target wasm32-unknown-unknown"; \
		$(CARGO) build -q -p polyseal --target wasm32-unknown-unknown; \
	else echo "wasm32-unknown-unknown not installed: edge build skipped"; fi

.PHONY: fuzz
fuzz: ## Coverage-guided fuzzing, 10 M runs per target (installs cargo-fuzz 0.13.2; about 2 h)
	$(MAKE) -C core/fuzz fuzz

.PHONY: bench
bench: ## Benchmarks (writes docs/BENCHMARKS.md)
	$(MAKE) -C tests/bench bench

.PHONY: vectors
vectors: ## Regenerate tests/vectors/*.json from core
	POLYSEAL_WRITE_VECTORS=1 $(CARGO) test -q -p polyseal --tests

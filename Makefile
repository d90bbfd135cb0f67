# The bench's entry points. `make test-target TARGET=riscv32` and `make test` install what they
# need (through `make setup`) on a fresh Debian machine.

TARGET ?= riscv32
SUITES := basic wasi bindings
# Targets the baseline ran that this machine may leave out, space-separated (for example
# ALLOW_SKIP=cortex-m55 on a machine without its QEMU); the gate fails on any other.
ALLOW_SKIP ?=
XBENCH := cargo run --quiet -p harness --
comma := ,

.PHONY: setup suites conformance test-target test baseline bench figures clean

setup:
	@bash ci/setup.sh

## Build the conformance suites from source (Rust for wasm32-wasip1, WAT) into build/suites.
conformance: suites
suites: setup
	@for suite in $(SUITES); do $(XBENCH) build-suite conformance/$$suite build/suites/$$suite || exit 1; done

## Run the conformance suites on one target.
test-target: suites
	@for suite in $(SUITES); do \
	  $(XBENCH) test --target $(TARGET) --output-match exact --expectations ci/baseline/expectations.toml \
	    --report report/$(TARGET)/$$suite build/suites/$$suite || exit 1; \
	done

## Unit tests, the end-to-end harness tests, then the suites on every target, compared across
## targets and gated against ci/baseline. The gate runs even when tests fail, to say why.
test: suites
	XBENCH_ALLOW_SKIP="$(subst $(eval) ,$(comma),$(strip $(ALLOW_SKIP)))" cargo test --workspace
	@status=0; for suite in $(SUITES); do \
	  $(XBENCH) test --target all --output-match exact --expectations ci/baseline/expectations.toml \
	    --report report/$$suite build/suites/$$suite || status=1; \
	  $(XBENCH) gate --baseline ci/baseline --report report/$$suite $(foreach t,$(ALLOW_SKIP),--allow-skip $(t)) || status=1; \
	done; exit $$status

## Accept the last `make test` (and `make bench`) reports as the new baseline; review the diff
## of ci/baseline/ before committing it.
baseline:
	@for suite in $(SUITES); do $(XBENCH) baseline --baseline ci/baseline --report report/$$suite || exit 1; done
	@if [ -f report/bench/bench.json ]; then cp report/bench/bench.json ci/baseline/bench.json; echo "baseline: ci/baseline/bench.json"; fi

## The performance lab: conformance/bench as WebAssembly (WAMR fast and classic) and natively on
## every target, footprint by component, harness overhead, the hottest functions of the CoreMark-like
## workload per target (`xbench profile`); writes report/bench/bench.{json,md,html}
## and fails on >1 % instruction or size growth against ci/baseline/bench.json.
bench: setup
	$(XBENCH) bench --target all --report report/bench --baseline ci/baseline/bench.json

clean:
	rm -rf build target

## Write the README's graphics figures from the accepted bindings report (after `make baseline`).
figures:
	$(XBENCH) report figures --readme README.md

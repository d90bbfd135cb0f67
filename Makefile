# The bench's entry points. `make test-target TARGET=riscv32` and `make test` install what they
# need (through `make setup`) on a fresh Debian machine.

TARGET ?= riscv32
# Every target that has a file in targets/.
TARGETS := $(sort $(basename $(notdir $(wildcard targets/*.toml))))
SUITES := basic
XBENCH := cargo run --quiet -p harness --

.PHONY: setup suites test-target test unit e2e clean

setup:
	@bash ci/setup.sh

suites: setup
	@for suite in $(SUITES); do $(XBENCH) build-suite conformance/$$suite build/suites/$$suite || exit 1; done

## Run the conformance suites on one target.
test-target: suites
	@for suite in $(SUITES); do $(XBENCH) test --target $(TARGET) --output-match exact build/suites/$$suite || exit 1; done

## Unit tests, the end-to-end harness tests, and the suites on every target.
test: suites
	cargo test --workspace
	@status=0; for target in $(TARGETS); do \
	  for suite in $(SUITES); do \
	    $(XBENCH) test --target $$target --output-match exact build/suites/$$suite || status=1; \
	  done; \
	done; exit $$status

clean:
	rm -rf build target

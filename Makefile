# The bench's entry points. `make test-target TARGET=riscv32` and `make test` install what they
# need (through `make setup`) on a fresh Debian machine.

TARGET ?= riscv32
SUITES := basic
XBENCH := cargo run --quiet -p harness --

.PHONY: setup suites test-target test unit e2e clean

setup:
	@bash ci/setup.sh

suites: setup
	@for suite in $(SUITES); do $(XBENCH) build-suite conformance/$$suite build/suites/$$suite || exit 1; done

## Run the conformance suites on one target.
test-target: suites
	@for suite in $(SUITES); do \
	  $(XBENCH) test --target $(TARGET) --output-match exact --report report/$(TARGET)/$$suite build/suites/$$suite || exit 1; \
	done

## Unit tests, the end-to-end harness tests, and the suites on every target, compared across targets.
test: suites
	cargo test --workspace
	@for suite in $(SUITES); do \
	  $(XBENCH) test --target all --output-match exact --report report/all/$$suite build/suites/$$suite || exit 1; \
	done

clean:
	rm -rf build target

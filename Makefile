# The README's two commands.
#   make demo    install missing packages, build, run `synack demo` (the seed scenario)
#   make check   install missing packages, build everything, run every test (CTest),
#                then the unit, property, wire and simulator tests again under ASan/UBSan
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
CMAKE_FLAGS ?=

# Test programs rebuilt and rerun with -DSYNACK_SANITIZE=ON: the unit, wire,
# property and simulator tests (the synack binary's own tests ran in $(BUILD);
# building it again under ASan would double the time of `make check`).
ASAN_TARGETS = unit_tests wire_tests wire_robustness_tests property_tests sim_tests sim_property_tests

.PHONY: demo check deps configure build asan conformance

deps:
	@bash scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

demo: configure
	cmake --build $(BUILD) -j$(JOBS) --target synack
	./$(BUILD)/synack demo --client-isn 100 --server-isn 300

build: configure
	cmake --build $(BUILD) -j$(JOBS)

check: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
	$(MAKE) --no-print-directory asan

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYNACK_SANITIZE=ON -DSYNACK_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j$(JOBS) --target $(ASAN_TARGETS)
	# Test programs not rebuilt here show up as <target>_NOT_BUILT: skip those, and
	# the tests that run programs not rebuilt here (labels interop, scripts,
	# conformance: they ran in $(BUILD)).
	cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS) -E '_NOT_BUILT$$' -LE 'interop|scripts|conformance'

# Regenerate docs/conformance.md: FreeBSD's tcp-testsuite and the curated packetdrill
# scripts (../shared/conformance) run against synack on a virtual clock.
conformance: configure
	cmake --build $(BUILD) -j$(JOBS) --target conformance

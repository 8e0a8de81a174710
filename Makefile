# spfflow — `make run` sets up and runs the main job; `make test` sets up and runs the tests.
# Both install what is missing (Debian packages as root, Python test data through pip).
SHELL := /bin/bash
.DEFAULT_GOAL := help

APT_PACKAGES := libnetcdf-dev libhdf5-dev libopenblas-dev libzstd-dev libssl-dev pkg-config \
                netcdf-bin hdf5-tools
APT_TEST_PACKAGES := cdo libudunits2-0
APT_TEST_PACKAGES += slurmctld slurmd slurm-client munge
# ReportBrowserTests lays the report out in headless Chromium, with a font the SVG figures name.
APT_TEST_PACKAGES += chromium fonts-dejavu-core
PYTHON ?= python3
PIP_TEST_PACKAGES := numpy h5py hdf5plugin netCDF4 cftime xarray properscoring cfchecker intake-esm
# FaIR 1.6.4 (with RCMIP's SSP inputs in its wheel): the reference of the simple climate model's test.
PIP_TEST_PACKAGES += fair==1.6.4
SWIFT_BUILD_FLAGS := -c release
# Release code targets the portable x86-64-v3 baseline (Package.swift); SPFFLOW_CPU=native opts in to the
# build machine's own instruction set, in its own build folder (make bench measures it beside the portable one).
export SPFFLOW_CPU ?=
MANIFEST ?= Manifests/climatesuite.yaml
TESTDATA := .testdata

.PHONY: help deps test-deps build run test bench chaos fuzz clean

help:
	@echo "make run    # set up everything and run $(MANIFEST)"
	@echo "make test   # set up everything and run the tests"
	@echo "make bench  # print the benchmark figures"
	@echo "make chaos  # kill -9 runs at random moments, resume, compare with an uninterrupted run"
	@echo "make fuzz   # fuzz the manifest loader and the CF reader with libFuzzer"

deps:
	@scripts/ensure-apt.sh $(APT_PACKAGES)

test-deps: deps
	@scripts/ensure-apt.sh $(APT_TEST_PACKAGES)
	@scripts/ensure-python.sh "$(PYTHON)" $(TESTDATA) $(PIP_TEST_PACKAGES)

# Builds every product: spfflow, and spfflow-test-kinds (the same commands with the engine tests' test.* kinds,
# which spfflow does not link), which the tests and `bench engine` run.
build: deps
	swift build $(SWIFT_BUILD_FLAGS)

run: build
	.build/release/spfflow run $(MANIFEST)

# The watchdog relays the tests' output line by line and, when they run past TEST_LIMIT_SECONDS (45 min; they take about
# 5 here) or print nothing for TEST_QUIET_SECONDS (15 min), prints the tests still running and
# the processes under them, then stops them: a hung test fails the run with its name instead of timing out CI.
test: test-deps build
	SPFFLOW_BIN=$(CURDIR)/.build/release/spfflow SPFFLOW_TEST_BIN=$(CURDIR)/.build/release/spfflow-test-kinds \
	SPFFLOW_TESTDATA=$(CURDIR)/$(TESTDATA) SPFFLOW_PYTHON=$(PYTHON) \
	$(PYTHON) scripts/test-watchdog.py -- swift test $(SWIFT_BUILD_FLAGS)

# bench tensor times this (portable) build's training step beside a build for this machine's own CPU
# (.build-native, SPFFLOW_CPU=native) and, when torch is importable, PyTorch's reference, alternating.
bench: test-deps build
	SPFFLOW_CPU=native swift build $(SWIFT_BUILD_FLAGS) --scratch-path .build-native --product spfflow
	.build/release/spfflow-test-kinds bench engine
	.build/release/spfflow bench climate
	.build/release/spfflow bench forcing
	.build/release/spfflow bench tensor --native-binary .build-native/release/spfflow \
	    $$($(PYTHON) -c "import torch" 2>/dev/null && echo --torch-reference bench/torch_reference.py --python $(PYTHON))
	.build/release/spfflow bench sampling
	.build/release/spfflow bench ensemble
	.build/release/spfflow bench scaling --python $(PYTHON)

# kill -9 at random moments, resume, compare every object with an uninterrupted run's. The smoke
# manifest takes about half a minute; the default manifest up to train-spf about half an hour on
# 2 cores (CHAOS_DEFAULT=0 skips it).
CHAOS_DEFAULT ?= 1
chaos: test-deps build
	$(PYTHON) scripts/chaos.py --binary .build/release/spfflow --manifest Manifests/smoke.yaml \
	    --kills 20 --training-kills 5 --max-delay 2 --training-delay 0.3
	@if [ "$(CHAOS_DEFAULT)" = 1 ]; then \
	  $(PYTHON) scripts/chaos.py --binary .build/release/spfflow --manifest Manifests/climatesuite.yaml \
	    --until train-spf --kills 20 --training-kills 5 --max-delay 90 --training-delay 25; fi

# libFuzzer on the manifest loader and the CF reader, FUZZ_SECONDS each, from seed corpora of the
# shipped manifests and netCDF files the tests write (Fuzz/, scripts/fuzz.sh).
FUZZ_SECONDS ?= 300
fuzz: test-deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build .spfflow

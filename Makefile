# spfflow — `make run` sets up and runs the main job; `make test` sets up and runs the tests.
# Both install what is missing (Debian packages as root, Python test data through pip).
SHELL := /bin/bash
.DEFAULT_GOAL := help

APT_PACKAGES := libnetcdf-dev libhdf5-dev libopenblas-dev libzstd-dev libssl-dev pkg-config \
                netcdf-bin hdf5-tools
APT_TEST_PACKAGES := cdo libudunits2-0
APT_TEST_PACKAGES += slurmctld slurmd slurm-client munge
PYTHON ?= python3
PIP_TEST_PACKAGES := numpy h5py hdf5plugin netCDF4 cftime xarray properscoring cfchecker intake-esm
SWIFT_BUILD_FLAGS := -c release
export SPFFLOW_NATIVE ?= 1
MANIFEST ?= Manifests/climatesuite.yaml
TESTDATA := .testdata

.PHONY: help deps test-deps build run test bench clean

help:
	@echo "make run    # set up everything and run $(MANIFEST)"
	@echo "make test   # set up everything and run the tests"
	@echo "make bench  # print the benchmark figures"

deps:
	@scripts/ensure-apt.sh $(APT_PACKAGES)

test-deps: deps
	@scripts/ensure-apt.sh $(APT_TEST_PACKAGES)
	@scripts/ensure-python.sh "$(PYTHON)" $(TESTDATA) $(PIP_TEST_PACKAGES)

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

run: build
	.build/release/spfflow run $(MANIFEST)

test: test-deps build
	SPFFLOW_BIN=$(CURDIR)/.build/release/spfflow SPFFLOW_TESTDATA=$(CURDIR)/$(TESTDATA) \
	SPFFLOW_PYTHON=$(PYTHON) swift test $(SWIFT_BUILD_FLAGS)

bench: test-deps build
	.build/release/spfflow bench engine
	.build/release/spfflow bench climate
	.build/release/spfflow bench tensor
	.build/release/spfflow bench sampling
	.build/release/spfflow bench ensemble

clean:
	rm -rf .build .spfflow

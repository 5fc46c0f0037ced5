# nebeus-contract: see README.md. Every target runs from a fresh clone with
# only Go; .ci/run installs what else CI needs (chromium for the browser test).
GO       ?= go
BIN      ?= bin
ADDR     ?= localhost:8080
FUZZTIME ?= 10s
PKGS     := ./...

# Release builds (make dist, make images) stamp this version into every
# binary (--version); a clone without tags says its commit.
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -s -w -X github.com/nebeus/nebeus-contract/internal/version.stamped=$(VERSION)
# GoReleaser, pinned: make dist runs it with go run, nothing to install.
GORELEASER ?= $(GO) run github.com/goreleaser/goreleaser/v2@v2.17.0
# podman, else buildah: both build a Containerfile without a daemon.
CONTAINER_TOOL ?= $(shell command -v podman 2>/dev/null || command -v buildah 2>/dev/null)
IMAGE_CONTEXT  ?= $(BIN)/image-context
CA_BUNDLE      ?= /etc/ssl/certs/ca-certificates.crt

.PHONY: all run build generate check test fmt-check vet tidy-check test-go vet-and-check check-and-compile fuzz bench lint clean dist image-context images

# Every build but vet's and the race-enabled tests' is static (CGO_ENABLED=0),
# as the release binaries are: check, the binaries and the binaries the tests
# build (conformance, loadtest, release, spec/edits) then share one compiled
# copy of each dependency in Go's build cache, and vet shares the tests' -race
# copy: a fresh clone compiles each package in two configurations, never
# three (issue 20: make test's time on a fresh clone).
STATIC := CGO_ENABLED=0

all: build

## run: build and start the mock on $(ADDR) with the embedded fixtures; the control API
## is on because $(ADDR) is loopback (it answers loopback clients only without a token)
## (only the mock is built: the first answer comes sooner on a fresh clone)
run:
	$(STATIC) $(GO) build -o $(BIN)/ ./cmd/nebeus-mock
	$(BIN)/nebeus-mock --addr $(ADDR) --control

## build: the three binaries into bin/
build:
	$(STATIC) $(GO) build -o $(BIN)/ ./cmd/nebeus-contract ./cmd/nebeus-mock ./cmd/nebeus-conformance

## generate: regenerate schemas/ and spec/openapi.{yaml,json} from spec/source and spec/overlay.yaml
generate:
	$(STATIC) $(GO) run ./cmd/nebeus-contract generate

## check: fail when the committed generated files drift from their source
check:
	$(STATIC) $(GO) run ./cmd/nebeus-contract check

## test: formatting, vet, module tidiness, drift, every test with -race (the fuzz
## targets' seed corpora included; fuzzing itself is make fuzz). go test's own
## vet pass is off: the vet target has just vetted every package, tests
## included, and a second pass would compile them once more (issue 20)
test: fmt-check tidy-check vet-and-check test-go

# vet-and-check runs vet (the -race configuration) beside check and a static
# compile of every binary (the configuration the tests' own builds use): on
# a fresh clone two configurations compiled side by side keep both cores
# busy where one long package (kin-openapi's openapi3, net/http) would
# leave one idle (issue 20).
vet-and-check:
	@$(MAKE) --no-print-directory -j2 vet check-and-compile

check-and-compile: check
	$(STATIC) $(GO) build ./cmd/...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# vet compiles every package, tests' dependencies included, in the -race
# configuration of test-go, which then finds them compiled (issue 20).
vet:
	$(GO) vet -race $(PKGS)

tidy-check:
	$(GO) mod tidy -diff

# go test starts the packages in the order they are named: the longest
# first, so that what runs last beside them is short (issue 20: with
# -p 2 on 2 cores, conformance alone takes most of the test phase on one
# core). A package left off this list still runs (./... names it, once);
# a stale list only costs time. Any other PKGS is run as given.
SLOW_FIRST := ./conformance ./spec/openapitest ./mockserver/loadtest ./spec/generate ./spec/edits ./cmd/nebeus-mock ./mockserver ./release ./schemas ./mockserver/browsertest ./cmd/nebeus-contract ./mockserver/state
TEST_PKGS  ?= $(if $(filter ./...,$(PKGS)),$(SLOW_FIRST)) $(PKGS)

# GORACE=atexit_sleep_ms=0: a process built with -race sleeps a second as
# it exits, in case another thread is still printing a report; a test
# binary has counted its races (and failed their tests) before it exits, so
# that second was spent once for each of the ~40 race-built processes of a
# run, each holding one of go test's two slots (issue 20: about a tenth off
# the test phase, alternated runs).
# TEST_GOGC: the test processes (and the binaries they run, which inherit
# it) collect garbage when the heap has grown 4x, not 2x: go test -exec
# sets it for them alone, not for the compiler (issue 20: about a tenth
# less CPU running the tests, alternated runs; their largest process grows
# by a few percent). GOGC=100 is Go's default.
TEST_GOGC ?= 400

test-go:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
	  || echo "browser test SKIPPED: chromium not found (apt-get install chromium)"
	@command -v node >/dev/null 2>&1 && [ -x tools/openapi/node_modules/.bin/spectral ] \
	  || echo "OpenAPI tool checks SKIPPED: node or tools/openapi/node_modules missing (cd tools/openapi && npm ci)"
	@command -v redis-server >/dev/null 2>&1 \
	  || echo "Redis store tests SKIPPED: redis-server not found (apt-get install redis-server)"
	@command -v podman >/dev/null 2>&1 || command -v buildah >/dev/null 2>&1 \
	  || echo "container image test SKIPPED: neither podman nor buildah found (apt-get install podman)"
	GORACE="atexit_sleep_ms=0 $$GORACE" $(GO) test -race -count=1 -vet=off -exec 'env GOGC=$(TEST_GOGC)' $(TEST_PKGS)

## fuzz: bounded runs of the fuzz targets, FUZZTIME each (corpus committed under
## testdata/fuzz; make test runs that corpus, not the fuzzer)
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzHandler$$' -fuzztime=$(FUZZTIME) ./mockserver
	$(GO) test -run='^$$' -fuzz='^FuzzRedact$$' -fuzztime=$(FUZZTIME) ./mockserver/journal
	$(GO) test -run='^$$' -fuzz='^FuzzQuickCheck$$' -fuzztime=$(FUZZTIME) ./schemas
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeAgreesWithEncodingJSON$$' -fuzztime=$(FUZZTIME) ./schemas
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./spec/slate

## bench: every benchmark, each with its baseline in the same run; the mock's
## throughput with wrk (BenchmarkWrk), which skips without it (apt-get install wrk)
bench:
	@command -v wrk >/dev/null 2>&1 || echo "BenchmarkWrk SKIPPED: wrk not found (apt-get install wrk)"
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 $(PKGS)

## lint: the static checks of make test, without running tests
lint: fmt-check vet tidy-check check

## dist: release archives for linux, darwin, windows on amd64 and arm64 in dist/
## (GoReleaser snapshot build, .goreleaser.yaml): the three static binaries,
## README.md, LICENSE; checksums.txt
dist:
	$(GORELEASER) release --snapshot --clean

## image-context: the static linux binaries of the images and the CA bundle (no
## -trimpath: the packages compiled are those make test's builds share)
image-context:
	mkdir -p $(IMAGE_CONTEXT)
	CGO_ENABLED=0 GOOS=linux $(GO) build -ldflags '$(LDFLAGS)' -o $(IMAGE_CONTEXT)/ ./cmd/nebeus-mock ./cmd/nebeus-conformance
	@[ -f "$(CA_BUNDLE)" ] || { echo "make image-context: no CA bundle at $(CA_BUNDLE) (apt-get install ca-certificates, or CA_BUNDLE=FILE)"; exit 1; }
	cp $(CA_BUNDLE) $(IMAGE_CONTEXT)/ca-certificates.crt

## images: the nebeus-mock and nebeus-conformance images (release/Containerfile.*:
## FROM scratch, a non-root user), tagged $(VERSION) and latest
images: image-context
	@[ -n "$(CONTAINER_TOOL)" ] || { echo "make images: neither podman nor buildah found (apt-get install podman)"; exit 1; }
	for b in mock conformance; do \
	  $(CONTAINER_TOOL) build --isolation chroot --label org.opencontainers.image.version=$(VERSION) \
	    -f release/Containerfile.$$b -t nebeus-$$b:$(VERSION) -t nebeus-$$b:latest $(IMAGE_CONTEXT) || exit 1; \
	done

clean:
	rm -rf $(BIN) dist

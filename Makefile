# nebeus-contract: see README.md. Every target runs from a fresh clone with
# only Go; .ci/run installs what else CI needs (chromium for the browser test).
GO       ?= go
BIN      ?= bin
ADDR     ?= localhost:8080
FUZZTIME ?= 10s
PKGS     := ./...

.PHONY: all run build generate check test fmt-check vet tidy-check test-go fuzz bench lint clean

all: build

## run: build and start the mock on $(ADDR) with the embedded fixtures; the control API
## is on because $(ADDR) is loopback (it answers loopback clients only without a token)
run: build
	$(BIN)/nebeus-mock --addr $(ADDR) --control

## build: the three binaries into bin/
build:
	$(GO) build -o $(BIN)/ ./cmd/nebeus-contract ./cmd/nebeus-mock ./cmd/nebeus-conformance

## generate: regenerate schemas/ and spec/openapi.{yaml,json} from spec/source and spec/overlay.yaml
generate:
	$(GO) run ./cmd/nebeus-contract generate

## check: fail when the committed generated files drift from their source
check:
	$(GO) run ./cmd/nebeus-contract check

## test: formatting, vet, module tidiness, drift, every test with -race, bounded fuzzing
test: fmt-check vet tidy-check check test-go fuzz

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

tidy-check:
	$(GO) mod tidy -diff

test-go:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
	  || echo "browser test SKIPPED: chromium not found (apt-get install chromium)"
	@command -v node >/dev/null 2>&1 && [ -x tools/openapi/node_modules/.bin/spectral ] \
	  || echo "OpenAPI tool checks SKIPPED: node or tools/openapi/node_modules missing (cd tools/openapi && npm ci)"
	@command -v redis-server >/dev/null 2>&1 \
	  || echo "Redis store tests SKIPPED: redis-server not found (apt-get install redis-server)"
	$(GO) test -race -count=1 $(PKGS)

## fuzz: bounded runs of the fuzz targets (corpus committed under testdata/fuzz)
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzHandler$$' -fuzztime=$(FUZZTIME) ./mockserver
	$(GO) test -run='^$$' -fuzz='^FuzzRedact$$' -fuzztime=$(FUZZTIME) ./mockserver
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

clean:
	rm -rf $(BIN)

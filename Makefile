# `make` writes sam.yaml; `make test` runs every check CI runs; `make bench` prints the numbers.
GO       ?= go
BIN      := $(CURDIR)/bin
RIE      := $(BIN)/aws-lambda-rie
# The emulator is built from its Go module, never vendored as a binary.
RIE_MODULE := github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d

# The writer as Lambda runs it: provided.al2023 on arm64. CodeUri in sam.yaml points at this folder.
WRITER_DIR := build/writer

.PHONY: all generate golden build test lint bench tools clean

all: generate

generate:
	$(GO) generate ./...

# After an intended change to the output: rewrite sam.yaml and the golden files.
golden:
	$(GO) generate ./...
	$(GO) test ./golden -update

build: $(WRITER_DIR)/bootstrap

# Only the sources that go into the binary: tests and testdata do not trigger a rebuild.
$(WRITER_DIR)/bootstrap: $(shell find handler cmd/writer -name '*.go' -not -name '*_test.go' -not -path '*/testdata/*' 2>/dev/null) go.mod go.sum
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags "-s -w" -o $@ ./cmd/writer

tools: $(RIE)

$(RIE):
	GOBIN=$(BIN) $(GO) install $(RIE_MODULE)

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go') ); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	cfn-lint --include-checks I -- golden/*.yaml sam.yaml

test: lint build tools
	RIE_BIN=$(RIE) scripts/with-moto $(GO) test -race -count=1 ./...

# The emulator benchmarks (handler/emulator_bench_test.go) need RIE and moto, like the end-to-end tests.
bench: tools
	RIE_BIN=$(RIE) scripts/with-moto $(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf build bin

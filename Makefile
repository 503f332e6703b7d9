# `make` writes sam.yaml; `make test` runs every check CI runs; `make bench` prints the numbers.
GO       ?= go
BIN      := $(CURDIR)/bin
RIE      := $(BIN)/aws-lambda-rie
# The emulator is built from its Go module, never vendored as a binary.
RIE_MODULE := github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d

# The writer as Lambda runs it: provided.al2023, for each architecture a config may choose.
# CodeUri in the template points at build/writer-<architecture> (template.WriterCodeURI).
WRITERS := build/writer-arm64/bootstrap build/writer-x86_64/bootstrap
goarch_arm64  := arm64
goarch_x86_64 := amd64
# Only the sources that go into the binary: tests and testdata do not trigger a rebuild.
WRITER_SOURCES := $(shell find handler cmd/writer -name '*.go' -not -name '*_test.go' -not -path '*/testdata/*' 2>/dev/null)

# Deploying, as the reference does; AWS_ENDPOINT_URL and the usual AWS variables pass through.
STACK    ?= dynamodb-sse-with-kms-cmk
TEMPLATE ?= sam.yaml
PACKAGED ?= packaged.yaml
ID       ?= 1
WRITER   ?=

.PHONY: all generate golden build test lint bench bench-cdk tools e2e package deploy verify writer invoke delete clean

all: generate

generate:
	$(GO) generate ./...

# After an intended change to the output: rewrite sam.yaml and the golden files.
golden:
	$(GO) generate ./...
	$(GO) test ./golden -update

build: $(WRITERS)

build/writer-%/bootstrap: $(WRITER_SOURCES) go.mod go.sum
	CGO_ENABLED=0 GOOS=linux GOARCH=$(goarch_$*) $(GO) build -tags lambda.norpc -trimpath -ldflags "-s -w" -o $@ ./cmd/writer

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
	$(MAKE) --no-print-directory e2e

# The emulator benchmarks (handler/emulator_bench_test.go) need RIE and moto, like the end-to-end tests.
bench: build tools
	RIE_BIN=$(RIE) scripts/with-moto $(GO) test -run '^$$' -bench . -benchmem ./...

# gen beside `cdk synth` of the same stack: the reference CDK app, its packages from npm.
CDK_DIR := $(BIN)/cdk-app
bench-cdk:
	test -d $(CDK_DIR)/node_modules/aws-cdk-lib || { mkdir -p $(CDK_DIR) && cd $(CDK_DIR) && npm install --no-audit --no-fund aws-cdk-lib@2.276.0 constructs@10.8.1; }
	cp reference/cdk-app/app.js $(CDK_DIR)/app.js
	CDK_APP=$(CDK_DIR)/app.js $(GO) test -run '^$$' -bench GenProcess ./cmd/gen

# The whole flow offline: package, deploy, verify, invoke under the emulator, delete, against moto.
e2e: build tools
	RIE_BIN=$(RIE) scripts/with-moto scripts/e2e

# `aws cloudformation package` uploads the writer folder as a zip; it does not compile Go.
package: build
	@test -n "$(BUCKET)" || { echo "make package: set BUCKET to an S3 bucket for the writer's code" >&2; exit 2; }
	aws cloudformation package --template-file $(TEMPLATE) --s3-bucket $(BUCKET) --output-template-file $(PACKAGED)

# A template over 51,200 bytes goes through S3: pass BUCKET here too (gen warns when it is that big).
deploy:
	aws cloudformation deploy --stack-name $(STACK) --template-file $(PACKAGED) --capabilities CAPABILITY_IAM $(if $(BUCKET),--s3-bucket $(BUCKET))

# The deployed stack against its template: key policies, roles, SSE, rotation, data protection,
# who can reach each function and what it runs. EMULATOR=1 when the endpoint is moto: what it cannot
# answer is then N/A, not FAIL. CODE=FILE: the writer's zip, where the packaged one cannot be read.
verify:
	$(GO) run ./cmd/verify -stack $(STACK) $(if $(REGION),-region $(REGION)) $(if $(EMULATOR),-emulator) $(if $(CODE),-code $(CODE))

writer:
	@scripts/writer-name $(STACK)

invoke:
	scripts/invoke $(STACK) $(ID) $(WRITER)

delete:
	aws cloudformation delete-stack --stack-name $(STACK)
	aws cloudformation wait stack-delete-complete --stack-name $(STACK)

clean:
	rm -rf build bin packaged.yaml response.json

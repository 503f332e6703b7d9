# `make` writes sam.yaml and needs Go only; `make test` runs every check CI runs and needs the tools
# tools.txt pins; `make regenerate` rewrites the data derived from those tools; `make bench` prints numbers.
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

.PHONY: all generate regenerate check-generated check-tools golden build writer-bootstrap test lint bench bench-cdk tools e2e scratch package deploy deploy-all delete-all verify writer invoke delete clean

all: generate

# sam.yaml and docs/rules.md, from Go alone.
generate:
	$(GO) generate ./...

# The data derived from other projects' packages (Python and npm, pinned in tools.txt), committed:
# diff/replacement.tsv, check/sam_policy_templates.json, reference/cdk/table-cmk.template.json.
regenerate:
	scripts/regenerate .

# Fails when a committed generated file differs from a fresh regeneration.
check-generated:
	scripts/check-generated

# Fails when an installed Python tool is not at the version tools.txt pins.
check-tools:
	scripts/tools check

# After an intended change to the output: rewrite sam.yaml and the golden files.
golden:
	$(GO) generate ./...
	$(GO) test ./golden -update

build: $(WRITERS)

# The writer for a template generated anywhere: OUT is the folder its writer.codeUri names
# (absolute, or relative to this folder), ARCH its writer.architecture. From another repository:
#   make -C path/to/this/checkout writer-bootstrap OUT=$PWD/build/writer-arm64
ARCH ?= arm64
writer-bootstrap:
	@test -n "$(OUT)" || { echo "make writer-bootstrap: set OUT to the folder the template's CodeUri names" >&2; exit 2; }
	@test -n "$(goarch_$(ARCH))" || { echo "make writer-bootstrap: ARCH: got \"$(ARCH)\", want arm64 or x86_64" >&2; exit 2; }
	CGO_ENABLED=0 GOOS=linux GOARCH=$(goarch_$(ARCH)) $(GO) build -tags lambda.norpc -trimpath -ldflags "-s -w" -o $(abspath $(OUT))/bootstrap ./cmd/writer

build/writer-%/bootstrap: $(WRITER_SOURCES) go.mod go.sum
	CGO_ENABLED=0 GOOS=linux GOARCH=$(goarch_$*) $(GO) build -tags lambda.norpc -trimpath -ldflags "-s -w" -o $@ ./cmd/writer

tools: $(RIE)

$(RIE):
	GOBIN=$(BIN) $(GO) install $(RIE_MODULE)

lint:
	scripts/check-tracked-files
	@unformatted=$$(gofmt -l $$(git ls-files '*.go') ); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	cfn-lint --include-checks I -- golden/*.yaml sam.yaml docs/deployer-policy.yaml

test: check-tools lint check-generated build tools
	RIE_BIN=$(RIE) scripts/with-moto $(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory scratch

# The emulator benchmarks (handler/emulator_bench_test.go) need RIE and moto, like the end-to-end tests.
bench: build tools
	RIE_BIN=$(RIE) scripts/with-moto $(GO) test -run '^$$' -bench . -benchmem ./...

# gen beside `cdk synth` of the same stack: the reference CDK app, its packages from npm.
CDK_DIR := $(BIN)/cdk-app
bench-cdk:
	scripts/tools npm-install $(CDK_DIR)
	cp reference/cdk-app/app.js $(CDK_DIR)/app.js
	CDK_APP=$(CDK_DIR)/app.js $(GO) test -run '^$$' -bench GenProcess ./cmd/gen

# The whole flow offline: package, deploy, verify, invoke under the emulator, delete, against moto;
# then the global tables' deployments (scripts/e2e-global): what moto can make, made; the rest refused.
e2e: build tools
	RIE_BIN=$(RIE) scripts/with-moto scripts/e2e
	scripts/with-moto scripts/e2e-global

# The README's install and CI instructions, and packaging a template generated outside this
# repository, run in a scratch repository against moto.
scratch:
	scripts/with-moto scripts/scratch

# `aws cloudformation package` uploads the writer folder as a zip; it does not compile Go.
# DIR=a deployment's directory (gen -o DIR): each stack with code is packaged into the bucket of
# its own Region, BUCKET=my-artifacts-{region} (Lambda takes code from its Region only), and the
# packaged deployment is written to PACKAGED_DIR (default DIR-packaged), which deploy-all takes.
package: build
	@test -n "$(BUCKET)" || { echo "make package: set BUCKET to an S3 bucket for the writer's code ({region} stands for each stack's Region with DIR)" >&2; exit 2; }
ifdef DIR
	$(GO) run ./cmd/rollout package -bucket '$(BUCKET)' -o $(or $(PACKAGED_DIR),$(DIR)-packaged) $(DIR)
else
	aws cloudformation package --template-file $(TEMPLATE) --s3-bucket $(BUCKET) --output-template-file $(PACKAGED)
endif

# A template over 51,200 bytes goes through S3: pass BUCKET here too (gen warns when it is that big).
deploy:
	aws cloudformation deploy --stack-name $(STACK) --template-file $(PACKAGED) --capabilities CAPABILITY_IAM $(if $(BUCKET),--s3-bucket $(BUCKET))

# A deployment's stacks (gen -o DIR writes DIR/stacks.json), one aws cloudformation deploy --region
# each, in order, each stack's parameters read from the outputs of the stacks before it; delete-all
# deletes them in the reverse order. PRINT=1 prints the commands instead. EMULATOR=1 when the
# endpoint is moto: a stack holding what moto skips (a global table, a replica key, a multi-Region
# key) is refused, never reported deployed, with exit status 3. BUCKET (with {region}) carries
# templates over 51,200 bytes.
deploy-all:
	@test -n "$(DIR)" || { echo "make deploy-all: set DIR to a deployment's directory (gen -config FILE -o DIR)" >&2; exit 2; }
	$(GO) run ./cmd/rollout deploy $(if $(EMULATOR),-emulator) $(if $(BUCKET),-bucket '$(BUCKET)') $(if $(PRINT),-print) $(DIR)

delete-all:
	@test -n "$(DIR)" || { echo "make delete-all: set DIR to a deployment's directory (gen -config FILE -o DIR)" >&2; exit 2; }
	$(GO) run ./cmd/rollout delete $(if $(PRINT),-print) $(DIR)

# The deployed stack against its template: key policies, roles, SSE, rotation, data protection,
# who can reach each function and what it runs. EMULATOR=1 when the endpoint is moto: what it cannot
# answer is then N/A, not FAIL. CODE=FILE: the writer's zip, where the packaged one cannot be read.
# DIR=a deployment's directory: every stack of DIR/stacks.json, each in its own Region, and what the
# deployment promises across them (each replica's key, the multi-Region keys, the parameters' wiring).
verify:
	$(GO) run ./cmd/verify $(if $(DIR),-manifest $(DIR)/stacks.json,-stack $(STACK) $(if $(REGION),-region $(REGION))) $(if $(EMULATOR),-emulator) $(if $(CODE),-code $(CODE))

writer:
	@scripts/writer-name $(STACK)

invoke:
	scripts/invoke $(STACK) $(ID) $(WRITER)

delete:
	aws cloudformation delete-stack --stack-name $(STACK)
	aws cloudformation wait stack-delete-complete --stack-name $(STACK)

clean:
	rm -rf build bin packaged.yaml response.json

# Two entry points for newcomers: `make demo` and `make test`.
# Both install what they need on first use (virtualenv, pinned Python and npm packages,
# the project's solc front end, anvil on PATH) and skip that work when already done.

SHELL := /bin/bash
ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
SOLC_VERSION := 0.8.28
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.10 || command -v python3)

# Keep ape's and py-solc-x's state inside the project so runs are reproducible; but ape's
# accounts (keyfiles) live where ape keeps them for the user, ~/.ape/accounts, linked in, so
# `make clean` never deletes a key.
export APE_DATA_FOLDER := $(ROOT)/.build/ape-data
USER_ACCOUNTS := $(HOME)/.ape/accounts
export SOLCX_BINARY_PATH := $(ROOT)/.build/solcx
export PATH := $(ROOT)/.build/bin:$(VENV)/bin:$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
SOLC_BIN := $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION)
ANVIL_LINK := .build/bin/anvil
FORGE_LINK := .build/bin/forge
SOURCES := $(shell find contracts -name '*.sol' -not -path '*/.cache/*' 2>/dev/null)
COMPILED := .build/compiled.stamp

.PHONY: install demo test lint analyze mutation env clean accounts browser

install: $(STAMP_PY) $(STAMP_NPM) $(SOLC_BIN) $(ANVIL_LINK) $(FORGE_LINK) accounts

# The project's ape data folder sees the user's accounts. Keyfiles an older checkout kept in the
# project's folder move there first, never overwriting one: a name already taken there gets the
# suffix -project (ape's alias is the file's name), so no key stays where `make clean` deletes.
accounts:
	@link="$(APE_DATA_FOLDER)/accounts"; mkdir -p "$(USER_ACCOUNTS)" "$(APE_DATA_FOLDER)"; \
	  if [ -d "$$link" ] && [ ! -L "$$link" ]; then \
	    for f in "$$link"/*; do [ -e "$$f" ] || continue; name=$$(basename "$$f"); \
	      to="$(USER_ACCOUNTS)/$$name"; n=""; \
	      while [ -e "$$to" ]; do n=$${n}-project; to="$(USER_ACCOUNTS)/$${name%.json}$$n.json"; done; \
	      mv -n "$$f" "$$to" && echo "moved account $$name to $$to" >&2; done; \
	    rmdir "$$link" 2>/dev/null || echo "kept $$link: it holds more than keyfiles" >&2; fi; \
	  [ -e "$$link" ] || ln -s "$(USER_ACCOUNTS)" "$$link"

# ape-solidity recompiles a changed file but not the contracts importing it, which would leave
# stale bytecode after a library edit: any contract change recompiles everything. The package's
# bundled ABIs and bytecode (revshare/artifacts/) are re-written from the fresh build.
$(COMPILED): $(SOURCES) ape-config.yaml tools/bundle_artifacts.py package-lock.json | install
	@echo "==> compiling contracts"
	@ape compile --force > .build/compile.log 2>&1 || { cat .build/compile.log; exit 1; }
	@python -m tools.bundle_artifacts
	@touch $@

$(STAMP_PY): requirements.lock pyproject.toml
	@echo "==> Python virtualenv ($(PYTHON)) with pinned packages"
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10+ is required")'
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(STAMP_NPM): package.json package-lock.json
	@echo "==> npm packages (solc, anvil, forge, OpenZeppelin, OP contracts-bedrock, Safe) from package-lock.json"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(SOLC_BIN): tools/solc.js $(STAMP_NPM)
	@echo "==> solc $(SOLC_VERSION) front end for py-solc-x"
	@mkdir -p $(SOLCX_BINARY_PATH)
	@printf '#!/bin/sh\nexec node "%s/tools/solc.js" "$$@"\n' "$(ROOT)" > $@
	@chmod +x $@
	@$@ --version | grep -q "Version: $(SOLC_VERSION)+" || { echo "npm solc is not $(SOLC_VERSION)"; exit 1; }
	@# Also as plain `solc` ahead of solc-select's downloading shim (installed with slither).
	@mkdir -p .build/bin && cp $@ .build/bin/solc

# anvil (the demo's and the tests' node) and forge (`ape run benchmark_fuzz` compares the property
# harness with its fuzzer; it compiles with the project's solc front end, never a download): the
# native binaries inside npm's @foundry-rs packages, behind a one-line shim on PATH.
$(ANVIL_LINK) $(FORGE_LINK): .build/bin/%: $(STAMP_NPM)
	@mkdir -p $(dir $@)
	@bin=$$(ls $(ROOT)/node_modules/@foundry-rs/$*-*/bin/$* 2>/dev/null | head -n1); \
	  test -n "$$bin" || { echo "$* binary missing from node_modules/@foundry-rs"; exit 1; }; \
	  printf '#!/bin/sh\nexec "%s" "$$@"\n' "$$bin" > $@; chmod +x $@
	@$@ --version | head -n1

# The report's render test needs a headless browser: Chromium from the distribution's packages,
# installed when missing and when this user may (root, or sudo without a password).
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then run=""; elif sudo -n true 2>/dev/null; then run="sudo -n"; else \
	    echo "note: Chromium is missing and cannot be installed here (not root): the render test skips (fails under CI)"; exit 0; fi; \
	  echo "==> Chromium (Debian package) for the report's render test"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { $$run apt-get update -qq && $$run apt-get install -y -qq --no-install-recommends chromium >/dev/null; } \
	    || echo "note: installing Chromium failed: the render test skips (fails under CI)"; }

demo: install $(COMPILED)
	@ape run demo

test: install $(COMPILED) browser
	@ruff check revshare scripts tests tools
	@python -m tools.test_shards $(TEST_ARGS)

analyze: install
	@python -m tools.slither_gate

mutation: install $(COMPILED)
	@python -m tools.mutation $(MUTATION_ARGS)

# `eval "$(make -s env)"`: the environment `ape run deploy/propose` need in your own shell.
env: accounts
	@echo 'export APE_DATA_FOLDER="$(APE_DATA_FOLDER)" SOLCX_BINARY_PATH="$(SOLCX_BINARY_PATH)" PATH="$(PATH)"'

lint: install
	@ruff check revshare scripts tests tools
	@ruff format --check revshare scripts tests tools

clean:
	rm -rf .build .venv node_modules .hypothesis .pytest_cache

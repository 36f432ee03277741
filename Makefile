# The project's vocabulary. Every target installs what it needs first (uv itself included),
# so `make contract` and `make test` work on a fresh machine.

UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen --no-sync
GENERATE := $(RUN) openapi-python-client generate --path openapi.yaml \
	--config openapi-python-client.yaml --custom-template-path tools/client_templates \
	--meta uv --fail-on-warning --overwrite

BASE_URL ?=
SEED ?=
contract_args := $(if $(BASE_URL),--base-url $(BASE_URL)) $(if $(SEED),--seed $(SEED))

.PHONY: install client check-client lint check test spec-change-check contract mock mutants foreign bench docs docs-serve wheels clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.installed: uv.lock pyproject.toml generated_client/pyproject.toml $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --all-extras
	@touch $@

## install: the locked environment in .venv, every extra (uv sync --frozen --all-extras)
install: .venv/.installed

## client: regenerate generated_client/ from openapi.yaml
client: install
	$(GENERATE) --output-path generated_client

## check-client: fail, naming each file, when generated_client/ is not what openapi.yaml produces
check-client: install
	$(RUN) python tools/check_client.py

## lint: fix what can be fixed, then check
lint: install
	$(RUN) ruff format src tests contract_tests tools bench
	$(RUN) ruff check --fix src tests contract_tests tools bench
	$(MAKE) --no-print-directory check

## check: only check: format, lint, types, import layers, the spec itself
check: install
	$(RUN) ruff format --check src tests contract_tests tools bench
	$(RUN) ruff check src tests contract_tests tools bench
	$(RUN) mypy
	cd generated_client && ../.venv/bin/mypy --strict immoteur_client
	$(RUN) lint-imports
	$(RUN) openapi-spec-validator openapi.yaml

## test: everything CI checks (the docs site's strict build and every example of README.md and docs/
## included), on two pytest-xdist workers; prints the branch coverage, and fails under its floor
## (pyproject.toml). PYTEST_WORKERS=0 runs the tests one after the other.
PYTEST_WORKERS ?= 2
test: install check-client check
	$(RUN) pytest -n $(PYTEST_WORKERS) --cov --cov-report=term --durations=15

## spec-change-check: make test on a copy whose spec has a facet added and the comment limit halved
## (after make client there); only the documentation-page comparisons may fail. Not part of make test.
spec-change-check: install
	$(RUN) python tools/spec_change_check.py

## contract: the contract suite against the embedded reference server (or BASE_URL)
contract: install
	$(RUN) immoteur-contract run $(contract_args)

## mock: the reference server on 127.0.0.1:8080
mock: install
	$(RUN) immoteur-contract mock --host 127.0.0.1 --port 8080

## mutants: the suite against every faulty and correct server, then the foreign servers under 5 seeds
mutants: install
	$(RUN) immoteur-contract mutants
	$(MAKE) --no-print-directory foreign SEEDS=5

SEEDS ?= 1
## foreign: the suite against the foreign servers (installed from their lock files), SEEDS seeds
foreign: install
	$(RUN) python tools/foreign_servers.py --install --seeds $(SEEDS)

## bench: the benchmark scripts, side by side with their baselines; writes bench/RESULTS.md
bench: install
	$(RUN) python bench/run_all.py

## docs: the documentation site from docs/ into site/, strict: a warning (a broken link) fails it
docs: install
	NO_MKDOCS_2_WARNING=1 $(RUN) mkdocs build --strict

## docs-serve: the documentation site on http://127.0.0.1:8000, rebuilt on every change
docs-serve: install
	NO_MKDOCS_2_WARNING=1 $(RUN) mkdocs serve --strict

## wheels: the generated client's and the kit's wheels in dist/ (pip install --find-links dist ...)
wheels: install
	$(UV) build --wheel --out-dir dist generated_client
	$(UV) build --wheel --out-dir dist .

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache dist site
	rm -rf foreign_servers/*/node_modules foreign_servers/*/.venv

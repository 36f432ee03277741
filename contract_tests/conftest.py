"""The contract suite's configuration: the runner's plugin registers the options, opens the
target, keeps the ledger and writes the outputs."""

import importlib

from immoteur_contract.spec import SpecMismatchError

# When openapi.yaml states something the kit's code does not follow yet (a rule without a check),
# stop with that one line before the plugin and the test modules import the rules.
try:
    importlib.import_module("immoteur_contract.rules")
except SpecMismatchError as error:
    raise SystemExit(f"immoteur-contract: {error}") from None

pytest_plugins = ["immoteur_contract.runner.plugin"]

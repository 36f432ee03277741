"""The contract suite's configuration: the runner's plugin registers the options, opens the
target, keeps the ledger and writes the outputs."""

pytest_plugins = ["immoteur_contract.runner.plugin"]

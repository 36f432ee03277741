"""The contract runner: the pytest suite in contract_tests/ driven against a target.

`immoteur-contract run` (command.py) runs that suite through pytest; the pytest plugin
(plugin.py) registers the suite's options (options.py), opens the target (target.py), plans the
request budget over the collected tests (budget.py, items.py), sends every request through one
guarded transport (transport.py: budget, rate, write safety, 401/429 handling), shows progress
(progress.py) and writes the table, the JSON report and the request record (report.py,
ledger.py).
"""

__all__: list[str] = []

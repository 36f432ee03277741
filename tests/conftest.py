"""Shared test settings: hypothesis profiles chosen by HYPOTHESIS_PROFILE (`dev`, or `ci` on CI).

Both profiles keep no example database (runs must not depend on a previous run) and have no
deadline (the machines are shared and noisy; speed is measured in bench/, never here). `ci` is
also derandomized so that a CI run is reproducible from its commit alone.
"""

from __future__ import annotations

import importlib
import os

from hypothesis import HealthCheck, settings

from immoteur_contract.spec import SpecMismatchError

pytest_plugins = ["pytester"]  # tests/proxy/test_fixture.py runs application suites in pytester

settings.register_profile(
    "dev", database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    database=None,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


# Before any test module (or a sub-folder's conftest) imports the rules: when openapi.yaml states
# something the kit's code does not follow yet (a rule without a check), stop with that one line
# rather than one traceback per module.
try:
    importlib.import_module("immoteur_contract.rules")
except SpecMismatchError as error:
    raise SystemExit(f"immoteur-contract: {error}") from None

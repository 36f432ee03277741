"""Shared test settings: hypothesis profiles chosen by HYPOTHESIS_PROFILE (`dev`, or `ci` on CI).

Both profiles keep no example database (runs must not depend on a previous run) and have no
deadline (the machines are shared and noisy; speed is measured in bench/, never here). `ci` is
also derandomized so that a CI run is reproducible from its commit alone.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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

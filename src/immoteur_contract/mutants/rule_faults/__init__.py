"""Faulty servers that enforce a different rule set: a rule dropped, altered, or one added.

Each is the reference server (`create_app`) given `RULES.without(...)`, `RULES.replacing(...)`,
an extra rule, or the contract's rules applied to a normalized body (how a server that rewrites
input before validating it behaves). Every one is a misreading of the documentation page that
an implementer could plausibly make; the witness is the smallest body that tells it apart.

One module per kind of misreading; importing this package registers them all, in the order
below (the catalog's order). Add one with `@rule_fault(name, divergence, witness)` in the
module of its kind (making.py holds the decorator and the helpers).
"""

from __future__ import annotations

from .making import rule_fault

# The catalog lists the faults in the order they are registered, that is imported:
# isort: off
from . import conditional
from . import limits
from . import blank
from . import uuids
from . import enums
from . import absence
from . import scale

# isort: on

__all__ = ["rule_fault"]

_KINDS = (conditional, limits, blank, uuids, enums, absence, scale)
"""Imported for their registrations."""

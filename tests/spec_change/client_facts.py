"""Print, as JSON, what a generated client holds: its models' fields, its enums' values, its
operation modules. Run by kit.py in a subprocess with the regenerated client first on
PYTHONPATH; it imports nothing of the kit, so it works even where the kit cannot load the copy.

    python -m tests.spec_change.client_facts
"""

from __future__ import annotations

import enum
import importlib
import json
import pkgutil

import attrs


def facts() -> dict[str, object]:
    """{"models": {name: [field, ...]}, "enums": {name: [value, ...]}, "operations": [path]}."""
    models = importlib.import_module("immoteur_client.models")
    api = importlib.import_module("immoteur_client.api")
    classes = [getattr(models, name) for name in models.__all__]
    operations = [
        f"{tag.name}.{module.name}"
        for tag in pkgutil.iter_modules(api.__path__)
        for module in pkgutil.iter_modules(
            importlib.import_module(f"{api.__name__}.{tag.name}").__path__
        )
    ]
    return {
        "models": {c.__name__: [f.name for f in attrs.fields(c)] for c in classes if attrs.has(c)},
        "enums": {
            c.__name__: [member.value for member in c]
            for c in classes
            if isinstance(c, type) and issubclass(c, enum.Enum)
        },
        "operations": sorted(operations),
    }


if __name__ == "__main__":
    print(json.dumps(facts()))

"""The package's public surface is exactly its `__all__`, sorted, and every name resolves."""

from __future__ import annotations

import subprocess
import sys

import immoteur_contract
import immoteur_contract.client


def test_exported_members_are_sorted_and_resolve() -> None:
    assert immoteur_contract.__all__ == sorted(immoteur_contract.__all__)
    for name in immoteur_contract.__all__:
        assert getattr(immoteur_contract, name) is getattr(immoteur_contract.client, name)


def test_exported_members_are_the_client_facade_public_classes() -> None:
    public = {n for n in immoteur_contract.client.__all__ if not n.isupper()}
    assert set(immoteur_contract.__all__) == public


def test_importing_the_rules_does_not_load_the_generated_client() -> None:
    code = "import sys, immoteur_contract.rules; print('immoteur_client' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

"""Tests of the reference server (src/immoteur_contract/server)."""

"""Tests of the faulty servers and `immoteur-contract mutants` (src/immoteur_contract/mutants)."""

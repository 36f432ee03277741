"""The strategies' implementation, split by concern; `immoteur_contract.strategies` re-exports
the public names."""

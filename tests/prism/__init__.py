"""Tests of the contract suite against Stoplight Prism, a contract server written elsewhere."""

"""Reference contract kit for Immoteur's public issue-report endpoint."""

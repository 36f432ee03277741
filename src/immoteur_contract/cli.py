"""The `immoteur-contract` command line: one subcommand per job, each defined in its own module.

Every subcommand module exposes `add_arguments(parser)` and `run(args) -> int`; this module only
wires them together, importing each lazily so that `immoteur-contract mock` does not pay for
schemathesis and `report` does not pay for the server.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .spec import SpecMismatchError

__all__ = ["main"]

# name -> (module, one-line help)
_COMMANDS: dict[str, tuple[str, str]] = {
    "mock": ("immoteur_contract.server.command", "run the reference server"),
    "run": ("immoteur_contract.runner.command", "run the contract suite against a target"),
    "mutants": ("immoteur_contract.mutants.command", "run the suite against every faulty server"),
    "report": ("immoteur_contract.client.command", "file an issue report"),
}


def _parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="immoteur-contract",
        description="Contract kit for Immoteur's POST /public/v1/issues.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((a for a in argv if a in _COMMANDS), None)
    for name, (module, help_text) in _COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:  # only the chosen command's module is imported
            importlib.import_module(module).add_arguments(sub_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` (default: sys.argv[1:]) and run the chosen command; return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser(args_list).parse_args(args_list)
        module = importlib.import_module(_COMMANDS[args.command][0])
    except SpecMismatchError as error:  # openapi.yaml states what the code does not follow yet
        print(f"immoteur-contract: {error}", file=sys.stderr)
        return 2
    status: int = module.run(args)
    return status


if __name__ == "__main__":
    raise SystemExit(main())

"""The `immoteur-contract` command line: one subcommand per job, each defined in its own module.

Every subcommand module exposes `add_arguments(parser)` and `run(args) -> int`; this module only
wires them together, importing each lazily so that `immoteur-contract mock` does not pay for
schemathesis and `report` does not pay for the server. It also keeps a user's mistake to one
line: an option error is one line on stderr with exit 2 (no usage block), and a reader that
closes the pipe early (`immoteur-contract mutants --list | head`) ends the command quietly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from .extras import missing_from_extra
from .help_pages import description, epilog
from .spec import SpecMismatchError
from .usage_errors import TOKEN_HINTS, safe_message

__all__ = ["BROKEN_PIPE_STATUS", "main"]

BROKEN_PIPE_STATUS = 141
"""Exit status when stdout's reader went away: 128 + SIGPIPE, as a shell reports a program
killed by it."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the flag and never a value the user
    typed (usage_errors.py): `immoteur-contract run: error: --rate: must be a finite number > 0,
    got nan (see --help)`, exit 2. Subcommand parsers are of the same class; every error is
    prefixed by the command (`immoteur-contract report`, also for `report data`)."""

    command: str | None = None
    """The chosen command, set on the top parser, whose errors name it too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # no abbreviations: `--token SECRET` must never be taken for a longer flag that
        # starts alike (`--token-file`), which would read, and could echo, the value
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str, extras: list[str] | None = None) -> NoReturn:
        """Exit 2 with `message` as one line; `extras`: the words not recognised, if any."""
        words = self.prog.split()
        if len(words) < 2 and self.command:
            words.append(self.command)
        hint = TOKEN_HINTS.get(words[1]) if len(words) > 1 else None
        message = safe_message(message.removeprefix("argument "), extras, token_hint=hint)
        self.exit(2, f"{' '.join(words[:2])}: error: {message} (see --help)\n")


# name -> (module, one-line help)
_COMMANDS: dict[str, tuple[str, str]] = {
    "mock": ("immoteur_contract.server.command", "run the reference server"),
    "run": ("immoteur_contract.runner.command", "run the contract suite against a target"),
    "mutants": ("immoteur_contract.mutants.command", "run the suite against every faulty server"),
    "report": ("immoteur_contract.client.command", "file an issue report"),
    "compare": ("immoteur_contract.runner.compare", "compare two runs' --report files"),
    "spec-diff": ("immoteur_contract.specdiff.command", "what a change of openapi.yaml breaks"),
}

# The extra each command needs beyond the package itself (pyproject's optional-dependencies).
_EXTRAS: dict[str, str] = {"mock": "server", "run": "suite", "mutants": "suite"}


def _missing_extra(command: str) -> str | None:
    """One line naming the extra `command` needs, when a package of it is not installed."""
    extra = _EXTRAS.get(command)
    missing = missing_from_extra(extra) if extra else []
    if not missing:
        return None
    return (
        f"immoteur-contract {command}: error: this command needs the [{extra}] extra"
        f" ({', '.join(missing)} not installed): pip install 'immoteur-contract[{extra}]'"
    )


def _parser(argv: Sequence[str]) -> _Parser:
    parser = _Parser(
        prog="immoteur-contract",
        description="Contract kit for Immoteur's POST /public/v1/issues.",
        epilog="Each command's --help ends with examples and its exit codes.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((a for a in argv if a in _COMMANDS), None)
    parser.command = chosen
    for name, (module, help_text) in _COMMANDS.items():
        sub_parser = sub.add_parser(
            name,
            help=help_text,
            description=description(name, help_text),
            epilog=epilog(name),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name == chosen:  # only the chosen command's module is imported
            importlib.import_module(module).add_arguments(sub_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` (default: sys.argv[1:]) and run the chosen command; return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in args_list if a in _COMMANDS), None)
    message = _missing_extra(chosen) if chosen else None
    if message:
        print(message, file=sys.stderr)
        return 2
    try:
        parser = _parser(args_list)
        args, extras = parser.parse_known_args(args_list)
        if extras:  # named, never echoed: a stray word may be a token
            parser.error("unrecognized arguments:", extras)
        module = importlib.import_module(_COMMANDS[args.command][0])
        status: int = module.run(args)
        sys.stdout.flush()
    except SpecMismatchError as error:  # openapi.yaml states what the code does not follow yet
        print(f"immoteur-contract {chosen}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Python's documented recipe: point stdout at devnull so the flush at exit is silent
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE_STATUS
    return status


if __name__ == "__main__":
    raise SystemExit(main())

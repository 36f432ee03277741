"""No usage error of any command echoes a value that could be a secret.

A natural mistake (`run --token SECRET`, a token pasted as a positional argument, a base URL
with `user:password@`) ends in one line on stderr and exit 2 that names the flag, never the
value: that line lands in CI logs. Every command is tried, and each kind of `report`.
"""

from __future__ import annotations

import pytest

from immoteur_contract import cli

SECRET = "tok-S3cr3tZq9w"
UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"

# command -> the words that make the rest of its command line valid
COMMANDS: dict[str, list[str]] = {
    "run": ["run"],
    "mock": ["mock"],
    "mutants": ["mutants"],
    "report": ["report"],
    "report data": ["report", "data", "--property", UUID, "--facet", "price"],
    "report clustering": [
        "report", "clustering", "--property", UUID, "--classified", UUID, "--action", "merge",
    ],
    "report other": ["report", "other", "--property", UUID, "--comment", "wrong floor"],
    "compare": ["compare", "old.json", "new.json"],
    "spec-diff": ["spec-diff", "old.yaml", "new.yaml"],
}  # fmt: skip

MISTAKES: dict[str, list[str]] = {
    "token": ["--token", SECRET],
    "token-equals": [f"--token={SECRET}"],
    "bearer": ["--bearer", SECRET],
    "t": ["-t", SECRET],
    "positional": [SECRET],
}

CASES = [
    pytest.param(COMMANDS[command] + words, id=f"{command}-{mistake}")
    for command in COMMANDS
    for mistake, words in MISTAKES.items()
    # `mock --token` is the mock's own option: it takes the token on purpose
    if not (command == "mock" and mistake.startswith("token"))
]


def _one_line(capfd: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capfd.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return code, out, lines[0]


@pytest.mark.parametrize("argv", CASES)
def test_cli_secrets_stray_token_is_never_echoed(
    capfd: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, line = _one_line(capfd, argv)
    assert code == 2
    assert SECRET not in out + line
    assert line.startswith(f"immoteur-contract {argv[0]}: error: "), line
    assert "Traceback" not in line


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        pytest.param(["run", "--token", SECRET], "--token", id="run-token"),
        pytest.param(["report", "data", "--property", UUID, "--facet", "price", "-t", SECRET],
                     "-t", id="report-t"),
        pytest.param(["mock", "--bearer", SECRET], "--bearer", id="mock-bearer"),
    ],
)  # fmt: skip
def test_cli_secrets_unknown_flag_is_named_with_where_the_token_goes(
    capfd: pytest.CaptureFixture[str], argv: list[str], flag: str
) -> None:
    _, _, line = _one_line(capfd, argv)
    assert f"unrecognized option {flag}" in line
    assert "IMMOTEUR_TOKEN" in line or "IMMOTEUR_MOCK_TOKEN" in line


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        pytest.param(["run", "--base-url", f"https://user:{SECRET}@127.0.0.1:99999/v1"],
                     "--base-url", id="url-credentials-bad-port"),
        pytest.param(["run", "--base-url", f"https://user:{SECRET}@127.0.0.1/v1?key={SECRET}"],
                     "--base-url", id="url-credentials-query"),
        pytest.param(["run", "--base-url", SECRET], "--base-url", id="url-is-a-token"),
        pytest.param(["run", "--seed", SECRET], "--seed", id="seed"),
        pytest.param(["run", "--rate", SECRET], "--rate", id="rate"),
        pytest.param(["run", "--max-requests", SECRET], "--max-requests", id="max-requests"),
        pytest.param(["run", f"--fail-fast={SECRET}"], "--fail-fast", id="flag-with-value"),
        pytest.param(["run", f"--re={SECRET}"], "--re", id="prefix-with-value"),
        pytest.param(["run", "--max-req", SECRET], "--max-req", id="no-abbreviation"),
        pytest.param(["report", "data", "--property", UUID, "--facet", SECRET], "--facet",
                     id="facet-choice"),
        pytest.param(["report", "other", "--property", UUID, "--comment", "x", "--timeout",
                      SECRET], "--timeout", id="timeout"),
        pytest.param(["mock", "--fail-rate", SECRET], "--fail-rate", id="fail-rate"),
        pytest.param(["mock", "--latency", SECRET], "--latency", id="latency"),
        pytest.param(["mock", "--max-body-timeout", SECRET], "--max-body-timeout",
                     id="unknown-mock-option"),
        pytest.param(["mutants", "--isolation", SECRET], "--isolation", id="isolation"),
        pytest.param(["spec-diff", "a", "b", "--format", SECRET], "--format", id="format"),
        pytest.param([SECRET], "COMMAND", id="command"),
    ],
)  # fmt: skip
def test_cli_secrets_bad_value_names_the_flag_not_the_value(
    capfd: pytest.CaptureFixture[str], argv: list[str], flag: str
) -> None:
    code, out, line = _one_line(capfd, argv)
    assert code == 2
    assert flag in line
    assert SECRET not in out + line


def test_cli_secrets_token_from_the_environment_is_not_echoed(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMMOTEUR_TOKEN", SECRET)
    code, out, line = _one_line(
        capfd, ["run", "--base-url", "http://127.0.0.1:9", "--app", "immoteur_contract:x"]
    )
    assert code == 2
    assert SECRET not in out + line
    monkeypatch.setenv("IMMOTEUR_MOCK_TOKEN", f"{SECRET} with spaces")
    code, out, line = _one_line(capfd, ["mock"])
    assert code == 2
    assert "IMMOTEUR_MOCK_TOKEN" in line
    assert SECRET not in out + line


def test_cli_secrets_mock_settings_errors_name_the_flag(
    capfd: pytest.CaptureFixture[str],
) -> None:
    code, _, line = _one_line(capfd, ["mock", "--latency-range", "2", "1"])
    assert code == 2
    assert "--latency-range" in line
    assert "latency_range" not in line


def test_cli_secrets_no_flag_is_taken_for_a_longer_one(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """`--token X` is refused as unknown even where a longer flag starts alike: abbreviations
    would hand the value to that flag (a `--token-file` would read it, and could echo it)."""
    code, _, line = _one_line(capfd, ["run", "--max-req", "5"])
    assert code == 2
    assert "unrecognized option --max-req" in line

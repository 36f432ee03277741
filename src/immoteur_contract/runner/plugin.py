"""The pytest plugin of the contract suite: options, the shared target, fixtures, the ledger,
and the outputs (table, `--report`, `--record`).

contract_tests/conftest.py loads it, so `pytest contract_tests ...` and `immoteur-contract run`
behave alike. Each test module names its layer in a module constant `LAYER` and what one of its
tests sends in `SENDS` (budget.Sends: "one", "examples" or "open"); a rule-layer test names its
rule with the marker `rule(rule_id)`, a test whose requests the target would accept carries the
marker `writes` (items.py reads them). Once the tests are collected, the request budget is
planned over them (budget.py), and a progress line follows the run (progress.py). The last
finished run's report is `LAST_REPORT` (read by the `run` command in the same process).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as hypothesis_seed

from ..arguments import OutputPathError, prepare_outputs
from .budget import REASON_BUDGET, REASON_WRITES, Allotment, Plan, PlanItem, plan_budget
from .client import ContractClient
from .curl import scrub
from .items import lead_round, outcome_of, plan_item
from .ledger import Context, Ledger, decode_body
from .observations import Observations
from .options import Options, add_pytest_options
from .preflight import preflight
from .progress import Progress, Status
from .report import Failure, Outcome, RunReport, failures_of, render_table
from .safety import Policy, policy_for
from .target import Target, UsageError, open_target
from .transport import BudgetExhaustedError, StopRunError

__all__ = ["LAST_REPORT", "Api", "RunState", "current_state", "pytest_addoption"]

F = TypeVar("F", bound=Callable[..., Any])

LAST_REPORT: list[RunReport] = []
"""The report of the last run in this process (one element at most)."""


@dataclass
class RunState:
    """A run's state: options, policy, the opened target and what happened."""

    options: Options
    policy: Policy
    ledger: Ledger = field(default_factory=Ledger)
    target: Target | None = None
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    error: str | None = None
    started: float = field(default_factory=time.perf_counter)
    items: dict[str, PlanItem] = field(default_factory=dict)
    plan: Plan | None = None
    allotment: Allotment = field(default_factory=lambda: Allotment(None))
    cut: set[str] = field(default_factory=set)
    progress: Progress | None = None
    layer: str = "preflight"
    before_tests: int = 0
    """Requests sent before the first test (the preflight), counted in the plan's totals."""
    observations: Observations = field(default_factory=Observations)
    generated_tests: set[str] = field(default_factory=set)

    @property
    def token(self) -> str:
        return self.target.token if self.target is not None else ""


_STATE = pytest.StashKey[RunState]()
_CURRENT: list[RunState] = []


def current_state() -> RunState:
    """The state of the run in progress, for test modules that need it at import time
    (schemathesis's parametrization is built when its module is imported)."""
    if not _CURRENT:
        raise RuntimeError("no contract run in progress (load immoteur_contract.runner.plugin)")
    return _CURRENT[0]


def pytest_addoption(parser: pytest.Parser) -> None:
    add_pytest_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    options = Options.from_config(config)
    try:
        prepare_outputs(options.outputs())
        policy = policy_for(
            options.base_url,
            allow_writes=options.allow_writes,
            max_requests=options.max_requests,
            rate=options.rate,
        )
    except (OutputPathError, ValueError) as error:
        raise pytest.UsageError(str(error)) from None
    if options.fail_fast:
        config.option.maxfail = 1
    config.stash[_STATE] = RunState(options=options, policy=policy)
    _CURRENT[:] = [config.stash[_STATE]]
    LAST_REPORT.clear()


def _state(config: pytest.Config) -> RunState:
    return config.stash[_STATE]


def _stop(state: RunState, message: str) -> None:
    """Stop the run during a test: pytest.exit (no output of its own once the session runs)."""
    state.error = scrub(message, state.token)
    pytest.exit(state.error, returncode=2)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Open the target and run the preflight (preflight.py), which turns an unreachable target, a
    rejected token or a URL without the endpoint into one clear line before any test runs."""
    state = _state(session.config)
    try:
        state.target = open_target(
            base_url=state.options.base_url,
            app=state.options.app,
            policy=state.policy,
            ledger=state.ledger,
        )
        preflight(ContractClient(state.target))
    except (UsageError, StopRunError) as error:
        state.error = scrub(str(error), state.token)
    except httpx.HTTPError as error:
        state.error = scrub(f"cannot talk to {state.options.base_url}: {error}", state.token)
    if state.error is not None:
        return  # nothing is collected (pytest_collection_modifyitems); sessionfinish says why
    if state.options.progress:
        state.progress = Progress(lambda: _status(state), stream=sys.__stderr__ or sys.stderr)
        display = state.target.display if state.target else "?"
        state.progress.say(f"target {display}, seed {state.options.seed}")


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Run nothing when the target could not be opened (the error is the run's outcome);
    otherwise run the tests marked `leading` first, by round (`lead_round`) and in file order
    within a round, then the rest in file order, so that each kind of divergence shows within
    the first requests of a run; then plan the request budget over them."""
    state = _state(config)
    if state.error is not None:
        config.hook.pytest_deselected(items=list(items))
        items[:] = []
        return
    items.sort(key=lead_round)
    state.items = {item.nodeid: plan_item(item) for item in items}
    state.before_tests = len(state.ledger.exchanges)
    state.plan = plan_budget(
        state.items.values(),
        budget=state.policy.max_requests - state.before_tests,
        examples=state.options.examples,
        writes_allowed=state.policy.allow_writes,
    )
    if state.progress is not None:
        state.progress.start()


def _status(state: RunState) -> Status:
    """The progress line's snapshot: sent out of the plan (or the budget)."""
    sent = len(state.ledger.exchanges)
    total = state.policy.max_requests
    if state.plan is not None:
        total = min(total, state.before_tests + state.plan.planned)
    return Status(
        sent=sent, total=max(total, sent), layer=state.layer, failures=len(state.failures)
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    state = _state(item.config)
    planned = state.items.get(item.nodeid) or plan_item(item)
    state.ledger.context = Context(item.nodeid, planned.layer, planned.rule)
    state.layer = "leading probes" if planned.leading else planned.part
    if state.progress is not None:
        state.progress.layer(state.layer)
    state.allotment = state.plan.allotment(item.nodeid) if state.plan else Allotment(None)
    if not state.allotment.runs:
        pytest.skip(state.allotment.reason or REASON_BUDGET)
    if state.target is not None and state.target.guard.exhausted:
        pytest.skip(REASON_BUDGET)
    if state.target is not None and planned.sends == "open" and state.allotment.requests:
        state.target.guard.test_cap = len(state.ledger.exchanges) + state.allotment.requests
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    state = _state(item.config)
    try:
        return (yield)
    except BudgetExhaustedError:
        state.cut.add(item.nodeid)
        pytest.skip(REASON_BUDGET)
    except StopRunError as error:
        _stop(state, str(error))
        raise  # unreachable: pytest.exit raised
    finally:
        if state.target is not None:
            state.target.guard.test_cap = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    state = _state(item.config)
    if report.when == "call" or (report.when == "setup" and not report.passed):
        rule = state.ledger.context.rule if state.ledger.context.test == item.nodeid else "other"
        planned = state.items.get(item.nodeid)
        status, reason = outcome_of(
            report,
            planned,
            state.allotment,
            cut=item.nodeid in state.cut,
            sent=bool(state.ledger.of_test(item.nodeid)),
        )
        part = planned.part if planned else "other"
        state.outcomes[item.nodeid] = Outcome(item.nodeid, rule, status, part, reason)
        for exchange in state.ledger.of_test(item.nodeid):
            exchange.verdict = {"passed": "pass", "failed": "fail"}.get(report.outcome, "skipped")
        if report.failed:
            sent = state.ledger.of_test(item.nodeid)
            if sent and not any(e.failed for e in sent):
                sent[-1].failed = True
            error = call.excinfo.value if call.excinfo is not None else None
            generated = item.nodeid in state.generated_tests
            found = failures_of(
                item.nodeid,
                rule,
                planned.layer if planned else "other",
                error,
                state.ledger,
                state.token,
                generated=generated,
            )
            state.failures += found
            item.user_properties += [("failure_id", f.id) for f in found]  # JUnit <property>
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = _state(session.config)
    if state.progress is not None:
        state.progress.stop()
    stopped = "the run stopped at the first failure (--fail-fast)" if state.failures else None
    for nodeid, planned in state.items.items():
        if nodeid not in state.outcomes:
            reason = state.error or stopped or "the run stopped before it"
            state.outcomes[nodeid] = Outcome(nodeid, planned.rule, "not run", planned.part, reason)
    report = RunReport(
        target=state.target.display if state.target else (state.options.base_url or "in-process"),
        seed=state.options.seed,
        seconds=time.perf_counter() - state.started,
        ledger=state.ledger,
        outcomes=list(state.outcomes.values()),
        failures=state.failures,
        error=state.error,
        token=state.token,
        max_requests=state.policy.max_requests,
        planned=state.before_tests + state.plan.planned if state.plan else None,
        wanted=state.before_tests + state.plan.wanted if state.plan else None,
        observations=state.observations.as_json(state.ledger),
    )
    LAST_REPORT[:] = [report]
    if state.options.report is not None:
        state.options.report.write_text(report.dumps() + "\n", encoding="utf-8")
    if state.options.record is not None:
        _write_record(state, state.options.record)
    if state.target is not None:
        state.target.close()
    _forget_test_modules(session)
    if state.error is not None:
        session.exitstatus = 2
    elif state.failures and session.exitstatus == 0:
        session.exitstatus = 1


def _forget_test_modules(session: pytest.Session) -> None:
    """Drop the suite's test modules from sys.modules: they are built from the run's options at
    import, so a second run in the same process must import them afresh."""
    for item in session.items:
        module = getattr(item, "module", None)
        if module is not None:
            sys.modules.pop(module.__name__, None)


def _write_record(state: RunState, path: Any) -> None:
    lines = []
    for e in state.ledger.exchanges:
        line = {
            "index": e.index,
            "layer": e.context.layer,
            "rule": e.context.rule,
            "test": e.context.test,
            "method": e.method,
            "url": e.url,
            "status": e.status,
            "body": decode_body(e.body),
            "verdict": e.verdict,
            "showed_failure": e.failed,
        }
        lines.append(scrub(json.dumps(line, ensure_ascii=True), state.token))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if LAST_REPORT:
        terminalreporter.write_sep("=", "immoteur contract")
        terminalreporter.write_line(render_table(LAST_REPORT[0]))


# -- fixtures ---------------------------------------------------------------------------------


class Api:
    """What a contract test uses: the client, the current rule key, hypothesis settings, and
    `expect` which marks the request that showed a failure."""

    def __init__(self, state: RunState, target: Target) -> None:
        self._state = state
        self.target = target
        self.client = ContractClient(target)
        self.options = state.options
        self.policy = state.policy

    def rule(self, rule_id: str) -> None:
        """Count the following requests (and this test's verdict) under `rule_id`."""
        context = self._state.ledger.context
        self._state.ledger.context = Context(context.test, context.layer, rule_id)

    def observe(self, name: str, value: Any, note: str = "") -> None:
        """Record watched behaviour (observations.py): never a verdict."""
        self._state.observations.record(name, value, note)

    @property
    def writes_allowed(self) -> bool:
        return self.policy.allow_writes

    def expect(self, check: Callable[..., None], *args: Any) -> None:
        """Run an expectation; on failure mark the latest request as the one that showed it."""
        try:
            check(*args)
        except AssertionError:
            self._state.ledger.mark_failure()
            raise

    def hypothesis(self, test: F, examples: int | None = None) -> F:
        """`test` (a @given function) with the run's settings: seeded, no database, no
        deadline, at most the examples its share of the request budget allows; no shrinking
        against a remote target (it costs requests)."""
        self._state.generated_tests.add(self._state.ledger.context.test)
        phases = [Phase.explicit, Phase.generate]
        if not self.policy.remote:
            phases.append(Phase.shrink)
        allowed = self._state.allotment.requests
        wanted = examples or self.options.examples
        configured = settings(
            max_examples=wanted if allowed is None else max(1, min(wanted, allowed)),
            database=None,
            deadline=None,
            derandomize=False,
            phases=phases,
            print_blob=False,
            suppress_health_check=list(HealthCheck),
        )(test)
        return hypothesis_seed(self.options.seed)(configured)

    def skip_unless_writes(self) -> None:
        """For tests without the `writes` marker (which the plan leaves out by itself)."""
        if not self.writes_allowed:
            pytest.skip(REASON_WRITES)


@pytest.fixture(scope="session")
def contract_state(request: pytest.FixtureRequest) -> RunState:
    """The run's state (options, policy, target, ledger)."""
    return _state(request.config)


@pytest.fixture
def api(contract_state: RunState) -> Api:
    """The contract test's handle on the target."""
    if contract_state.target is None:
        pytest.skip("no target")
    return Api(contract_state, contract_state.target)

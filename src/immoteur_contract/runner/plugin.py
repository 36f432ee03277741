"""The pytest plugin of the contract suite: options, the shared target, the ledger, the
outcome of each test (transport faults and halts included), and the outputs (table, `--report`,
`--record`); the run's state and the fixtures are state.py's, registered here.

contract_tests/conftest.py loads it, so `pytest contract_tests ...` and `immoteur-contract run`
behave alike. Each test module names its layer in a module constant `LAYER` and what one of its
tests sends in `SENDS` (budget.Sends: "one", "examples" or "open"); a rule-layer test names its
rule with the marker `rule(rule_id)`, a test whose requests the target would accept carries the
marker `writes` (items.py reads them). Once the tests are collected, the request budget is
planned over them (budget.py), and a progress line follows the run (progress.py). The last
finished run's report is `LAST_REPORT` (read by the `run` command in the same process).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Generator
from typing import Any

import httpx
import pytest

from ..arguments import OutputPathError, prepare_outputs
from .budget import REASON_BUDGET, Allotment, plan_budget
from .client import ContractClient
from .curl import scrub
from .faults import RunDeadlineError, RunHaltedError, TransportFaultError
from .items import lead_round, outcome_of, plan_item
from .ledger import Context
from .network import DEFAULT_MAX_BODY, DEFAULT_REQUEST_TIMEOUT
from .options import REMOTE_MAX_TIME, Options, add_pytest_options
from .outputs import write_atomic, write_record
from .preflight import preflight
from .progress import Progress, Status
from .report import Outcome, RunReport, failures_of
from .safety import policy_for
from .scrubbing import short_token_warning
from .state import CURRENT, STATE, Api, RunState, api, contract_state, current_state
from .table import render_table
from .target import UsageError, open_target
from .transport import BudgetExhaustedError, StopRunError

__all__ = [
    "LAST_REPORT",
    "Api",
    "RunState",
    "api",
    "contract_state",
    "current_state",
    "pytest_addoption",
]

LAST_REPORT: list[RunReport] = []
"""The report of the last run in this process (one element at most)."""


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
    config.stash[STATE] = RunState(options=options, policy=policy)
    CURRENT[:] = [config.stash[STATE]]
    LAST_REPORT.clear()


def _state(config: pytest.Config) -> RunState:
    return config.stash[STATE]


def _stop(state: RunState, message: str) -> None:
    """Stop the run during a test: pytest.exit (no output of its own once the session runs)."""
    state.error = scrub(message, state.token)
    pytest.exit(state.error, returncode=2)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Open the target and run the preflight (preflight.py), which turns an unreachable target, a
    rejected token or a URL without the endpoint into one clear line before any test runs."""
    state = _state(session.config)
    options = state.options
    max_time = options.max_time or (REMOTE_MAX_TIME if state.policy.remote else None)
    try:
        state.target = open_target(
            base_url=options.base_url,
            app=options.app,
            policy=state.policy,
            ledger=state.ledger,
            request_timeout=options.request_timeout or DEFAULT_REQUEST_TIMEOUT,
            max_body=options.max_body or DEFAULT_MAX_BODY,
            run_deadline=None if max_time is None else time.monotonic() + max_time,
            cacert=options.cacert,
        )
        preflight(ContractClient(state.target))
        state.target.guard.preflight = False
    except RunHaltedError as error:
        _halt(state, error)
    except (UsageError, StopRunError) as error:
        state.error = scrub(str(error), state.token)
    except httpx.HTTPError as error:
        state.error = scrub(f"cannot talk to {state.options.base_url}: {error}", state.token)
    if state.error is not None:
        return  # nothing is collected (pytest_collection_modifyitems); sessionfinish says why
    warning = short_token_warning(state.token)
    if warning is not None:  # once per run, before the first test
        print(warning, file=sys.__stderr__ or sys.stderr, flush=True)
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
    if state.error is not None or state.halted is not None:
        if state.halted is not None:  # every test is left unrun, and said so
            state.items = {item.nodeid: plan_item(item) for item in items}
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


def _halt(state: RunState, error: RunHaltedError) -> None:
    """The run cannot go on (rate limited, a silent target, --max-time): the tests left are
    skipped, each said not run for this reason."""
    if state.halted is None:
        state.halted = scrub(str(error), state.token)
        state.halted_unverified = error.unverified
        if state.progress is not None:
            state.progress.say(f"stopping: {state.halted}")


def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """A real Ctrl-C (not pytest's own stop, nor pytest.exit) makes the run `interrupted`."""
    if excinfo.type is KeyboardInterrupt and CURRENT:
        CURRENT[0].interrupted = True


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
    if state.halted is not None:
        pytest.skip(state.halted)
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
    except TransportFaultError as fault:
        state.unverified[item.nodeid] = f"transport fault: {fault.kind}"
        pytest.skip(state.unverified[item.nodeid])
    except RunHaltedError as error:
        _halt(state, error)
        if isinstance(error, RunDeadlineError):
            state.cut.add(item.nodeid)
        else:
            state.unverified[item.nodeid] = state.halted or str(error)
        pytest.skip(state.halted or str(error))
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
        if item.nodeid in state.unverified and not report.failed:
            status, reason = "unverified", state.unverified[item.nodeid]
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
            reason = state.error or state.halted or stopped or "the run stopped before it"
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
        halted=state.halted,
        halted_unverified=state.halted_unverified,
        interrupted=state.interrupted,
    )
    LAST_REPORT[:] = [report]
    if state.options.report is not None:
        write_atomic(state.options.report, report.dumps() + "\n")
    if state.options.record is not None:
        write_record(state.options.record, state.ledger, report.scrubber)
    if state.target is not None:
        state.target.close()
    _forget_test_modules(session)
    code = report.final.code
    if code != 0:
        session.exitstatus = code


def _forget_test_modules(session: pytest.Session) -> None:
    """Drop the suite's test modules from sys.modules: they are built from the run's options at
    import, so a second run in the same process must import them afresh."""
    for item in session.items:
        module = getattr(item, "module", None)
        if module is not None:
            sys.modules.pop(module.__name__, None)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if LAST_REPORT:
        terminalreporter.write_sep("=", "immoteur contract")
        terminalreporter.write_line(render_table(LAST_REPORT[0]))

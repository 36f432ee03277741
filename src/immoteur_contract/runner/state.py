"""A contract run's state and what a contract test gets of it: `RunState` (options, policy,
target, ledger, outcomes), `current_state()`, the `Api` handle and the fixtures `contract_state`
and `api` (registered by the plugin, which imports them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as hypothesis_seed

from .budget import REASON_WRITES, Allotment, Plan, PlanItem
from .client import ContractClient
from .ledger import Context, Ledger
from .observations import Observations
from .options import Options
from .progress import Progress
from .report import Failure, Outcome
from .safety import Policy
from .target import Target

__all__ = ["CURRENT", "STATE", "Api", "RunState", "api", "contract_state", "current_state"]

F = TypeVar("F", bound=Callable[..., Any])


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
    unverified: dict[str, str] = field(default_factory=dict)
    """Tests a persistent transport fault stopped, and the fault."""
    halted: str | None = None
    halted_unverified: bool = False
    interrupted: bool = False

    @property
    def token(self) -> str:
        return self.target.token if self.target is not None else ""


STATE = pytest.StashKey[RunState]()
"""Where the run's state is kept in the pytest config."""
CURRENT: list[RunState] = []
"""The run in progress (one element at most)."""


def current_state() -> RunState:
    """The state of the run in progress, for test modules that need it at import time
    (schemathesis's parametrization is built when its module is imported)."""
    if not CURRENT:
        raise RuntimeError("no contract run in progress (load immoteur_contract.runner.plugin)")
    return CURRENT[0]


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
    return request.config.stash[STATE]


@pytest.fixture
def api(contract_state: RunState) -> Api:
    """The contract test's handle on the target."""
    if contract_state.target is None:
        pytest.skip("no target")
    return Api(contract_state, contract_state.target)

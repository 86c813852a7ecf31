"""The keeper's decisions from a node's answers, with a fake node: the contracts' refusals by
name (in any shape a node gives them), retries of transient failures with backoff, and one
unreadable answer failing its target without stopping the run."""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak

from revshare.chain.rpc import NodeError
from revshare.keeper.config import KeeperConfig
from revshare.keeper.run import FAILED, HELD, NOT_DUE, NOTHING, WOULD_DISBURSE, refusal, run_keeper

SPLITTER = "0x" + "5a" * 20


def error_data(signature: str, types: list[str], values: list) -> str:
    return "0x" + (keccak(text=signature)[:4] + encode(types, values)).hex()


TOO_SOON = error_data(
    "DisbursementTooSoon(address,uint256)", ["address", "uint256"], ["0x" + "00" * 20, 1_800_000_000]
)


def test_refusals_by_name_in_any_shape():
    assert refusal(TOO_SOON, "") == (NOT_DUE, "next at 2027-01-15 08:00 UTC")
    assert refusal(None, f"execution reverted: Reverted {TOO_SOON}") == (
        NOT_DUE,
        "next at 2027-01-15 08:00 UTC",
    )
    assert refusal(TOO_SOON[:20], "")[0] == NOT_DUE  # arguments cut short: still not due
    nothing = error_data("NothingToDisburse(address)", ["address"], ["0x" + "00" * 20])
    assert refusal(nothing, "")[0] == NOTHING
    assert refusal(error_data("DisbursementsPaused()", [], []), "")[0] == HELD
    assert refusal("0xzz", "weird") == (FAILED, "would revert: weird")
    assert refusal(error_data("VaultMisconfigured(address)", ["address"], [SPLITTER]), "")[0] == FAILED


class FakeNode:
    """Answers a splitter's checks; fails as told first."""

    def __init__(
        self, failures: list[Exception], call_result: str = "0x" + "00" * 31 + "05" + "00" * 31 + "07"
    ):
        self.failures = list(failures)
        self.call_result = call_result
        self.calls = 0

    def __call__(self, method: str, params: list):
        if method == "eth_getCode":
            return "0x6000"
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return self.call_result


def config(*names: str) -> KeeperConfig:
    return KeeperConfig.model_validate(
        {"networks": [{"name": n, "rpc": "http://127.0.0.1:1", "splitters": [SPLITTER]} for n in names]}
    )


def test_transient_failures_are_retried_with_backoff():
    node = FakeNode([NodeError("rate limited", transient=True), NodeError("timeout", transient=True)])
    waits: list[float] = []
    (outcome,) = run_keeper(config("a"), None, send=False, retries=3, log=lambda _: None,
                            request_for=lambda _: node, sleep=waits.append)  # fmt: skip
    assert outcome.status == WOULD_DISBURSE and "0.000000000000000012 ETH" in outcome.detail
    assert waits == [1.0, 2.0]


def test_retries_run_out_into_a_failure():
    node = FakeNode([NodeError("timeout", transient=True)] * 5)
    (outcome,) = run_keeper(config("a"), None, send=False, retries=2, log=lambda _: None,
                            request_for=lambda _: node, sleep=lambda _: None)  # fmt: skip
    assert outcome.status == FAILED and "timeout" in outcome.detail


def test_an_unreadable_answer_fails_its_target_not_the_run():
    nodes = {"a": FakeNode([], call_result="0xnothex"), "b": FakeNode([])}
    urls = iter(["a", "b"])
    outcomes = run_keeper(config("a", "b"), None, send=False, log=lambda _: None,
                          request_for=lambda _: nodes[next(urls)], sleep=lambda _: None)  # fmt: skip
    assert [o.status for o in outcomes] == [FAILED, WOULD_DISBURSE]
    assert outcomes[0].detail.startswith("unreadable answer")

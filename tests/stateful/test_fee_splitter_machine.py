"""Stateful property test of OP's FeeSplitter with the registry-driven calculator and its payees,
against a pure-Python model of every balance.

Hypothesis drives random sequences of: fees into the four vaults, disbursements (refused while
paused, inactive, or with nothing collected), terms changes scheduled with the registry's notice
(and cancelled), the chain's exit (and its cancellation), a treasury that
refuses ETH (and later accepts), treasury changes, claim holds, the Collective routed to L1
through the real message passer with a minimum (and back to L2), pauses, deactivations, and
anyone calling `forward()` on a payee. After every step: every vault, payee, recipient and the
message passer hold exactly what the model says (each disbursement under the terms the model's
terms history had in force when its period began), and nothing is created or lost. Each example
starts from the same snapshot and restores it.

The FeeSplitter and the 1.6.0 vaults are the project's test-only models; the ProxyAdmin and the
L2ToL1MessagePasser are the real bedrock contracts. The steps are sent as raw JSON-RPC
(`tests/stateful/direct_rpc.py`), expected reverts checked by `eth_call` at the step's time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from eth_utils import to_checksum_address
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from revshare.artifacts import container
from revshare.chain.addresses import L2_STANDARD_BRIDGE, L2_TO_L1_MESSAGE_PASSER
from revshare.demo.predeploys import (
    install_fee_splitter,
    install_fee_vaults,
    install_message_passer,
    install_model,
    install_proxy_admin,
)
from revshare.lifecycle import Refused, TermsHistory, settlement
from revshare.model import split
from tests.conftest import CHAIN_ID, ONE_DAY, TERMS_HASH
from tests.stateful.direct_rpc import Direct, JsonRpc

VAULTS = ("sequencer_fee_vault", "base_fee_vault", "operator_fee_vault", "l1_fee_vault")
MESSAGE_PASSER_ROUTE = 2
L1_COLLECTIVE = to_checksum_address("0x" + "11" * 20)
GOOD_TREASURIES = (to_checksum_address("0x" + "7a" * 20), to_checksum_address("0x" + "7b" * 20))
HOLD_PERIOD = 7 * ONE_DAY  # the registry's default claim hold
amounts = st.one_of(st.just(0), st.integers(1, 1_000), st.integers(0, 3 * 10**18))
bps = st.one_of(st.sampled_from([0, 1, 9_999, 10_000]), st.integers(0, 10_000))
minimums = st.one_of(st.sampled_from([0, 1, 10**17, 10**18]), st.integers(0, 2 * 10**18))


@dataclass
class Model:
    """What every balance must be."""

    now: int
    vaults: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VAULTS, 0))
    payees: list[int] = field(default_factory=lambda: [0, 0])  # Collective's, treasury's
    received: dict[str, int] = field(default_factory=dict)  # L2 recipients
    to_l1: int = 0
    history: TermsHistory = field(default_factory=lambda: TermsHistory([]))
    since: int = 0  # the start of the period the next disbursement settles
    treasury: str = ""
    treasury_refuses: bool = False  # the current treasury is the refusing contract, set to refuse
    l1_minimum: int | None = None  # None: the Collective is paid on L2
    paused: bool = False
    active: bool = True
    held_until: int = 0
    next_hold_at: int = 0
    last_disbursement: int = 0
    funded: int = 0


class FeeSplitterMachine(RuleBasedStateMachine):
    env: ClassVar[dict] = {}

    def __init__(self):
        super().__init__()
        e = self.env
        self.chain = e["chain"]
        self.rpc: JsonRpc = e["rpc"]
        self.snapshot = self.chain.snapshot()
        registry = e["registry"].contract
        self.model = Model(
            now=self.rpc.latest_timestamp() + 1,
            treasury=e["treasury"],
            last_disbursement=e["fee_splitter"].contract.lastDisbursementTime(),
            history=TermsHistory.joined(
                registry.termsHistory(CHAIN_ID)[0].effectiveAt,
                250,
                1_500,
                registry.noticePeriod(),
                TERMS_HASH,
            ),
            since=e["calculator"].periodStart(),
        )

    def teardown(self):
        self.chain.restore(self.snapshot)

    # ------------------------------------------------------------ helpers
    def _at_model_time(self) -> None:
        """The next transaction (and the expected reverts' calls) at the model's time."""
        self.model.now = self._later()
        self.rpc.set_next_timestamp(self.model.now)

    def _later(self) -> int:
        return max(self.model.now, self.rpc.latest_timestamp() + 1)

    def _forward(self, index: int) -> None:
        """The model of a payee passing its whole balance on (or keeping it)."""
        m, amount = self.model, self.model.payees[index]
        if amount == 0:
            return
        if index == 0:
            if m.l1_minimum is not None:
                if amount >= m.l1_minimum:
                    m.to_l1 += amount
                    m.payees[0] = 0
                return
            m.received[self.env["collective"]] = m.received.get(self.env["collective"], 0) + amount
            m.payees[0] = 0
            return
        if m.now < m.held_until or m.treasury_refuses:
            return
        m.received[m.treasury] = m.received.get(m.treasury, 0) + amount
        m.payees[1] = 0

    def _payee_can_forward(self, index: int) -> bool:
        m = self.model
        if m.payees[index] == 0:
            return False
        if index == 0:
            return m.l1_minimum is None or m.payees[0] >= m.l1_minimum
        return not (m.now < m.held_until or m.treasury_refuses)

    # ------------------------------------------------------------ rules
    @rule(role=st.sampled_from(VAULTS), amount=amounts)
    def fees(self, role, amount):
        if amount:
            self.rpc.transfer(self.env["keeper"], self.env["vaults"][role], amount)
            self.model.vaults[role] += amount
            self.model.funded += amount

    @rule(seconds=st.sampled_from([1, 3_600, ONE_DAY, 3 * ONE_DAY, HOLD_PERIOD]))
    def time_passes(self, seconds):
        self.model.now += seconds

    @rule()
    def disburse(self):
        m, e = self.model, self.env
        m.now = max(m.now, m.last_disbursement + ONE_DAY)
        self._at_model_time()
        gross = sum(m.vaults.values())
        exited = settlement(m.history, m.since, m.now).exited  # beyond a pause or deactivation
        if ((m.paused or not m.active) and not exited) or gross == 0:
            error = (
                "RegistrySharesCalculator_Paused"
                if m.paused and gross and not exited
                else "RegistrySharesCalculator_ChainInactive"
                if gross
                else "FeeSplitter_NoFeesCollected"
            )
            e["fee_splitter"].expect_revert(error, "disburseFees", sender=e["keeper"], at_time=m.now)
            return
        e["fee_splitter"].transact("disburseFees", sender=e["keeper"])
        terms = settlement(m.history, m.since, m.now)
        shares = split(gross, m.vaults["l1_fee_vault"], terms.gross_bps, terms.net_bps)
        m.vaults = dict.fromkeys(VAULTS, 0)
        m.last_disbursement = m.since = m.now
        m.payees[0] += shares.collective
        m.payees[1] += shares.chain
        self._forward(0)
        self._forward(1)

    @rule(role=st.sampled_from(VAULTS), amount=amounts, l1_fees=amounts)
    def fees_then_disburse(self, role, amount, l1_fees):
        """Fees in, the L1 fee vault's too (so the net rule can bind), then a disbursement: with
        hypothesis switching rules off at random, many runs would otherwise disburse only empty
        vaults."""
        self.fees(role, amount)
        self.fees("l1_fee_vault", l1_fees)
        self.disburse()

    def _schedule(self, method: str, args: tuple, model_call) -> None:
        """A registry change the model may refuse: then the registry must refuse it too."""
        self._at_model_time()
        registry, owner = self.env["registry"], self.env["owner"]
        try:
            model_call(self.model.now)
        except Refused as refused:
            registry.expect_revert(refused.error, method, *args, sender=owner, at_time=self.model.now)
            return
        registry.transact(method, *args, sender=owner)

    @rule(gross_bps=bps, net_bps=bps, delay=st.sampled_from([0, 1, ONE_DAY, 3 * ONE_DAY]))
    def schedule_terms(self, gross_bps, net_bps, delay):
        m = self.model
        at = 0 if delay == 0 else self._later() + m.history.notice_period + delay
        self._schedule(
            "scheduleTerms",
            (CHAIN_ID, gross_bps, net_bps, TERMS_HASH, at),
            lambda now: m.history.schedule(now, gross_bps, net_bps, at, terms_hash=TERMS_HASH),
        )

    @rule(delay=st.sampled_from([0, ONE_DAY]))
    def announce_exit(self, delay):
        m = self.model
        at = 0 if delay == 0 else self._later() + m.history.notice_period + delay
        self._schedule(
            "announceExit", (CHAIN_ID, at), lambda now: m.history.schedule(now, 0, 0, at, exit=True)
        )

    @rule(exit=st.booleans())
    def cancel(self, exit):
        m = self.model
        method = "cancelExit" if exit else "cancelScheduledTerms"
        self._schedule(method, (CHAIN_ID,), lambda now: m.history.cancel(now, exit=exit))

    @rule(which=st.sampled_from(["refusing", *GOOD_TREASURIES]))
    def change_treasury(self, which):
        m, e = self.model, self.env
        address = e["refusing"].address if which == "refusing" else which
        if address == m.treasury:
            return
        self._at_model_time()
        e["registry"].transact("setTreasury", CHAIN_ID, address, sender=e["owner"])
        m.treasury = address
        m.treasury_refuses = which == "refusing" and e["refusing"].call("rejecting", sender=e["owner"])

    @rule(refuse=st.booleans())
    def treasury_contract_refuses(self, refuse):
        e = self.env
        e["refusing"].transact("setRejecting", refuse, sender=e["owner"])
        self.model.treasury_refuses = refuse and self.model.treasury == e["refusing"].address

    @precondition(lambda self: self.model.now >= self.model.next_hold_at)
    @rule()
    def hold_claims(self):
        m = self.model
        self._at_model_time()
        self.env["registry"].transact("holdClaims", CHAIN_ID, sender=self.env["guardian"])
        m.held_until = m.now + HOLD_PERIOD
        m.next_hold_at = m.held_until + HOLD_PERIOD

    @rule(minimum=st.one_of(st.none(), minimums))
    def route_the_collective(self, minimum):
        m, e = self.model, self.env
        if minimum == m.l1_minimum:
            return
        destination = (
            (0, "0x" + "00" * 20, 0, 0)
            if minimum is None
            else (MESSAGE_PASSER_ROUTE, L1_COLLECTIVE, 100_000, minimum)
        )
        self._at_model_time()
        e["registry"].transact("setDestination", e["collective"], destination, sender=e["owner"])
        m.l1_minimum = minimum

    @rule(paused=st.booleans())
    def pause(self, paused):
        m, e = self.model, self.env
        if paused == m.paused:
            return
        self._at_model_time()
        e["registry"].transact("pause" if paused else "unpause", sender=e["owner"])
        m.paused = paused

    @rule(active=st.booleans())
    def set_active(self, active):
        self._at_model_time()
        self.env["registry"].transact("setActive", CHAIN_ID, active, sender=self.env["owner"])
        self.model.active = active

    @rule(index=st.sampled_from([0, 1]))
    def anyone_forwards(self, index):
        m, e = self.model, self.env
        self._at_model_time()
        payee = e["payees"][index]
        if self._payee_can_forward(index):
            payee.transact("forward", sender=e["stranger"])
            self._forward(index)
        else:
            error = "SharePayee_NothingToForward" if m.payees[index] == 0 else "SharePayee_Deferred"
            payee.expect_revert(error, "forward", sender=e["stranger"], at_time=m.now)

    # ------------------------------------------------------------ invariants
    @invariant()
    def balances_match_the_model(self):
        m, e = self.model, self.env
        balance = self.rpc.balance
        assert {r: balance(str(e["vaults"][r].address)) for r in VAULTS} == m.vaults
        assert [balance(str(p.address)) for p in e["payees"]] == m.payees
        for account in {e["collective"], e["refusing"].address, *GOOD_TREASURIES, e["treasury"]}:
            assert balance(account) == m.received.get(account, 0), account
        assert balance(L2_TO_L1_MESSAGE_PASSER) == m.to_l1

    @invariant()
    def nothing_is_created_or_lost(self):
        m = self.model
        held = sum(m.vaults.values()) + sum(m.payees) + sum(m.received.values()) + m.to_l1
        assert held == m.funded


def test_fee_splitter_with_the_registry_calculator_keeps_every_wei(
    chain, project, owner, keeper, stranger, guardian, registry, collective, treasury, accounts
):
    admin = accounts[5]
    install_proxy_admin(admin.address)
    install_message_passer()
    install_model("MockL2StandardBridge", L2_STANDARD_BRIDGE)
    calculator = owner.deploy(project.RegistrySharesCalculator, registry, CHAIN_ID)
    fee_splitter = install_fee_splitter(owner, calculator)
    vaults = install_fee_vaults(owner, fee_splitter.address)
    payee = container("SharePayee")
    registry.setNoticePeriod(ONE_DAY, sender=owner)  # changes take effect within a few steps
    rpc = JsonRpc(chain.provider.web3.provider.endpoint_uri)
    Direct(rpc, calculator)  # its errors, which a disbursement passes on
    payees = [payee.at(calculator.COLLECTIVE_PAYEE()), payee.at(calculator.TREASURY_PAYEE())]
    FeeSplitterMachine.env = {
        "chain": chain,
        "rpc": rpc,
        "owner": owner,
        "keeper": keeper,
        "stranger": stranger,
        "guardian": guardian,
        "registry": Direct(rpc, registry),
        "calculator": calculator,
        "fee_splitter": Direct(rpc, fee_splitter),
        "vaults": vaults,
        "payees": [Direct(rpc, p) for p in payees],
        "refusing": Direct(rpc, owner.deploy(project.RevertingRecipient)),
        "collective": collective,
        "treasury": treasury,
    }
    chain.provider.set_balance(keeper.address, 10**30)
    run_state_machine_as_test(
        FeeSplitterMachine,
        settings=settings(
            settings.default, max_examples=settings.default.max_examples, stateful_step_count=25
        ),
    )

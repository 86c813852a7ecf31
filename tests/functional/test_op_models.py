"""The test-only models of OP Stack contracts (contracts/test/optimism/) behave as the real ones:
the 1.6.0 fee vault, the FeeSplitter predeploy, the Superchain shares calculator and Base's
FeeDisburser. They run at their predeploy addresses next to the real bedrock ProxyAdmin (its owner
configures them) and the real L2ToL1MessagePasser; the bridge at 0x4200…0010 is the project's mock.

Events are decoded here from the raw logs by their exact signature (the vault's two `Withdrawal`
events share a name), so a changed event ABI fails these tests.
"""

from __future__ import annotations

from typing import Any

import ape
import pytest
from eth_abi import decode
from eth_utils import is_address, keccak, to_checksum_address
from hexbytes import HexBytes
from hypothesis import given
from hypothesis import strategies as st

from revshare.artifacts import container
from revshare.chain.addresses import FEE_SPLITTER, L2_STANDARD_BRIDGE, PREDEPLOY_VAULTS, PROXY_ADMIN
from revshare.demo.predeploys import (
    L1,
    L2,
    install_fee_splitter,
    install_fee_vaults,
    install_message_passer,
    install_model,
    install_proxy_admin,
)
from tests.bedrock import withdrawal_hash
from tests.conftest import ONE_DAY

ETHER = 10**18
MAX_INTERVAL = 365 * ONE_DAY
VAULT_MIN_GAS = 400_000  # L1 gas limit of a vault's withdrawal to L1
DISBURSER_MIN_GAS = 35_000  # L1 gas limit of the FeeDisburser's bridge withdrawal
PAYEE = to_checksum_address("0x" + "5a" * 20)  # a fresh L2 account: its balance is what it was paid
L1_ACCOUNT = to_checksum_address("0x" + "11" * 20)
# Addresses with no code, for a fresh install (one per model: ape remembers a contract per address).
FRESH_VAULT = to_checksum_address("0x" + "0f3e" * 10)
FRESH_SPLITTER = to_checksum_address("0x" + "0f5b" * 10)
MESSAGE_PASSED = (
    "MessagePassed(uint256 indexed,address indexed,address indexed,uint256,uint256,bytes,bytes32)"
)
FEES_DISBURSED = "FeesDisbursed((address,uint256)[],uint256)"
DISBURSE_FEES_CALL = keccak(text="disburseFees()")[:4]
# The order the FeeSplitter withdraws the vaults in (upstream: sequencer, base, L1, operator).
SPLITTER_ORDER = ("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault", "operator_fee_vault")
FEE_VAULT_MESSAGE = "FeeVault: withdrawal amount must be greater than minimum withdrawal amount"
FEE_VAULT_SEND_FAILED = "FeeVault: failed to send ETH to L2 fee recipient"


# ---------------------------------------------------------------- helpers
def _top_level(params: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in params:
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        depth += (char == "(") - (char == ")")
        current += char
    return [*parts, current.strip()] if current.strip() else parts


def _normal(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return tuple(_normal(v) for v in value)
    if isinstance(value, str) and is_address(value):
        return to_checksum_address(value)
    return value


def events(receipt: Any, emitter: Any, signature: str) -> list[tuple]:
    """The arguments, in declaration order, of every log `emitter` wrote in `receipt` for the event
    `signature` (e.g. "FeesReceived(address indexed,uint256,uint256)"); addresses checksummed."""
    address = str(getattr(emitter, "address", emitter)).lower()
    name, params = signature[:-1].split("(", 1)
    fields = [(p.removesuffix(" indexed"), p.endswith(" indexed")) for p in _top_level(params)]
    topic0 = keccak(text=f"{name}({','.join(kind for kind, _ in fields)})")
    found = []
    for log in receipt.logs:
        topics = [HexBytes(t) for t in log["topics"]]
        if str(log["address"]).lower() != address or not topics or topics[0] != topic0:
            continue
        data = iter(decode([kind for kind, indexed in fields if not indexed], HexBytes(log["data"])))
        indexed_topics = iter(topics[1:])
        values = [
            decode([kind], next(indexed_topics))[0] if indexed else next(data) for kind, indexed in fields
        ]
        found.append(_normal(values))
    return found


def superchain_share(seq: int, base: int, operator: int, l1: int) -> int:
    """max(2.5% of gross, 15% of net), each floored; net = gross - L1 fees."""
    gross = seq + base + operator + l1
    return max(gross * 250 // 10_000, (gross - l1) * 1_500 // 10_000)


def balance(chain, account: Any) -> int:
    return chain.provider.get_balance(str(getattr(account, "address", account)))


def block_time(chain, receipt) -> int:
    return chain.blocks[receipt.block_number].timestamp


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def admin(accounts):
    """The ProxyAdmin predeploy's owner: the only account that may reconfigure the models."""
    return accounts[5]


@pytest.fixture(scope="module")
def proxy_admin(admin):
    return install_proxy_admin(admin.address)


@pytest.fixture(scope="module")
def passer(proxy_admin):
    return install_message_passer()


@pytest.fixture(scope="module")
def bridge(passer):
    return install_model("MockL2StandardBridge", L2_STANDARD_BRIDGE)


@pytest.fixture(scope="module")
def calculator(owner, collective, treasury, bridge):
    return owner.deploy(container("SuperchainSharesCalculatorModel"), collective, treasury)


@pytest.fixture(scope="module")
def splitter(owner, calculator):
    return install_fee_splitter(owner, calculator)


@pytest.fixture(scope="module")
def vaults(owner, splitter):
    """The four vaults, paying the FeeSplitter on L2 from a minimum of 0 (as the upgrade sets them)."""
    return install_fee_vaults(owner, splitter.address)


@pytest.fixture(scope="module")
def disburser(owner, collective, vaults):
    return owner.deploy(container("FeeDisburserModel"), collective, L1_ACCOUNT, ONE_DAY)


@pytest.fixture(scope="module", autouse=True)
def _module_contracts(proxy_admin, passer, bridge, calculator, splitter, vaults, disburser):
    """Install and deploy everything before ape takes its first per-test snapshot."""


def fund(keeper, vaults, amounts: dict[str, int]) -> None:
    for role, amount in amounts.items():
        if amount:
            keeper.transfer(vaults[role], amount)


# ---------------------------------------------------------------- FeeVault 1.6.0
def test_vault_initializes_once_and_both_getter_names_answer_the_stored_values(
    chain, keeper, stranger, vaults
):
    vault = install_model("FeeVaultModel", FRESH_VAULT)
    assert (vault.recipient(), vault.minWithdrawalAmount(), vault.withdrawalNetwork()) == (
        ape.utils.ZERO_ADDRESS,
        0,
        L1,
    )
    receipt = vault.initialize(stranger, 7 * ETHER, L2, sender=keeper)  # anyone may initialize
    assert events(receipt, vault, "Initialized(uint64)") == [(1,)]
    assert vault.recipient() == vault.RECIPIENT() == stranger.address
    assert vault.minWithdrawalAmount() == vault.MIN_WITHDRAWAL_AMOUNT() == 7 * ETHER
    assert vault.withdrawalNetwork() == vault.WITHDRAWAL_NETWORK() == L2
    assert (vault.totalProcessed(), vault.version()) == (0, "1.6.0")
    for initialized in (vault, vaults["operator_fee_vault"]):
        with ape.reverts(initialized.InvalidInitialization):
            initialized.initialize(keeper, 0, L1, sender=keeper)
    assert vault.recipient() == stranger.address


def test_vault_setters_answer_only_the_proxy_admin_owner_and_emit(
    owner, stranger, admin, proxy_admin, vaults
):
    assert (proxy_admin.address, proxy_admin.owner()) == (PROXY_ADMIN, admin.address)
    vault = vaults["base_fee_vault"]
    for caller in (owner, stranger):
        for setter, value in (
            (vault.setRecipient, PAYEE),
            (vault.setMinWithdrawalAmount, 1),
            (vault.setWithdrawalNetwork, L1),
        ):
            with ape.reverts(vault.FeeVault_OnlyProxyAdminOwner):
                setter(value, sender=caller)

    receipt = vault.setRecipient(PAYEE, sender=admin)
    assert events(receipt, vault, "RecipientUpdated(address,address)") == [(FEE_SPLITTER, PAYEE)]
    receipt = vault.setMinWithdrawalAmount(3 * ETHER, sender=admin)
    assert events(receipt, vault, "MinWithdrawalAmountUpdated(uint256,uint256)") == [(0, 3 * ETHER)]
    receipt = vault.setWithdrawalNetwork(L1, sender=admin)
    assert events(receipt, vault, "WithdrawalNetworkUpdated(uint8,uint8)") == [(L2, L1)]
    assert vault.recipient() == vault.RECIPIENT() == PAYEE
    assert vault.minWithdrawalAmount() == vault.MIN_WITHDRAWAL_AMOUNT() == 3 * ETHER
    assert vault.withdrawalNetwork() == vault.WITHDRAWAL_NETWORK() == L1

    # The vault asks the ProxyAdmin for its owner on every call: a new owner takes over at once.
    proxy_admin.transferOwnership(stranger, sender=admin)
    with ape.reverts(vault.FeeVault_OnlyProxyAdminOwner):
        vault.setRecipient(admin, sender=admin)
    receipt = vault.setRecipient(stranger, sender=stranger)
    assert events(receipt, vault, "RecipientUpdated(address,address)") == [(PAYEE, stranger.address)]


def test_vault_withdraw_below_the_minimum_reverts(admin, keeper, vaults):
    vault = vaults["sequencer_fee_vault"]
    vault.setRecipient(PAYEE, sender=admin)
    vault.setMinWithdrawalAmount(ETHER, sender=admin)
    keeper.transfer(vault, ETHER - 1)
    with ape.reverts(FEE_VAULT_MESSAGE):
        vault.withdraw(sender=keeper)
    keeper.transfer(vault, 1)  # exactly the minimum is enough
    assert vault.withdraw.call(sender=keeper) == ETHER
    vault.withdraw(sender=keeper)
    assert vault.totalProcessed() == ETHER


def test_vault_l2_withdrawal_pays_the_recipient_returns_the_amount_and_emits_both_events(
    chain, admin, keeper, vaults
):
    vault = vaults["l1_fee_vault"]
    vault.setRecipient(PAYEE, sender=admin)
    amount = 1_234_567_890_123
    keeper.transfer(vault, amount)
    assert vault.withdraw.call(sender=keeper) == amount
    receipt = vault.withdraw(sender=keeper)
    assert receipt.return_value == amount
    assert (balance(chain, PAYEE), balance(chain, vault), vault.totalProcessed()) == (amount, 0, amount)
    assert events(receipt, vault, "Withdrawal(uint256,address,address)") == [(amount, PAYEE, keeper.address)]
    assert events(receipt, vault, "Withdrawal(uint256,address,address,uint8)") == [
        (amount, PAYEE, keeper.address, L2)
    ]
    # An empty vault with a minimum of 0 withdraws 0.
    receipt = vault.withdraw(sender=keeper)
    assert events(receipt, vault, "Withdrawal(uint256,address,address)") == [(0, PAYEE, keeper.address)]
    assert vault.totalProcessed() == amount


def test_vault_l1_withdrawal_goes_through_the_real_message_passer(chain, admin, keeper, vaults, passer):
    vault = vaults["operator_fee_vault"]
    vault.setWithdrawalNetwork(L1, sender=admin)
    vault.setRecipient(L1_ACCOUNT, sender=admin)
    amount = 2 * ETHER + 3
    keeper.transfer(vault, amount)
    nonce = passer.messageNonce()
    assert nonce == 1 << 240  # version 1, first message
    receipt = vault.withdraw(sender=keeper)

    expected_hash = withdrawal_hash(nonce, vault.address, L1_ACCOUNT, amount, VAULT_MIN_GAS, b"")
    assert events(receipt, passer, MESSAGE_PASSED) == [
        (nonce, vault.address, L1_ACCOUNT, amount, VAULT_MIN_GAS, b"", expected_hash)
    ]
    assert passer.sentMessages(expected_hash) is True
    assert passer.messageNonce() == nonce + 1
    assert (balance(chain, passer), balance(chain, vault), vault.totalProcessed()) == (amount, 0, amount)
    assert events(receipt, vault, "Withdrawal(uint256,address,address,uint8)") == [
        (amount, L1_ACCOUNT, keeper.address, L1)
    ]


def test_vault_l2_withdrawal_to_a_refusing_recipient_reverts(chain, project, owner, admin, keeper, vaults):
    vault = vaults["base_fee_vault"]
    keeper.transfer(vault, 5 * ETHER)
    # Pointed at the FeeSplitter, the vault cannot be withdrawn outside a disbursement: the
    # splitter accepts ETH only from the vault it is withdrawing.
    with ape.reverts(FEE_VAULT_SEND_FAILED):
        vault.withdraw(sender=keeper)
    refusing = owner.deploy(project.RevertingRecipient)
    vault.setRecipient(refusing, sender=admin)
    with ape.reverts(FEE_VAULT_SEND_FAILED):
        vault.withdraw(sender=keeper)
    assert (balance(chain, vault), vault.totalProcessed()) == (5 * ETHER, 0)


# ---------------------------------------------------------------- FeeSplitter
def test_splitter_initializes_once_and_starts_its_first_interval(chain, keeper, calculator, splitter):
    fresh = install_model("FeeSplitterModel", FRESH_SPLITTER)
    receipt = fresh.initialize(calculator, sender=keeper)
    assert events(receipt, fresh, "Initialized(uint8)") == [(1,)]
    assert fresh.sharesCalculator() == calculator.address
    assert fresh.feeDisbursementInterval() == ONE_DAY
    assert fresh.lastDisbursementTime() == block_time(chain, receipt)
    assert (fresh.MAX_DISBURSEMENT_INTERVAL(), fresh.version()) == (MAX_INTERVAL, "1.0.0")
    for initialized in (fresh, splitter):
        with ape.reverts("Initializable: contract is already initialized"):
            initialized.initialize(keeper, sender=keeper)
    with ape.reverts(splitter.FeeSplitter_DisbursementIntervalNotReached):
        splitter.disburseFees(sender=keeper)  # one day after initialize at the earliest


@pytest.mark.parametrize(
    "revenue",
    [
        # net-dominated: 15% of 4.5 ETH beats 2.5% of 6.5 ETH
        {
            "sequencer_fee_vault": 3 * ETHER,
            "base_fee_vault": ETHER,
            "operator_fee_vault": ETHER // 2,
            "l1_fee_vault": 2 * ETHER,
        },
        # L1-dominated: 2.5% of gross beats 15% of the small net
        {
            "sequencer_fee_vault": ETHER // 10,
            "base_fee_vault": 0,
            "operator_fee_vault": 0,
            "l1_fee_vault": 10 * ETHER,
        },
        # odd amounts: both shares floor
        {
            "sequencer_fee_vault": 123_456_789_012_345_679,
            "base_fee_vault": 987_654_321,
            "operator_fee_vault": 55_555,
            "l1_fee_vault": 3_333_333_333_333_333_333,
        },
    ],
    ids=["net-dominated", "l1-dominated", "odd-amounts"],
)
def test_splitter_withdraws_all_four_vaults_and_pays_the_superchain_split(
    chain, keeper, collective, treasury, vaults, splitter, revenue
):
    fund(keeper, vaults, revenue)
    before = {a: balance(chain, a) for a in (collective, treasury)}
    chain.pending_timestamp += ONE_DAY
    receipt = splitter.disburseFees(sender=keeper)

    seq, base, operator, l1 = (
        revenue[r] for r in ("sequencer_fee_vault", "base_fee_vault", "operator_fee_vault", "l1_fee_vault")
    )
    gross = seq + base + operator + l1
    share = superchain_share(seq, base, operator, l1)
    assert balance(chain, collective) - before[collective] == share
    assert balance(chain, treasury) - before[treasury] == gross - share
    assert balance(chain, splitter) == 0
    assert all(balance(chain, vaults[role]) == 0 for role in vaults)
    assert [vaults[role].totalProcessed() for role in SPLITTER_ORDER] == [
        revenue[role] for role in SPLITTER_ORDER
    ]

    received, running = [], 0
    for role in SPLITTER_ORDER:
        running += revenue[role]
        received.append((PREDEPLOY_VAULTS[role], revenue[role], running))
    assert events(receipt, splitter, "FeesReceived(address indexed,uint256,uint256)") == received
    assert events(receipt, splitter, FEES_DISBURSED) == [
        (((collective, share), (treasury, gross - share)), gross)
    ]
    for role in SPLITTER_ORDER:  # the splitter triggered every withdrawal
        assert events(receipt, vaults[role], "Withdrawal(uint256,address,address,uint8)") == [
            (revenue[role], splitter.address, splitter.address, L2)
        ]
    assert splitter.lastDisbursementTime() == block_time(chain, receipt)


def test_splitter_runs_at_most_once_per_interval(chain, keeper, vaults, splitter):
    fund(keeper, vaults, {"sequencer_fee_vault": ETHER})
    chain.pending_timestamp += ONE_DAY
    first = splitter.disburseFees(sender=keeper)
    last = block_time(chain, first)
    assert splitter.lastDisbursementTime() == last
    with ape.reverts(splitter.FeeSplitter_DisbursementIntervalNotReached):
        splitter.disburseFees(sender=keeper)
    chain.pending_timestamp = last + ONE_DAY - 1
    with ape.reverts(splitter.FeeSplitter_DisbursementIntervalNotReached):
        splitter.disburseFees(sender=keeper)
    chain.pending_timestamp = last + ONE_DAY  # the interval has passed; nothing to pay though
    with ape.reverts(splitter.FeeSplitter_NoFeesCollected):
        splitter.disburseFees(sender=keeper)


@pytest.mark.parametrize("role", SPLITTER_ORDER)
def test_splitter_refuses_a_vault_paying_elsewhere(chain, admin, keeper, vaults, splitter, role):
    fund(keeper, vaults, {"sequencer_fee_vault": ETHER})
    chain.pending_timestamp += ONE_DAY
    vault = vaults[role]
    vault.setWithdrawalNetwork(L1, sender=admin)
    with ape.reverts(splitter.FeeSplitter_FeeVaultMustWithdrawToL2):
        splitter.disburseFees(sender=keeper)
    vault.setWithdrawalNetwork(L2, sender=admin)
    vault.setRecipient(PAYEE, sender=admin)
    with ape.reverts(splitter.FeeSplitter_FeeVaultMustWithdrawToFeeSplitter):
        splitter.disburseFees(sender=keeper)
    vault.setRecipient(splitter, sender=admin)
    splitter.disburseFees(sender=keeper)
    assert balance(chain, vaults["sequencer_fee_vault"]) == 0


def test_a_vault_below_its_minimum_reverts_the_whole_disbursement(chain, admin, keeper, vaults, splitter):
    fund(keeper, vaults, {"sequencer_fee_vault": ETHER, "l1_fee_vault": ETHER // 2})
    vaults["l1_fee_vault"].setMinWithdrawalAmount(ETHER, sender=admin)
    last = splitter.lastDisbursementTime()
    chain.pending_timestamp += ONE_DAY
    with ape.reverts(FEE_VAULT_MESSAGE):
        splitter.disburseFees(sender=keeper)
    assert (balance(chain, vaults["sequencer_fee_vault"]), balance(chain, vaults["l1_fee_vault"])) == (
        ETHER,
        ETHER // 2,
    )
    assert splitter.lastDisbursementTime() == last


def test_a_refusing_recipient_reverts_the_whole_disbursement(
    chain, project, owner, admin, keeper, vaults, splitter, calculator
):
    refusing = owner.deploy(project.RevertingRecipient)
    calculator.setShareRecipient(refusing, sender=admin)
    fund(keeper, vaults, {"base_fee_vault": 4 * ETHER})
    chain.pending_timestamp += ONE_DAY
    with ape.reverts(splitter.FeeSplitter_FailedToSendToRevenueShareRecipient):
        splitter.disburseFees(sender=keeper)
    assert balance(chain, vaults["base_fee_vault"]) == 4 * ETHER
    refusing.setRejecting(False, sender=owner)
    splitter.disburseFees(sender=keeper)
    assert balance(chain, refusing) == superchain_share(0, 4 * ETHER, 0, 0)


def test_a_recipient_cannot_reenter_the_disbursement(
    chain, project, owner, admin, keeper, vaults, splitter, calculator
):
    reentering = owner.deploy(project.ReenteringRecipient)
    payload = DISBURSE_FEES_CALL
    calculator.setRemainderRecipient(reentering, sender=admin)
    fund(keeper, vaults, {"sequencer_fee_vault": ETHER})
    chain.pending_timestamp += ONE_DAY

    reentering.arm(splitter, payload, False, sender=owner)  # the re-entry's failure fails the payment
    with ape.reverts(splitter.FeeSplitter_FailedToSendToRevenueShareRecipient):
        splitter.disburseFees(sender=keeper)
    reentering.arm(splitter, payload, True, sender=owner)  # the payment is accepted, the re-entry refused
    receipt = splitter.disburseFees(sender=keeper)
    assert (reentering.attempts(), reentering.successes()) == (1, 0)
    assert len(events(receipt, splitter, FEES_DISBURSED)) == 1
    assert balance(chain, reentering) == ETHER - superchain_share(ETHER, 0, 0, 0)


def test_splitter_accepts_eth_only_from_the_vault_being_withdrawn(keeper, stranger, splitter):
    for sender in (keeper, stranger):
        with ape.reverts(splitter.FeeSplitter_SenderNotCurrentVault):
            sender.transfer(splitter, 1)


def test_splitter_checks_the_calculators_answer(
    chain, project, owner, admin, keeper, collective, treasury, vaults, splitter, calculator
):
    scripted = owner.deploy(project.ScriptedSharesCalculator)
    receipt = splitter.setSharesCalculator(scripted, sender=admin)
    assert events(receipt, splitter, "SharesCalculatorUpdated(address,address)") == [
        (calculator.address, scripted.address)
    ]
    chain.pending_timestamp += ONE_DAY
    with ape.reverts(splitter.FeeSplitter_NoFeesCollected):  # nothing in the vaults
        splitter.disburseFees(sender=keeper)

    gross = 3 * ETHER
    fund(keeper, vaults, {"operator_fee_vault": gross})
    for script, error in (
        ([], splitter.FeeSplitter_FeeShareInfoEmpty),
        ([(collective, gross - 1)], splitter.FeeSplitter_SharesCalculatorMalformedOutput),
        ([(collective, gross), (treasury, 1)], splitter.FeeSplitter_FailedToSendToRevenueShareRecipient),
    ):
        scripted.script(script, sender=owner)
        with ape.reverts(error):
            splitter.disburseFees(sender=keeper)
    scripted.script([(collective, gross), (treasury, 0)], sender=owner)  # a 0 share is skipped
    before = balance(chain, collective)
    receipt = splitter.disburseFees(sender=keeper)
    assert balance(chain, collective) - before == gross
    assert events(receipt, splitter, FEES_DISBURSED) == [(((collective, gross), (treasury, 0)), gross)]


def test_splitter_setters_answer_only_the_proxy_admin_owner_within_bounds(
    chain, owner, stranger, admin, keeper, vaults, splitter, calculator
):
    for caller in (owner, stranger):
        with ape.reverts(splitter.FeeSplitter_OnlyProxyAdminOwner):
            splitter.setSharesCalculator(stranger, sender=caller)
        with ape.reverts(splitter.FeeSplitter_OnlyProxyAdminOwner):
            splitter.setFeeDisbursementInterval(ONE_DAY, sender=caller)
    with ape.reverts(splitter.FeeSplitter_SharesCalculatorCannotBeZero):
        splitter.setSharesCalculator(ape.utils.ZERO_ADDRESS, sender=admin)
    with ape.reverts(splitter.FeeSplitter_FeeDisbursementIntervalCannotBeZero):
        splitter.setFeeDisbursementInterval(0, sender=admin)
    with ape.reverts(splitter.FeeSplitter_ExceedsMaxFeeDisbursementTime):
        splitter.setFeeDisbursementInterval(MAX_INTERVAL + 1, sender=admin)
    receipt = splitter.setFeeDisbursementInterval(MAX_INTERVAL, sender=admin)
    assert events(receipt, splitter, "FeeDisbursementIntervalUpdated(uint128,uint128)") == [
        (ONE_DAY, MAX_INTERVAL)
    ]
    assert (splitter.feeDisbursementInterval(), splitter.sharesCalculator()) == (
        MAX_INTERVAL,
        calculator.address,
    )

    fund(keeper, vaults, {"sequencer_fee_vault": ETHER})
    chain.pending_timestamp += ONE_DAY  # a day is no longer enough
    with ape.reverts(splitter.FeeSplitter_DisbursementIntervalNotReached):
        splitter.disburseFees(sender=keeper)


# ---------------------------------------------------------------- Superchain shares calculator
@pytest.mark.parametrize(
    "revenue",
    [
        (40, 0, 0, 0),  # the smallest gross whose 2.5% is not 0
        (3 * ETHER, ETHER, ETHER // 2, 2 * ETHER),
        (0, 0, 0, 10 * ETHER),  # L1 fees only: the 2.5% floor
        (1, 2, 3, 10**30 + 7),
    ],
)
def test_calculator_pays_the_larger_of_the_gross_and_net_shares(calculator, collective, treasury, revenue):
    gross = sum(revenue)
    share = superchain_share(*revenue)
    answer = [tuple(entry) for entry in calculator.getRecipientsAndAmounts(*revenue)]
    assert answer == [(collective, share), (treasury, gross - share)]


@given(
    revenue=st.tuples(*[st.integers(0, 10**24)] * 4).filter(lambda r: sum(r) >= 40),
)
def test_calculator_split_matches_the_model_and_adds_up(calculator, collective, treasury, revenue):
    answer = [tuple(entry) for entry in calculator.getRecipientsAndAmounts(*revenue)]
    assert answer == [
        (collective, superchain_share(*revenue)),
        (treasury, sum(revenue) - superchain_share(*revenue)),
    ]
    assert sum(amount for _, amount in answer) == sum(revenue)


def test_calculator_refuses_a_zero_gross_share(calculator):
    for revenue in ((39, 0, 0, 0), (0, 0, 0, 0), (10, 10, 10, 9)):
        with ape.reverts(calculator.SharesCalculator_ZeroGrossShare):
            calculator.getRecipientsAndAmounts(*revenue)


def test_calculator_recipients_change_only_by_the_proxy_admin_owner(
    owner, stranger, admin, collective, treasury, calculator
):
    for setter in (calculator.setShareRecipient, calculator.setRemainderRecipient):
        with ape.reverts(calculator.SharesCalculator_OnlyProxyAdminOwner):
            setter(stranger, sender=owner)
    receipt = calculator.setShareRecipient(PAYEE, sender=admin)
    assert events(receipt, calculator, "ShareRecipientUpdated(address indexed,address indexed)") == [
        (collective, PAYEE)
    ]
    receipt = calculator.setRemainderRecipient(stranger, sender=admin)
    assert events(receipt, calculator, "RemainderRecipientUpdated(address indexed,address indexed)") == [
        (treasury, stranger.address)
    ]
    assert (calculator.shareRecipient(), calculator.remainderRecipient()) == (PAYEE, stranger.address)
    assert [tuple(e) for e in calculator.getRecipientsAndAmounts(100, 0, 0, 0)] == [
        (PAYEE, 15),
        (stranger.address, 85),
    ]


# ---------------------------------------------------------------- Base's FeeDisburser
BASE_VAULTS = ("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault")


def point_vaults_at(admin, vaults, target, roles=BASE_VAULTS) -> None:
    for role in roles:
        vaults[role].setRecipient(target, sender=admin)


def test_disburser_constructor_checks_its_configuration(owner, collective):
    disburser = container("FeeDisburserModel")
    for args, message in (
        (
            (collective, L1_ACCOUNT, ONE_DAY - 1),
            "FeeDisburser: FeeDisbursementInterval cannot be less than 24 hours",
        ),
        ((ape.utils.ZERO_ADDRESS, L1_ACCOUNT, ONE_DAY), "FeeDisburser: OptimismWallet cannot be address(0)"),
        ((collective, ape.utils.ZERO_ADDRESS, ONE_DAY), "FeeDisburser: L1Wallet cannot be address(0)"),
    ):
        with ape.reverts(message):
            owner.deploy(disburser, *args)
    deployed = owner.deploy(disburser, collective, L1_ACCOUNT, 2 * ONE_DAY)
    assert (deployed.OPTIMISM_WALLET(), deployed.L1_WALLET(), deployed.FEE_DISBURSEMENT_INTERVAL()) == (
        collective,
        L1_ACCOUNT,
        2 * ONE_DAY,
    )
    assert (deployed.BASIS_POINT_SCALE(), deployed.WITHDRAWAL_MIN_GAS()) == (10_000, DISBURSER_MIN_GAS)
    assert (
        deployed.OPTIMISM_GROSS_REVENUE_SHARE_BASIS_POINTS(),
        deployed.OPTIMISM_NET_REVENUE_SHARE_BASIS_POINTS(),
    ) == (250, 1_500)


def test_disburser_pays_optimism_on_l2_and_bridges_the_rest(
    chain, admin, keeper, collective, vaults, disburser, bridge
):
    point_vaults_at(admin, vaults, disburser)
    revenue = {
        "sequencer_fee_vault": 3 * ETHER + 1,
        "base_fee_vault": ETHER,
        "l1_fee_vault": 2 * ETHER,
        "operator_fee_vault": 5 * ETHER,
    }
    fund(keeper, vaults, revenue)
    before = {a: balance(chain, a) for a in (collective, bridge)}
    receipt = disburser.disburseFees(sender=keeper)

    net = revenue["sequencer_fee_vault"] + revenue["base_fee_vault"]
    gross = net + revenue["l1_fee_vault"]  # the operator vault is ignored
    share = max(gross * 250 // 10_000, net * 1_500 // 10_000)
    now = block_time(chain, receipt)
    assert balance(chain, collective) - before[collective] == share
    assert balance(chain, bridge) - before[bridge] == gross - share
    assert events(receipt, bridge, "ETHBridgeInitiated(address indexed,address indexed,uint256,bytes)") == [
        (disburser.address, L1_ACCOUNT, gross - share, b"")
    ]
    assert events(receipt, bridge, "MinGasLimit(uint32)") == [(DISBURSER_MIN_GAS,)]
    assert events(receipt, disburser, "FeesReceived(address indexed,uint256)") == [
        (PREDEPLOY_VAULTS[role], revenue[role]) for role in BASE_VAULTS
    ]
    assert events(receipt, disburser, "FeesDisbursed(uint256,uint256,uint256)") == [(now, share, gross)]
    assert (disburser.netFeeRevenue(), disburser.lastDisbursementTime(), balance(chain, disburser)) == (
        0,
        now,
        0,
    )
    assert balance(chain, vaults["operator_fee_vault"]) == revenue["operator_fee_vault"]

    with ape.reverts("FeeDisburser: Disbursement interval not reached"):
        disburser.disburseFees(sender=keeper)


def test_disburser_classifies_revenue_by_the_paying_vault(
    chain, admin, keeper, stranger, collective, vaults, disburser
):
    point_vaults_at(admin, vaults, disburser)
    fund(keeper, vaults, {"sequencer_fee_vault": ETHER, "l1_fee_vault": 8 * ETHER})
    vaults["sequencer_fee_vault"].withdraw(sender=stranger)  # anyone may trigger a vault
    receipt = vaults["l1_fee_vault"].withdraw(sender=stranger)
    assert events(receipt, disburser, "FeesReceived(address indexed,uint256)") == [
        (PREDEPLOY_VAULTS["l1_fee_vault"], 8 * ETHER)
    ]
    assert disburser.netFeeRevenue() == ETHER  # the L1 fee vault's receipt is not net revenue
    before = balance(chain, collective)
    disburser.disburseFees(sender=keeper)
    assert balance(chain, collective) - before == max(9 * ETHER * 250 // 10_000, ETHER * 1_500 // 10_000)


def test_disburser_skips_a_vault_below_its_minimum_and_refuses_misconfigured_ones(
    chain, admin, keeper, collective, vaults, disburser
):
    point_vaults_at(admin, vaults, disburser)
    fund(keeper, vaults, {"base_fee_vault": 2 * ETHER, "l1_fee_vault": ETHER})
    vaults["l1_fee_vault"].setMinWithdrawalAmount(ETHER + 1, sender=admin)
    receipt = disburser.disburseFees(sender=keeper)
    assert events(receipt, disburser, "FeesDisbursed(uint256,uint256,uint256)") == [
        (block_time(chain, receipt), 2 * ETHER * 1_500 // 10_000, 2 * ETHER)
    ]
    assert balance(chain, vaults["l1_fee_vault"]) == ETHER

    chain.pending_timestamp += ONE_DAY
    vaults["base_fee_vault"].setWithdrawalNetwork(L1, sender=admin)
    with ape.reverts("FeeDisburser: FeeVault must withdraw to L2"):
        disburser.disburseFees(sender=keeper)
    vaults["base_fee_vault"].setWithdrawalNetwork(L2, sender=admin)
    vaults["sequencer_fee_vault"].setRecipient(PAYEE, sender=admin)
    with ape.reverts("FeeDisburser: FeeVault must withdraw to FeeDisburser contract"):
        disburser.disburseFees(sender=keeper)


def test_disburser_with_nothing_collected_emits_and_starts_no_interval(admin, keeper, vaults, disburser):
    point_vaults_at(admin, vaults, disburser)
    for _ in range(2):  # the interval does not start: it can be called again at once
        receipt = disburser.disburseFees(sender=keeper)
        assert events(receipt, disburser, "NoFeesCollected()") == [()]
        assert events(receipt, disburser, "FeesDisbursed(uint256,uint256,uint256)") == []
    assert disburser.lastDisbursementTime() == 0


def test_disburser_refuses_eth_from_anyone_but_the_three_vaults(keeper, disburser):
    with ape.reverts("FeeDisburser: Only FeeVaults can send ETH to FeeDisburser"):
        keeper.transfer(disburser, 1)

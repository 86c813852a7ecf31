"""The demo's FeeSplitter act: the local node plays an OP Stack L2 after the revenue-share upgrade
(the real bedrock ProxyAdmin, owned by a 2-of-3 Safe; 1.6.0 fee vaults paying an old recipient on
L1 from 10 ETH; OP's FeeSplitter asking a fixed-rate calculator: test-only models where no package
ships the bytecode). The chain joins revenue sharing with the generated "join" proposal, executed
by the Safe as the Safe app would; the FeeSplitter then disburses with the registry-driven
calculator. Then the chain lives the rest of its lifecycle: governance schedules new terms with
the registry's notice (the disbursement crossing the change settles the period before it under the
old ones), and the chain announces its exit (the final settlement, then it keeps its revenue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import keccak, to_checksum_address

from revshare.artifacts import container
from revshare.calendar import utc_date
from revshare.chain.addresses import FEE_SPLITTER, PREDEPLOY_VAULTS, ZERO_ADDRESS
from revshare.demo.predeploys import L1, install_fee_splitter, install_fee_vaults, install_proxy_admin
from revshare.demo.safe import deploy_safe, deploy_safe_kit, execute_batch_file
from revshare.governance.opstack import propose_join
from revshare.governance.proposals import propose_accept_ownership, propose_announce_exit, propose_set_terms
from revshare.governance.propose import make_opstack_proposal, make_proposal
from revshare.lifecycle import TermsHistory, settlement
from revshare.model import split
from revshare.terminal import Log, exact_eth

ETHER = 10**18
WEEK = 7 * 86_400
OLD_MINIMUM = 10 * ETHER
# A week of fees in each vault, twice: (sequencer, base, operator, L1).
WEEKS = (
    {"sequencer_fee_vault": 41 * ETHER // 10, "base_fee_vault": 23 * ETHER // 10,
     "operator_fee_vault": 3 * ETHER // 10, "l1_fee_vault": 37 * ETHER // 10},
    {"sequencer_fee_vault": 52 * ETHER // 10, "base_fee_vault": 19 * ETHER // 10,
     "operator_fee_vault": 4 * ETHER // 10, "l1_fee_vault": 61 * ETHER // 10},
)  # fmt: skip
NEW_TERMS = (300, 1_800)  # what governance changes the terms to before the second week


def _fresh(label: str) -> str:
    return to_checksum_address(keccak(text=f"fee splitter demo {label}")[12:])


@dataclass
class JoinResult:
    """What the act did, and the wei-level checks against the model."""

    proposal: Path
    calls: int
    checks: list[tuple[str, int, int]] = field(default_factory=list)


def run_join_demo(
    deployer: Any, council: list[Any], keeper: Any, out_dir: Path, log: Log = print
) -> JoinResult:
    """Play the act on the connected local node; returns the proposal folder and the checks."""
    from ape import chain

    collective, treasury, old_recipient = _fresh("collective"), _fresh("treasury"), _fresh("old recipient")
    kit = deploy_safe_kit(deployer)
    safe = deploy_safe(kit, deployer, council, 2, salt=2026)
    log(f"ProxyAdmin owner and registry owner: a 2-of-3 Safe {safe.address}")
    install_proxy_admin(safe.address)
    vaults = install_fee_vaults(deployer, old_recipient, OLD_MINIMUM, L1)
    fixed = deployer.deploy(container("SuperchainSharesCalculatorModel"), collective, treasury)
    fee_splitter = install_fee_splitter(deployer, fixed)
    chain_id = chain.provider.chain_id
    registry = deployer.deploy(container("ChainRegistry"), deployer, collective, ZERO_ADDRESS)
    registry.registerChain(chain_id, treasury, 250, 1_500, keccak(text="demo terms v1"), sender=deployer)
    registry.transferOwnership(safe, sender=deployer)
    calculator = deployer.deploy(container("RegistrySharesCalculator"), registry, chain_id)
    log(
        f"RegistrySharesCalculator {calculator.address}: chain {chain_id}'s terms from the registry "
        f"{registry.address}"
    )

    _fund(keeper, WEEKS[0])
    folder = make_opstack_proposal(
        lambda provider, state: propose_join(provider, state, calculator.address, WEEK, registry.address),
        out_dir=out_dir,
        safe=None,
        log=lambda line: log(f"  {line}"),
    )
    calls = len(_batch(folder)["transactions"])
    execute_batch_file(folder / "safe-batch.json", safe, kit, council[:2], council[2])
    log(f"The Safe executed the {calls} calls (two owners signed, through MultiSendCallOnly).")

    checks: list[tuple[str, int, int]] = []
    for role, vault in vaults.items():
        settings = (vault.recipient(), vault.minWithdrawalAmount(), vault.withdrawalNetwork())
        checks.append((f"{role} pays the FeeSplitter on L2 from 0", int(settings == (FEE_SPLITTER, 0, 1)), 1))

    # The chain's life from here, kept by the model as the registry keeps it.
    joined = registry.termsHistory(chain_id)[0]
    model = TermsHistory.joined(int(joined.effectiveAt), 250, 1_500, int(registry.noticePeriod()))
    since = int(calculator.DEPLOYED_AT())
    expected = [0, 0]  # the Collective's and the chain's totals under the model

    def disburse_at(timestamp: int, label: str) -> None:
        nonlocal since
        fees = _week_fees(len(lines))
        if lines:  # the first week's fees were in the vaults when the chain joined
            _fund(keeper, fees)
        chain.pending_timestamp = timestamp
        receipt = fee_splitter.disburseFees(sender=keeper)
        terms = settlement(model, since, receipt.timestamp)
        share = split(sum(fees.values()), fees["l1_fee_vault"], terms.gross_bps, terms.net_bps)
        expected[0] += share.collective
        expected[1] += share.chain
        since = receipt.timestamp
        rates = f"{terms.gross_bps / 100:g}%/{terms.net_bps / 100:g}%"
        lines.append(label)
        log(
            f"  {utc_date(receipt.timestamp)} {label:<44} terms {rates:<9} the Collective "
            f"{exact_eth(share.collective)}, the chain {exact_eth(share.chain)}"
        )

    lines: list[str] = []
    log("Disbursements (each applies the terms in force when its period began):")
    disburse_at(chain.pending_timestamp + WEEK, "first week")

    def govern(build: Any) -> None:
        folder = make_proposal(
            build,
            registry_address=registry.address,
            record_dir=out_dir / "records",
            out_dir=out_dir,
            safe=None,
            log=lambda _: None,
        )
        execute_batch_file(folder / "safe-batch.json", safe, kit, council[:2], council[2])

    new_hash = "0x" + keccak(text="demo terms v2").hex()
    govern(propose_accept_ownership)
    govern(lambda reg, st: propose_set_terms(reg, st, chain_id, *NEW_TERMS, new_hash))
    change = registry.termsHistory(chain_id)[-1]
    changed_at = int(change.effectiveAt)
    model.schedule(changed_at - model.notice_period, *NEW_TERMS, changed_at)
    log(
        f"Governance scheduled new terms, {NEW_TERMS[0] / 100:g}% / {NEW_TERMS[1] / 100:g}%, effective "
        f"{utc_date(changed_at)} ({model.notice_period // 86_400} days' notice; a set-terms proposal "
        "through the Safe)"
    )
    disburse_at(changed_at - 86_400, "the day before the change")
    disburse_at(changed_at + 6 * 86_400, "first after the change: settles the period before")
    disburse_at(chain.pending_timestamp + WEEK, "a week later: the new terms")

    govern(lambda reg, st: propose_announce_exit(reg, st, chain_id))
    exit_at = int(registry.exitTime(chain_id))
    model.schedule(exit_at - model.notice_period, 0, 0, exit_at, exit=True)
    log(f"The chain announced its exit, effective {utc_date(exit_at)} (an announce-exit proposal)")
    disburse_at(exit_at - 86_400, "the day before the exit")
    disburse_at(exit_at + 6 * 86_400, "the final settlement")
    disburse_at(chain.pending_timestamp + WEEK, "after the exit: the chain keeps it all")

    balance = chain.provider.get_balance
    checks += [
        ("the Collective received (7 disbursements)", balance(collective), expected[0]),
        ("the treasury received (7 disbursements)", balance(treasury), expected[1]),
        (
            "left in the vaults and payees",
            sum(balance(str(a)) for a in (*PREDEPLOY_VAULTS.values(), *_payees(calculator))),
            0,
        ),
    ]
    return JoinResult(folder, calls, checks)


def _week_fees(week: int) -> dict[str, int]:
    """A week of fees in each vault: the two sample weeks, alternating, growing 10% a week."""
    base = WEEKS[week % 2]
    return {role: amount * (10 + week) // 10 for role, amount in base.items()}


def _fund(keeper: Any, fees: dict[str, int]) -> None:
    for role, amount in fees.items():
        keeper.transfer(PREDEPLOY_VAULTS[role], amount)


def _batch(folder: Path) -> dict[str, Any]:
    import json

    return json.loads((folder / "safe-batch.json").read_text())


def _payees(calculator: Any) -> tuple[str, str]:
    return str(calculator.COLLECTIVE_PAYEE()), str(calculator.TREASURY_PAYEE())

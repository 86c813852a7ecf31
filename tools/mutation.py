"""Mutation check: does the test suite notice realistic single-point bugs in the contracts?

Each mutant changes one spot of a product contract (a flipped comparison, a dropped check, max
swapped for min, an off-by-one in bps, a skipped credit, effects moved after an interaction).
Each runs in a copy of the project (every file git does not ignore; the working tree is never
touched), compiled once: the mutated file and the sources importing it are recompiled and
re-bundled, the tests relevant to that contract run, and the copy's unmutated build is put back.
The mutant is *killed* when a test fails, *survives* when all pass. The unmutated copies must pass
the same tests first, and a broken test run stops the check instead of counting as a kill. Not part
of `make test` (it takes minutes): run `make mutation`; CI (`.ci/run`) runs it after `make test`.

It is a gate: the exit status is non-zero when any mutant survives without an
`equivalent_because` reason, when a mutant no longer compiles (a stale catalogue entry), or when
the unmutated baseline fails. A new mutant needs nothing but its catalogue entry: it must be
killed, or carry the reason it cannot be.

With `--suite stateful` every mutant is run against the stateful test alone instead, which
measures how much that one randomised test catches without any hand-written case.

    python -m tools.mutation [--only ID ...] [--suite relevant|stateful]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from tools.ape_data import own_data_folder

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / ".build" / "mutation" / "results.json"
STATEFUL_RESULTS = RESULTS.with_name("results-stateful.json")
STATEFUL_TESTS = ("tests/stateful/test_system_state_machine.py",)

MATH = "contracts/libraries/RevenueShareMath.sol"
REGISTRY = "contracts/ChainRegistry.sol"
SPLITTER = "contracts/ChainRevenueSplitter.sol"
SHARED = "contracts/SharedSequencerSplitter.sol"
WITHDRAWALS = "contracts/libraries/L2Withdrawals.sol"
MATH_TESTS = ["tests/functional/test_math.py"]
SPLITTER_TESTS = [
    "tests/functional/test_splitter.py",
    "tests/functional/test_adversarial_recipients.py",
    "tests/functional/test_l1_payouts.py",
]
SHARED_TESTS = ["tests/functional/test_shared_sequencer.py", "-k", "not 256"]
DISPUTE_TESTS = ["tests/functional/test_shared_disputes.py"]
DISPUTE_MACHINE = ["tests/stateful/test_shared_dispute_machine.py"]
L1_TESTS = ["tests/functional/test_l1_payouts.py"]
REVIEW_TESTS = ["tests/functional/test_review_contracts.py"]
CALCULATOR = "contracts/feesplitter/RegistrySharesCalculator.sol"
PAYEE = "contracts/feesplitter/SharePayee.sol"
CALCULATOR_TESTS = ["tests/functional/test_registry_shares_calculator.py"]
LIFECYCLE_TESTS = ["tests/functional/test_lifecycle.py"]
GRANTS = "contracts/grants/RevenueLinkedGrants.sol"
GRANTS_TESTS = ["tests/functional/test_grants.py"]


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str
    original: str
    replacement: str
    description: str
    tests: tuple[str, ...]
    # Why a survivor would be harmless, when it is known to be an equivalent mutant.
    equivalent_because: str = ""


MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "grants-ignore-time",
        GRANTS,
        "milestones[count].collectiveShare <= earned\n"
        "                && milestones[count].notBefore <= clock",
        "milestones[count].collectiveShare <= earned",
        "a milestone vests before its time",
        tuple(GRANTS_TESTS),
    ),
    Mutant(
        "grants-clock-ignores-exit",
        GRANTS,
        "uint256 clock = exitAt != 0 && exitAt < block.timestamp ? exitAt : block.timestamp;",
        "uint256 clock = block.timestamp;",
        "milestones due after the chain's exit still vest",
        tuple(GRANTS_TESTS),
    ),
    Mutant(
        "grants-no-baseline",
        GRANTS,
        "uint256 earned = grant.source.collectiveShareTotal(_ETH) - grant.baseline;",
        "uint256 earned = grant.source.collectiveShareTotal(_ETH);",
        "revenue shared before the grant counts towards its milestones",
        tuple(GRANTS_TESTS),
    ),
    Mutant(
        "grants-clawback-before-final-settlement",
        GRANTS,
        "if (grant.source.lastDisbursementTime(_ETH) < exitAt"
        " && block.timestamp < exitAt + CLAWBACK_DELAY) {",
        "if (false) {",
        "the clawback does not wait for the final settlement",
        tuple(GRANTS_TESTS),
    ),
    Mutant(
        "grants-anyone-creates",
        GRANTS,
        "if (msg.sender != REGISTRY.owner()) revert RevenueLinkedGrants_NotGovernance(msg.sender);",
        "",
        "anyone can create a grant (with a source of their choosing)",
        tuple(GRANTS_TESTS),
    ),
    Mutant(
        "registry-no-notice",
        REGISTRY,
        "uint256 earliest = block.timestamp + noticePeriod;",
        "uint256 earliest = block.timestamp;",
        "a terms change or an exit may take effect without the notice period",
        tuple(LIFECYCLE_TESTS),
    ),
    Mutant(
        "registry-change-after-exit",
        REGISTRY,
        "if (last.exit) revert ChainExiting(chainId, last.effectiveAt);",
        "if (false && last.exit) revert ChainExiting(chainId, last.effectiveAt);",
        "terms change (or a second exit) after the exit was announced",
        tuple(LIFECYCLE_TESTS),
    ),
    Mutant(
        "registry-cancel-after-effect",
        REGISTRY,
        "if (last.exit != exit || effectiveAt <= block.timestamp) revert NothingScheduled(chainId);",
        "if (last.exit != exit) revert NothingScheduled(chainId);",
        "a change (or exit) already in force can be cancelled, rewriting history",
        tuple(LIFECYCLE_TESTS),
    ),
    Mutant(
        "registry-terms-now-not-at-since",
        REGISTRY,
        "while (i != 0 && entries[i].effectiveAt > since) {",
        "while (i != 0 && entries[i].effectiveAt > block.timestamp) {",
        "a settlement applies the terms in force now, not when its period began",
        tuple(LIFECYCLE_TESTS + CALCULATOR_TESTS),
    ),
    Mutant(
        "registry-treasury-exits-unallowed",
        REGISTRY,
        "!(msg.sender == chain.treasury && _treasuryMayExit[chainId])",
        "!(msg.sender == chain.treasury)",
        "a treasury announces its chain's exit without governance's leave",
        tuple(LIFECYCLE_TESTS),
    ),
    Mutant(
        "splitter-boundary-skips-nothing",
        SPLITTER,
        "bool boundary = terms.nextChangeAt <= block.timestamp;",
        "bool boundary = false;",
        "no boundary settlement: the crossing disbursement waits for the interval",
        tuple(LIFECYCLE_TESTS),
    ),
    Mutant(
        "splitter-keeper-reward-uncapped",
        SPLITTER,
        "if (reward > terms.keeperRewardCap) reward = terms.keeperRewardCap;",
        "",
        "the keeper reward ignores its cap",
        tuple(LIFECYCLE_TESTS),
    ),
    Mutant(
        "payee-anyone-marks-disbursement",
        PAYEE,
        "if (msg.sender == FEE_SPLITTER) lastShareAt = uint64(block.timestamp);",
        "lastShareAt = uint64(block.timestamp);",
        "anyone sending a payee 1 wei moves the start of the calculator's period",
        tuple(CALCULATOR_TESTS),
    ),
    Mutant(
        "shared-cache-ignores-change-time",
        SHARED,
        "if (uint32(packed) != version || since >= (packed >> 72) & 0xffffffff) {",
        "if (uint32(packed) != version) {",
        "cached terms outlive a scheduled change taking effect",
        tuple(SHARED_TESTS),
    ),
    Mutant(
        "calculator-ignores-pause",
        CALCULATOR,
        "if (!terms.exited && REGISTRY.paused()) revert RegistrySharesCalculator_Paused();",
        "if (false && REGISTRY.paused()) revert RegistrySharesCalculator_Paused();",
        "the FeeSplitter disburses while the registry is paused",
        tuple(CALCULATOR_TESTS),
    ),
    Mutant(
        "calculator-no-l1-cost",
        CALCULATOR,
        "RevenueShareMath.split(gross, l1FeeRevenue, grossBps, netBps);",
        "RevenueShareMath.split(gross, 0, grossBps, netBps);",
        "the L1FeeVault's revenue is not counted as the L1 cost",
        tuple(CALCULATOR_TESTS),
    ),
    Mutant(
        "payee-ignores-claim-hold",
        PAYEE,
        "if (ROLE == Role.Treasury && REGISTRY.claimsHeld(CHAIN_ID)) {",
        "if (ROLE == Role.Collective && REGISTRY.claimsHeld(CHAIN_ID)) {",
        "a held treasury is paid and the Collective held instead",
        tuple(CALCULATOR_TESTS),
    ),
    Mutant(
        "payee-no-gas-check",
        PAYEE,
        "if (gasleft() < (payoutGas * 64) / 63 + _OVERHEAD_GAS) return",
        "if (false) return",
        "a caller can starve a payout of gas",
        tuple(CALCULATOR_TESTS),
    ),
    Mutant(
        "math-min-for-max",
        MATH,
        "netRuleApplied = byNet > byGross;",
        "netRuleApplied = byNet < byGross;",
        "take the smaller of the two thresholds",
        tuple(MATH_TESTS),
    ),
    Mutant(
        "math-negative-net",
        MATH,
        "gross > l1Cost ? gross - l1Cost : 0;",
        "gross > l1Cost ? gross - l1Cost : gross;",
        "costs above gross leave net at gross instead of zero",
        tuple(MATH_TESTS),
    ),
    Mutant(
        "math-bps-off-by-one",
        MATH,
        "if (bps >= BPS_DENOMINATOR) return amount;",
        "if (bps >= BPS_DENOMINATOR - 1) return amount;",
        "saturate one bps early",
        tuple(MATH_TESTS),
    ),
    Mutant(
        "math-fee-off-by-one",
        MATH,
        "operatorFee = applyBps(gross, feeBps);",
        "operatorFee = applyBps(gross, feeBps + 1);",
        "operator fee one bps too high",
        tuple(MATH_TESTS),
    ),
    Mutant(
        "registry-bps-bound",
        REGISTRY,
        "if (bps > MAX_BPS) revert InvalidBps(bps);",
        "if (bps > MAX_BPS + 1) revert InvalidBps(bps);",
        "accept 10,001 bps",
        ("tests/functional/test_registry.py",),
    ),
    Mutant(
        "registry-drop-guardian-check",
        REGISTRY,
        "if (msg.sender != guardian && msg.sender != owner()) revert NotGuardian(msg.sender);",
        "if (msg.sender == address(0)) revert NotGuardian(msg.sender);",
        "anyone may pause",
        ("tests/functional/test_registry.py",),
    ),
    Mutant(
        "splitter-interval-comparison",
        SPLITTER,
        "block.timestamp < last + DISBURSEMENT_INTERVAL",
        "block.timestamp <= last + DISBURSEMENT_INTERVAL",
        "interval boundary flipped",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-skip-interval-record",
        SPLITTER,
        "progress.lastEthDisbursement = uint64(block.timestamp);",
        "",
        "never record the ETH disbursement time",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-drop-active-check",
        SPLITTER,
        "if (!terms.active && !terms.exited) revert ChainInactive(CHAIN_ID);",
        "",
        "inactive chains still disburse",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-vault-minimum",
        SPLITTER,
        "if (minimum != 0) revert VaultMinimumNotZero(vault, minimum);",
        "",
        "a vault with a minimum is accepted (its fees may then be split apart from their period)",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-skip-credit",
        SPLITTER,
        "owed[asset][recipient] += amount;",
        "",
        "a failed payout is not credited to its recipient",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-drop-gas-check",
        SPLITTER,
        "if (gasleft() < (gasForPayout * 64) / 63 + 40_000) revert InsufficientGas();",
        "",
        "payouts may be starved of gas",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-claim-keeps-credit",
        SPLITTER,
        "owed[asset][recipient] = 0;\n        totalOwed[asset] -= amount;\n        emit Claimed",
        "totalOwed[asset] -= amount;\n        emit Claimed",
        "a claim pays without clearing the credit",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-l1-minimum-inclusive",
        SPLITTER,
        "if (total < destination.minAmount) {",
        "if (total <= destination.minAmount) {",
        "an L1 payout of exactly the minimum waits",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-claim-l1-minimum-inclusive",
        SPLITTER,
        "destination.route != IChainRegistry.Route.L2 && amount < destination.minAmount) {",
        "destination.route != IChainRegistry.Route.L2 && amount <= destination.minAmount) {",
        "a claim of exactly the L1 minimum is refused",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-skip-vault-check",
        SPLITTER,
        "bool withdrawL1 = _checkVault(L1_FEE_VAULT);",
        "bool withdrawL1 = L1_FEE_VAULT != address(0) && L1_FEE_VAULT.balance != 0;",
        "a misconfigured L1FeeVault is withdrawn anyway",
        tuple(SPLITTER_TESTS),
    ),
    Mutant(
        "splitter-classify-by-arrival",
        SPLITTER,
        "if (_recordVaultPayment(sender)) pendingVaultRevenue.l1Fees += msg.value;",
        "_recordVaultPayment(sender);",
        "L1FeeVault payments count as other inflows, not as L1 cost",
        (*SPLITTER_TESTS, *REVIEW_TESTS),
    ),
    Mutant(
        "splitter-keep-vault-receipts",
        SPLITTER,
        "delete pendingVaultRevenue;",
        "",
        "vault receipts are counted again at the next disbursement",
        (*SPLITTER_TESTS, *REVIEW_TESTS),
    ),
    Mutant(
        "splitter-store-own-withdrawals",
        SPLITTER,
        "if (_withdrawing) return false;",
        "",
        "what disburse's own withdrawals pay is stored as well as measured, and counted twice",
        (*SPLITTER_TESTS, *REVIEW_TESTS),
    ),
    Mutant(
        "splitter-others-withdrawals-unread",
        SPLITTER,
        "_progress.vaultRevenuePending = true;",
        "",
        "a vault withdrawn by someone else counts as other inflows, not as that vault's revenue",
        (*SPLITTER_TESTS, *REVIEW_TESTS),
    ),
    Mutant(
        "splitter-token-overdraw-unchecked",
        SPLITTER,
        "if (success ? paid > amount : paid != 0) revert UnsupportedToken(asset);",
        "",
        "a token taking more than sent from the splitter goes unnoticed",
        ("tests/functional/test_token_revenue.py", *REVIEW_TESTS),
    ),
    Mutant(
        "splitter-hold-ignored",
        SPLITTER,
        "if (chainShare != 0 && !terms.exited && context.claimsHeld)",
        "if (chainShare != 0 && false)",
        "a held chain's treasury is still paid at disbursement",
        tuple(REVIEW_TESTS),
    ),
    Mutant(
        "splitter-move-credit-from-anyone",
        SPLITTER,
        "if (REGISTRY.wasCollective(from)) {",
        "if (true) {",
        "governance may move any credit (a treasury's) to the Collective",
        tuple(REVIEW_TESTS),
    ),
    Mutant(
        "registry-hold-renewable",
        REGISTRY,
        "if (block.timestamp < nextHoldAt) revert ClaimHoldUnavailable(chainId, nextHoldAt);",
        "",
        "the guardian may hold a chain's claims back to back, forever",
        tuple(REVIEW_TESTS),
    ),
    Mutant(
        "shared-packed-trailing-bytes",
        SHARED,
        "if (packed.length % PACKED_CHAIN_BYTES != 0) revert MalformedReport(packed.length);",
        "",
        "a packed report with a cut-off chain at its end is accepted without that chain",
        ("tests/functional/test_shared_packed.py",),
    ),
    Mutant(
        "shared-epoch-any-increase",
        SHARED,
        "if (epoch != previous + 1) revert EpochNotNext(epoch, previous + 1);",
        "if (epoch <= previous) revert EpochNotNext(epoch, previous + 1);",
        "any later epoch id is accepted (2^256 - 1 ends all reports)",
        (*SHARED_TESTS[:1], *REVIEW_TESTS),
    ),
    Mutant(
        "shared-surplus-any-token",
        SHARED,
        "if (asset != ETH && !REGISTRY.isTokenAllowed(asset)) revert TokenNotAllowed(asset);\n"
        "        amount = surplus",
        "amount = surplus",
        "surplus of a token's second address takes credited balances",
        tuple(REVIEW_TESTS),
    ),
    Mutant(
        "shared-claims-ignore-hold",
        SHARED,
        "if (REGISTRY.claimsHeld(chainId)) revert ClaimsHeld(chainId);",
        "",
        "a held chain's balance can still be claimed",
        tuple(REVIEW_TESTS),
    ),
    Mutant(
        "shared-drop-sum-check",
        SHARED,
        "if (totals.attributed != paid) revert AttributionMismatch(totals.attributed, paid);",
        "",
        "accept a report whose attribution does not add up",
        tuple(SHARED_TESTS),
    ),
    Mutant(
        "shared-drop-active-check",
        SHARED,
        "if ((packed >> 32) & 0xff == 0) revert ChainInactive(chainId);",
        "",
        "settle inactive chains",
        tuple(SHARED_TESTS),
    ),
    Mutant(
        "shared-running-sum-off-by-one",
        SHARED,
        "if (gross > paid - totals.attributed) revert",
        "if (gross >= paid - totals.attributed) revert",
        "refuse a chain that exactly exhausts the payment",
        tuple(SHARED_TESTS),
    ),
    Mutant(
        "shared-skip-l1-minimum",
        SHARED,
        "if (amount < destination.minAmount) revert BelowL1Minimum(to, amount, destination.minAmount);",
        "",
        "a shared-sequencer claim sends less than the L1 minimum",
        tuple(L1_TESTS),
    ),
    Mutant(
        "shared-l1-minimum-inclusive",
        SHARED,
        "if (amount < destination.minAmount) revert BelowL1Minimum(to, amount, destination.minAmount);",
        "if (amount <= destination.minAmount) revert BelowL1Minimum(to, amount, destination.minAmount);",
        "a shared-sequencer claim of exactly the L1 minimum is refused",
        tuple(L1_TESTS),
    ),
    Mutant(
        "shared-window-may-repeat",
        SHARED,
        "if (windowEnd <= previousEnd || windowEnd > block.timestamp)",
        "if (windowEnd < previousEnd || windowEnd > block.timestamp)",
        "a report may end its window where the last one ended (settling the same window twice)",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-window-may-end-in-future",
        SHARED,
        "if (windowEnd <= previousEnd || windowEnd > block.timestamp)",
        "if (windowEnd <= previousEnd)",
        "a report may settle a window that has not ended (revenue not yet earned)",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-report-in-dispute-window",
        SHARED,
        "if (block.timestamp < reportableAt) revert ReportTooSoon(reportableAt);\n        previousEnd",
        "previousEnd",
        "the next epoch is reported while the last one can still be disputed",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-no-claim-period",
        SHARED,
        "uint64(disputableUntil + window)",
        "uint64(disputableUntil)",
        "the next report may follow the dispute window at once (a prompt reporter keeps claims closed)",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-unserved-chain-disputes",
        SHARED,
        "if (_chainSlots[facts.asset][chainId] == 0) revert NotServed(chainId);",
        "",
        "the treasury of a chain this splitter never served may hold every chain's credits",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-alias-for-l2-treasury",
        SHARED,
        "if (destination.route == IChainRegistry.Route.L2) return false;",
        "",
        "the L1 alias of a treasury paid on L2 (another party) may dispute for it",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-windows-across-assets",
        SHARED,
        "lastWindowEnd[asset] = windowEnd;",
        "lastWindowEnd[asset] = windowEnd;\n        lastWindowEnd[ETH] = windowEnd;",
        "a token epoch uses up the ETH window (the vaults' ETH in it can never be reported)",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-claims-in-dispute-window",
        SHARED,
        "uint256 until = _epochs[lastEpoch].disputableUntil;\n"
        "        if (block.timestamp < until) revert DisputeWindowOpen(until);",
        "uint256 until = _epochs[lastEpoch].disputableUntil;",
        "claims are paid while the last epoch can be disputed (a dispute finds its credits gone)",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-dispute-at-window-end",
        SHARED,
        "|| block.timestamp >= record.disputableUntil",
        "|| block.timestamp > record.disputableUntil",
        "a dispute is accepted in the block where claims open",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-anyone-disputes",
        SHARED,
        "if (!_speaksFor(chainId, msg.sender)) revert NotTreasury(msg.sender, chainId);",
        "",
        "anyone can dispute an epoch and hold every chain's credits",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-facts-unchecked",
        SHARED,
        "if (facts.records.length % size != 0 || epochDigest(facts) != record.digest)",
        "if (facts.records.length % size != 0)",
        "a dispute or resolution may restate an epoch with other amounts than were reported",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-dispute-skips-collective",
        SHARED,
        "accounts[facts.collective] -= share;",
        "",
        "a dispute holds the chains' and the operator's credits but not the Collective's",
        (*DISPUTE_TESTS, *DISPUTE_MACHINE),
    ),
    Mutant(
        "shared-dispute-twice",
        SHARED,
        "if (record.status != EpochStatus.Reported || block.timestamp",
        "if (record.status == EpochStatus.Unknown || block.timestamp",
        "an epoch may be disputed again (holding its credits twice) or after its resolution",
        (*DISPUTE_TESTS, *DISPUTE_MACHINE),
    ),
    Mutant(
        "shared-correction-loses-added",
        SHARED,
        "totalClaimable[asset] += added;",
        "",
        "what a correction pays in is not counted as claimable (it would later look like surplus)",
        (*DISPUTE_TESTS, *DISPUTE_MACHINE),
    ),
    Mutant(
        "shared-correction-todays-terms",
        SHARED,
        "REGISTRY.settlementTerms(chainId, totals.since);",
        "REGISTRY.settlementTerms(chainId, block.timestamp);",
        "a correction applies today's terms instead of the epoch's",
        tuple(DISPUTE_TESTS),
    ),
    Mutant(
        "shared-ignore-l1-failure",
        SHARED,
        "success = L2Withdrawals.initiate(destination, amount, gasleft());",
        "L2Withdrawals.initiate(destination, amount, gasleft());\n            success = true;",
        "a failed bridge call still clears the claimed balance",
        tuple(L1_TESTS),
    ),
    Mutant(
        "withdrawals-routes-swapped",
        WITHDRAWALS,
        "if (destination.route == IChainRegistry.Route.L1_STANDARD_BRIDGE) {",
        "if (destination.route != IChainRegistry.Route.L1_STANDARD_BRIDGE) {",
        "each L1 route goes through the other predeploy",
        tuple(L1_TESTS),
    ),
    Mutant(
        "withdrawals-burn-without-predeploy",
        WITHDRAWALS,
        "if (target.code.length == 0) return false;",
        "",
        "ETH sent to a predeploy address without code counts as delivered",
        tuple(L1_TESTS),
    ),
)


@dataclass
class Outcome:
    id: str
    description: str
    status: str  # killed | survived | invalid
    seconds: float
    equivalent_because: str = ""


def _copy_project(target: Path) -> None:
    listing = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    files = subprocess.run(listing, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in files.splitlines():
        source = ROOT / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    (target / "node_modules").symlink_to(ROOT / "node_modules")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`ape ARGS` in the copy, importing the copy's `revshare` (not the editable install's), with
    the copy's own ape data folder: copies tested side by side must not share ape's node list."""
    ape = str(Path(sys.executable).with_name("ape"))
    data = own_data_folder(cwd / ".build" / "ape-data")
    env = {**os.environ, "PYTHONPATH": str(cwd), "APE_DATA_FOLDER": str(data)}
    return subprocess.run([ape, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


# A relative import in a contract source: `import {X} from "./libraries/Y.sol";`.
_RELATIVE_IMPORT = re.compile(r"""^\s*import\b[^;]*?["'](\.{1,2}/[^"']+)["']""", re.M)


def dependents(file: str, project: Path) -> list[str]:
    """``file`` and every contract source importing it, directly or through others: what must be
    recompiled when ``file`` changes (ape-solidity alone would recompile ``file`` only)."""
    root = project.resolve()
    sources = [p.resolve() for p in (root / "contracts").rglob("*.sol") if ".cache" not in p.parts]
    imports = {
        s: {(s.parent / m).resolve() for m in _RELATIVE_IMPORT.findall(s.read_text())} for s in sources
    }
    wanted = {(root / file).resolve()}
    grown = True
    while grown:
        found = {s for s, used in imports.items() if s not in wanted and used & wanted}
        wanted |= found
        grown = bool(found)
    return sorted(str(s.relative_to(root)) for s in wanted)


def _compile(project: Path, sources: Sequence[str] = ()) -> bool:
    """Compile the copy (all of it, or only ``sources``) and re-bundle the package's artifacts
    from it, so code that deploys through `revshare.artifacts` (deploy, the demo) runs the
    mutant too."""
    if _run(["compile", "--force", *sources], project).returncode != 0:
        return False
    bundle = [sys.executable, "-m", "tools.bundle_artifacts"]
    return subprocess.run(bundle, cwd=project, capture_output=True, text=True, check=False).returncode == 0


# What a compile writes in a copy: ape's manifest of compiled contracts and the package's bundle.
_BUILT = (Path(".build") / "__local__.json", Path("revshare") / "artifacts")
_SAVED = Path(".build") / "unmutated"


def _prepare_copy(target: Path) -> bool:
    """A compiled copy of the project with its unmutated build saved; False if it does not compile."""
    _copy_project(target)
    if not _compile(target):
        return False
    _save_build(target)
    return True


def _save_build(project: Path) -> None:
    """Keep the copy's unmutated build aside (after its full compile)."""
    for built in _BUILT:
        source, saved = project / built, project / _SAVED / built.name
        saved.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, saved, dirs_exist_ok=True)
        else:
            shutil.copy2(source, saved)


def _restore_build(project: Path) -> None:
    """Put the unmutated build back, as if the restored sources had been compiled again."""
    for built in _BUILT:
        source, saved = project / built, project / _SAVED / built.name
        if saved.is_dir():
            shutil.rmtree(source)
            shutil.copytree(saved, source)
        else:
            shutil.copy2(saved, source)


def _status(result: subprocess.CompletedProcess[str]) -> str:
    """pytest exits 1 when tests failed; any other non-zero status (collection or usage errors,
    an interrupted run) says nothing about the mutant and must not count as a kill."""
    if result.returncode in (0, 1):
        return "survived" if result.returncode == 0 else "killed"
    tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
    raise SystemExit(f"the test run itself broke (pytest exit {result.returncode}):\n{tail}")


def _run_tests(args: list[str], project: Path) -> str:
    """`ape test ARGS` as "killed" or "survived". A run that breaks (pytest exit other than 0 or
    1: the node did not start in time on a loaded machine, a collection error) is run once more;
    breaking twice stops the check, never counts as a kill."""
    result = _run(["test", *args], project)
    if result.returncode not in (0, 1):
        print("(the test run broke; running it again)", end=" ", flush=True)
        result = _run(["test", *args], project)
    return _status(result)


def check_baseline(projects: list[Path], suites: list[tuple[str, ...]]) -> None:
    """The unmutated copies (compiled) must pass every test list used, each run exactly as a
    mutant's run runs it (test files together can depend on their order: ape's isolation), or no
    kill means anything. The runs are shared out over the copies, one at a time in each."""
    free = list(projects)

    def run(tests: tuple[str, ...]) -> None:
        project = free.pop()
        try:
            status = _run_tests([*tests, "-q", "-p", "no:cacheprovider"], project)
        finally:
            free.append(project)
        if status != "survived":
            raise SystemExit(f"the unmutated project fails {' '.join(tests)}: fix that first")

    with ThreadPoolExecutor(max_workers=len(projects)) as pool:
        list(pool.map(run, suites))


def run_mutant(mutant: Mutant, project: Path, tests: tuple[str, ...]) -> Outcome:
    path = project / mutant.file
    original = path.read_text()
    if original.count(mutant.original) != 1:
        raise SystemExit(f"mutant {mutant.id}: its target text is not found exactly once in {mutant.file}")
    started = time.perf_counter()
    # Only the mutated file and its importers are recompiled; afterwards the copy's unmutated
    # build (saved by `_save_build`) is put back, so the next mutant starts from it.
    try:
        path.write_text(original.replace(mutant.original, mutant.replacement))
        if not _compile(project, dependents(mutant.file, project)):
            status = "invalid"
        else:
            status = _run_tests([*tests, "-x", "-q", "-p", "no:cacheprovider"], project)
    finally:
        path.write_text(original)
        _restore_build(project)
    return Outcome(
        mutant.id, mutant.description, status, time.perf_counter() - started, mutant.equivalent_because
    )


def gate_failures(outcomes: list[Outcome], *, stateful: bool = False) -> list[str]:
    """Why the check fails: every survivor without an equivalence reason, every mutant that no
    longer compiles. Survivors of the stateful test alone are reported, never failed (other
    tests cover them)."""
    failures = [
        f"{o.id}: the mutant does not compile (update its catalogue entry)"
        for o in outcomes
        if o.status == "invalid"
    ]
    if not stateful:
        failures += [
            f"{o.id}: survived ({o.description}): the tests miss this bug"
            for o in outcomes
            if o.status == "survived" and not o.equivalent_because
        ]
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="mutant ids to run (default: all)")
    parser.add_argument(
        "--suite",
        choices=["relevant", "stateful"],
        default="relevant",
        help="the tests each mutant faces: those relevant to its contract, or the stateful test alone",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="mutants checked at once, each in its own copy of the project (default: 2, or 1 on one core)",
    )
    args = parser.parse_args(argv)
    stateful = args.suite == "stateful"
    jobs = max(1, args.jobs)
    unknown = set(args.only or []) - {m.id for m in MUTANTS}
    if unknown:
        parser.error(f"unknown mutant ids: {', '.join(sorted(unknown))}")
    chosen = [m for m in MUTANTS if not args.only or m.id in args.only]
    os.environ.setdefault("SOLCX_BINARY_PATH", str(ROOT / ".build" / "solcx"))
    os.environ.setdefault("APE_DATA_FOLDER", str(ROOT / ".build" / "ape-data"))
    os.environ["REVSHARE_HYPOTHESIS_PROFILE"] = "mutation"  # no shrinking: a failure is enough
    with tempfile.TemporaryDirectory(prefix="revshare-mutants-") as tmp:
        copies = [Path(tmp) / f"copy-{n}" for n in range(jobs)]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            if not all(pool.map(_prepare_copy, copies)):
                raise SystemExit("the unmutated project does not compile")
        suites = sorted({STATEFUL_TESTS if stateful else m.tests for m in chosen})
        print(f"baseline: the unmutated copies against {len(suites)} test list(s) ...", flush=True)
        check_baseline(copies, suites)
        free = list(copies)

        def check(mutant: Mutant) -> Outcome:
            project = free.pop()  # one copy per running mutant (list.pop is atomic)
            try:
                outcome = run_mutant(mutant, project, STATEFUL_TESTS if stateful else mutant.tests)
            finally:
                free.append(project)
            done = len(finished) + 1
            finished.append(outcome.id)
            print(f"[{done}/{len(chosen)}] {mutant.id}: {mutant.description}: {outcome.status} "
                  f"({outcome.seconds:.0f} s)", flush=True)  # fmt: skip
            return outcome

        finished: list[str] = []
        print(f"{len(chosen)} mutants, {jobs} at a time ...", flush=True)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(check, chosen))
    valid = [o for o in outcomes if o.status != "invalid"]
    killed = [o for o in valid if o.status == "killed"]
    survivors = [o for o in valid if o.status == "survived"]
    percent = 100 * len(killed) / max(len(valid), 1)
    print(f"\nmutation score ({args.suite} tests): {len(killed)}/{len(valid)} killed ({percent:.0f}%)")
    for outcome in survivors:
        missed = "not reached by the stateful test" if stateful else "NOT EXPLAINED: the tests miss this bug"
        why = outcome.equivalent_because or missed
        print(f"  survived {outcome.id}: {why}")
    results = STATEFUL_RESULTS if stateful else RESULTS
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps([asdict(o) for o in outcomes], indent=2) + "\n")
    print(f"results: {results.relative_to(ROOT)}")
    failures = gate_failures(outcomes, stateful=stateful)
    if failures:
        print(f"\nMUTATION CHECK FAILED ({len(failures)}):")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

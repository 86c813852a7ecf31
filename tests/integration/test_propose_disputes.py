"""The shared splitter's dispute path through generated proposals, executed by real Safes (1.5.0) on
the local chain as the Safe app executes a Transaction Builder batch: governance's 2-of-3 Safe sets
the dispute window, confirms and corrects; a chain's treasury, itself a Safe, disputes. Each
proposal is checked against the contract's state afterwards, to the wei."""

from __future__ import annotations

import json
from pathlib import Path

import ape
import pytest
from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

from revshare.artifacts import container
from revshare.chain.reader import split_top_level
from revshare.demo.safe import _abi_type, deploy_safe, execute
from revshare.epochs import ChainRevenue, pack_report
from revshare.governance import disputes
from revshare.governance.proposals import ProposalError, propose_accept_ownership, propose_token_allowed
from revshare.governance.propose import make_proposal
from revshare.governance.safe_batch import batch_checksum
from revshare.model import split_with_fee
from revshare.terminal import exact_eth
from tests.conftest import ETH, ZERO_HASH
from tests.integration.helpers import ape_run
from tests.integration.nodes import op_sepolia_node
from tests.stateful.direct_rpc import deploy_direct

E18 = 10**18
COLLECTIVE = to_checksum_address("0xc011ec7100000000000000000000000000000c01")
FEE_RECIPIENT = to_checksum_address("0x0fee000000000000000000000000000000000f01")
ZERO = "0x" + "00" * 20
FEE_BPS = 500
TERMS = {10: (250, 1_500), 8453: (250, 1_500), 34443: (300, 1_000)}
DISPUTED, CONFIRMED, CORRECTED = 2, 3, 4


def _app_value(kind: str, value, nested: bool):
    """One input value as the Safe app hands it to its ABI encoder: a top-level value is the text
    typed in; inside a tuple or list it is what JSON.parse gave, and the encoder reads any
    non-empty string as a true bool (so a bool there must be a JSON boolean)."""
    if kind.endswith("]"):
        items = json.loads(value) if isinstance(value, str) else value
        return [_app_value(kind[: kind.rindex("[")], item, True) for item in items]
    if kind == "bool":
        return bool(value) if nested else value.lower() == "true"
    if kind == "address":
        return to_checksum_address(value)
    if kind.startswith(("uint", "int")):
        return int(value)
    if kind.startswith("bytes"):
        return bytes.fromhex(value[2:])
    raise AssertionError(f"unexpected type {kind}")


def _app_input(entry: dict, value, nested: bool = False):
    if entry["type"] == "tuple":
        parts = json.loads(value) if isinstance(value, str) else value
        return tuple(_app_input(c, p, True) for c, p in zip(entry["components"], parts, strict=True))
    if entry["type"] == "tuple[]":
        element = {**entry, "type": "tuple"}
        items = json.loads(value) if isinstance(value, str) else value
        return [_app_input(element, item, True) for item in items]
    return _app_value(entry["type"], value, nested)


def app_transactions(folder, safe) -> list[tuple[str, int, bytes]]:
    """Import a batch as the Safe app does: checksum, Safe, and each calldata rebuilt from its
    method and input values (and equal to the batch's `data`)."""
    batch = json.loads((folder / "safe-batch.json").read_text())
    assert batch["meta"]["checksum"] == batch_checksum(batch)
    assert batch["meta"]["createdFromSafeAddress"] == safe.address
    transactions = []
    for tx in batch["transactions"]:
        method = tx["contractMethod"]
        types = [_abi_type(i) for i in method["inputs"]]
        values = [_app_input(i, tx["contractInputsValues"][i["name"]]) for i in method["inputs"]]
        data = keccak(text=f"{method['name']}({','.join(types)})")[:4] + encode(types, values)
        assert "0x" + data.hex() == tx["data"], "the app would encode other calldata"
        assert method["payable"] or int(tx["value"]) == 0, "the app sends no value to a non-payable method"
        transactions.append((to_checksum_address(tx["to"]), int(tx["value"]), data))
    return transactions


class World:
    """A registry governed by a 2-of-3 Safe, chain 10's treasury a 1-of-1 Safe, a shared splitter."""

    def __init__(self, tmp_path, project, owner, accounts, council, kit):
        self.out = tmp_path / "proposals"
        self.records = tmp_path / "records"
        self.council, self.kit = council, kit
        self.governance = deploy_safe(kit, owner, council, 2)
        self.treasurer = accounts[8]
        self.treasury = deploy_safe(kit, owner, [self.treasurer], 1, salt=1)
        self.reporter = accounts[7]
        registry = owner.deploy(project.ChainRegistry, owner, COLLECTIVE, ZERO)
        for chain_id, (gross_bps, net_bps) in TERMS.items():
            treasury = self.treasury.address if chain_id == 10 else f"0x7e{chain_id:038x}"
            registry.registerChain(chain_id, treasury, gross_bps, net_bps, ZERO_HASH, sender=owner)
        registry.transferOwnership(self.governance, sender=owner)
        self.registry = registry
        self.shared = owner.deploy(
            project.SharedSequencerSplitter, registry, self.reporter, FEE_RECIPIENT, FEE_BPS
        )
        self.run(propose_accept_ownership)
        assert registry.owner() == self.governance.address

    def propose(self, build):
        return make_proposal(
            build,
            registry_address=self.registry.address,
            record_dir=self.records,
            out_dir=self.out,
            safe=None,
            log=lambda _: None,
        )

    def execute(self, folder, safe=None) -> None:
        safe = safe or self.governance
        signers = [self.treasurer] if safe.address == self.treasury.address else self.council[:2]
        execute(safe, self.kit, app_transactions(folder, safe), signers, signers[0])

    def run(self, build, safe=None):
        folder = self.propose(build)
        self.execute(folder, safe)
        return folder

    def report(self, revenues: list[ChainRevenue], packed: bool = False) -> int:
        shared = self.shared
        epoch = shared.lastEpoch() + 1
        end = ape.chain.pending_timestamp
        paid = sum(r.gross for r in revenues)
        if packed:
            shared.reportEpochPacked(epoch, end, pack_report(revenues), value=paid, sender=self.reporter)
        else:
            rows = [r.as_tuple() for r in revenues]
            shared.reportEpoch(epoch, end, rows, value=paid, sender=self.reporter)
        return epoch

    def balances(self, asset: str = ETH) -> tuple[dict[int, int], int, int, int]:
        shared = self.shared
        return (
            {chain_id: shared.chainClaimable(asset, chain_id) for chain_id in TERMS},
            shared.accountClaimable(asset, COLLECTIVE),
            shared.accountClaimable(asset, FEE_RECIPIENT),
            shared.totalClaimable(asset),
        )

    def refused(self, build, message: str) -> None:
        before = set(self.out.iterdir())
        with pytest.raises(ProposalError, match=message):
            self.propose(build)
        assert set(self.out.iterdir()) == before  # nothing written


@pytest.fixture(scope="module", autouse=True)
def _module_fixtures_first(council, kit):
    """The module-scoped fixtures exist before ape's first per-test snapshot."""


@pytest.fixture
def world(tmp_path, project, owner, accounts, council, kit):
    return World(tmp_path, project, owner, accounts, council, kit)


def expected(revenues: list[ChainRevenue]) -> tuple[dict[int, int], int, int]:
    """Each chain's share, the Collective's and the operator fee, as the model splits them."""
    splits = {r.chain_id: split_with_fee(r.gross, r.l1_cost, *TERMS[r.chain_id], FEE_BPS) for r in revenues}
    chains = {chain_id: splits[chain_id].chain if chain_id in splits else 0 for chain_id in TERMS}
    return chains, sum(s.collective for s in splits.values()), sum(s.operator_fee for s in splits.values())


def test_a_treasury_safe_disputes_and_governance_corrects(world, owner):
    shared = world.shared

    def window(seconds):
        return lambda reg, st: disputes.propose_set_dispute_window(reg, st, shared, seconds)

    text = (world.run(window(3 * 86_400)) / "proposal.md").read_text()
    assert shared.disputeWindow() == 3 * 86_400
    assert "| dispute window | none (epochs cannot be disputed) | 3 days (259,200 s) |" in text
    world.refused(window(3 * 86_400), "already 3 days")
    world.refused(window(31 * 86_400), "above the contract's maximum of 30 days")

    reported = [ChainRevenue(10, 4 * E18, E18), ChainRevenue(8453, 6 * E18, 2 * E18)]
    epoch = world.report(reported)
    before = world.balances()

    def dispute(chain_id):
        return lambda reg, st: disputes.propose_dispute_epoch(reg, st, shared, epoch, chain_id)

    world.refused(dispute(1), "chain 1 is not registered")
    folder = world.propose(dispute(10))
    text = (folder / "proposal.md").read_text()
    assert f"Chain 10's treasury {world.treasury.address} disputes epoch 1" in text
    assert "Chain 10's treasury makes this call, not governance: its Safe imports and executes" in text
    assert f"| Chain 10 treasury | `{world.treasury.address}` |" in text
    assert "| **total** | 10 ETH |" in text
    world.execute(folder, world.treasury)
    record = shared.epochRecord(epoch)
    assert record.status == DISPUTED
    assert world.balances() == ({c: 0 for c in TERMS}, 0, 0, before[3])  # every credit held
    world.refused(dispute(None), "epoch 1 is already disputed")

    # The truth: chain 10 earned 4.5 ETH, chain 8453 5 ETH and chain 34443 (left out) 1 ETH; the
    # reporter kept 0.5 ETH back, which governance pays in.
    corrected = [
        ChainRevenue(34443, E18, 0),
        ChainRevenue(8453, 5 * E18, 2 * E18),
        ChainRevenue(10, 9 * E18 // 2, E18),
    ]

    def correct(revenues, added):
        return lambda reg, st: disputes.propose_correct_epoch(reg, st, shared, epoch, revenues, added)

    world.refused(correct(corrected, 4 * E18 // 10), r"adds up to 10\.5 ETH, but must be the reported 10 ETH")
    world.refused(correct([*corrected, ChainRevenue(10, 1, 0)], E18 // 2), "chain 10 is named twice")
    world.refused(correct(reported, 0), "repeats epoch 1's report: propose confirm-epoch instead")
    folder = world.propose(correct(corrected, E18 // 2))
    text = (folder / "proposal.md").read_text()
    assert "WARNING" in text and "less than the 0.5 ETH the correction pays in" in text
    (tx,) = json.loads((folder / "safe-batch.json").read_text())["transactions"]
    assert (tx["value"], tx["contractMethod"]["payable"]) == (str(E18 // 2), True)
    want_chains, want_collective, want_fee = expected(corrected)
    share = exact_eth(want_chains[34443])  # chain 34443, left out of the report, gains its whole share
    assert f"| 34443 | 0 ETH | 1 ETH | 0 ETH | 0 ETH | 0 ETH | {share} | +{share} |" in text
    assert "sending 500,000,000,000,000,000 wei (0.5 ETH)" in text

    owner.transfer(world.governance, E18 // 2)
    world.execute(folder)
    assert shared.epochRecord(epoch).status == CORRECTED
    assert world.balances() == (want_chains, want_collective, want_fee, 21 * E18 // 2)
    assert ape.chain.provider.get_balance(shared.address) == 21 * E18 // 2
    assert ape.chain.provider.get_balance(world.governance.address) == 0
    world.refused(lambda reg, st: disputes.propose_confirm_epoch(reg, st, shared, epoch), "already corrected")


def test_governance_disputes_a_packed_epoch_and_confirms_it(world):
    shared = world.shared
    world.run(lambda reg, st: disputes.propose_set_dispute_window(reg, st, shared, 3_600))
    reported = [ChainRevenue(10, 3 * E18, E18), ChainRevenue(34443, 2 * E18 + 7, 0)]
    epoch = world.report(reported, packed=True)
    want = world.balances()
    assert want[:3] == expected(reported)

    def confirm(reg, st):
        return disputes.propose_confirm_epoch(reg, st, shared, epoch)

    world.refused(confirm, "epoch 1 is not disputed \\(it is reported\\): nothing to confirm")
    folder = world.run(lambda reg, st: disputes.propose_dispute_epoch(reg, st, shared, epoch))
    assert "Governance disputes epoch 1" in (folder / "proposal.md").read_text()
    assert shared.epochRecord(epoch).status == DISPUTED
    assert world.balances() == ({c: 0 for c in TERMS}, 0, 0, want[3])

    text = (world.run(confirm) / "proposal.md").read_text()
    assert "resolving governance's dispute" in text
    assert shared.epochRecord(epoch).status == CONFIRMED
    assert world.balances() == want  # exactly as reported
    world.refused(confirm, "epoch 1 is already confirmed")

    # The next epoch, once its window has passed, can no longer be disputed.
    ape.chain.pending_timestamp += 2 * 3_600 + 1  # the dispute window, then the claim period
    later = world.report([ChainRevenue(8453, E18, 0)])
    ape.chain.pending_timestamp += 3_601
    ape.chain.mine()
    world.refused(
        lambda reg, st: disputes.propose_dispute_epoch(reg, st, shared, later, 8453),
        "epoch 2's dispute window closed at",
    )
    world.refused(
        lambda reg, st: disputes.propose_dispute_epoch(reg, st, shared, 3),
        r"epoch 3 was not reported .* epochs 1-2",
    )
    world.refused(
        lambda reg, st: disputes.propose_dispute_epoch(reg, st, shared, later, from_block=10**6),
        "no report of epoch 2 in the shared splitter's logs from block 1,000,000",
    )


def test_an_epoch_reported_without_a_window_cannot_be_disputed(world):
    epoch = world.report([ChainRevenue(10, E18, 0)])
    world.refused(
        lambda reg, st: disputes.propose_dispute_epoch(reg, st, world.shared, epoch),
        "reported while the dispute window was 0",
    )


def test_a_token_epoch_is_corrected_with_its_approval_in_one_batch(world, project, owner):
    shared, governance = world.shared, world.governance
    token = owner.deploy(project.TestToken)
    world.run(lambda reg, st: propose_token_allowed(reg, st, token.address, True, True))
    world.run(lambda reg, st: disputes.propose_set_dispute_window(reg, st, shared, 3_600))
    reported = [ChainRevenue(10, 7 * E18, 0), ChainRevenue(8453, 3 * E18, 0)]
    token.mint(world.reporter, 10 * E18, sender=owner)
    token.approve(shared, 10 * E18, sender=world.reporter)
    rows = [r.as_tuple() for r in reported]
    shared.reportEpochToken(token, 1, ape.chain.pending_timestamp, rows, 10 * E18, sender=world.reporter)
    world.run(lambda reg, st: disputes.propose_dispute_epoch(reg, st, shared, 1))

    corrected = [ChainRevenue(10, 6 * E18, 0), ChainRevenue(8453, 6 * E18, 0)]
    folder = world.propose(
        lambda reg, st: disputes.propose_correct_epoch(reg, st, shared, 1, corrected, 2 * E18)
    )
    text = (folder / "proposal.md").read_text()
    assert f"the token {token.address} (amounts in its smallest units)" in text
    assert "| 8453 | 3,000,000,000,000,000,000 | 6,000,000,000,000,000,000 |" in text
    methods = [
        t["contractMethod"]["name"]
        for t in json.loads((folder / "safe-batch.json").read_text())["transactions"]
    ]
    assert methods == ["approve", "correctEpoch"]
    token.mint(governance, 2 * E18, sender=owner)
    world.execute(folder)  # one MultiSendCallOnly transaction
    assert shared.epochRecord(1).status == CORRECTED
    want_chains, want_collective, want_fee = expected(corrected)
    assert world.balances(token.address) == (want_chains, want_collective, want_fee, 12 * E18)
    assert token.balanceOf(shared) == 12 * E18 and token.balanceOf(governance) == 0


# ---------------------------------------------------------------- `ape run propose`, as a user runs it
DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # TEST::0: deploys, and owns the registry
TREASURY = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # TEST::1: chain 10's treasury
REPORTER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"  # TEST::2: the sequencer operator
REVENUES = "(uint256,uint256,uint256)[]"

node_fixture = pytest.fixture(name="node")(op_sepolia_node)


def calldata(signature: str, *args) -> str:
    types = split_top_level(signature[signature.index("(") + 1 : -1])
    return "0x" + (keccak(text=signature)[:4] + encode(types, list(args))).hex()


def one_line_error(result) -> str:
    """The command's refusal: exit status not 0, one line of error, no traceback."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("INFO:")]
    if result.returncode == 2 and lines and lines[0].startswith("Usage:"):
        lines = lines[2:]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_the_propose_commands_dispute_and_correct_an_epoch_and_refuse_in_one_line(tmp_path, node):
    rpc = node.rpc
    registry = to_checksum_address(
        deploy_direct(rpc, container("ChainRegistry"), DEPLOYER, COLLECTIVE, ZERO, sender=DEPLOYER)
    )
    register = "registerChain(uint256,address,uint16,uint16,bytes32)"
    node.send(DEPLOYER, registry, calldata(register, 10, TREASURY, 250, 1_500, ZERO_HASH))
    node.send(DEPLOYER, registry, calldata(register, 8453, "0x" + "7e" * 20, 250, 1_500, ZERO_HASH))
    shared = to_checksum_address(
        deploy_direct(
            rpc,
            container("SharedSequencerSplitter"),
            registry,
            REPORTER,
            FEE_RECIPIENT,
            FEE_BPS,
            sender=DEPLOYER,
        )
    )
    out = tmp_path / "proposals"

    def propose(*args: str):
        where = [
            "--registry",
            registry,
            "--network",
            node.network,
            "--records",
            str(tmp_path),
            "--out",
            str(out),
        ]
        return ape_run("propose", *args, *where)

    def written(result) -> Path:
        """The proposal's folder, as the command printed it."""
        assert result.returncode == 0, result.stdout + result.stderr
        (batch,) = [
            line.split("wrote ")[1] for line in result.stdout.splitlines() if "safe-batch.json" in line
        ]
        return Path(batch).parent

    def executed(result, sender: str) -> Path:
        """What the acting account does with the written batch: sends each call, with its value."""
        folder = written(result)
        for tx in json.loads((folder / "safe-batch.json").read_text())["transactions"]:
            rpc.send({"from": sender, "to": tx["to"], "data": tx["data"], "value": hex(int(tx["value"]))})
        return folder

    def view(signature: str, *args) -> tuple:
        outputs = {"epochRecord(uint256)": ["(bytes32,uint64,uint64,uint8)"]}.get(signature, ["uint256"])
        answer = node.call(shared, calldata(signature, *args))
        return decode(outputs, bytes.fromhex(answer[2:]))[0]

    def report(revenues: list[ChainRevenue]) -> None:
        epoch, end = view("lastEpoch()") + 1, rpc.latest_timestamp()
        data = calldata(
            f"reportEpoch(uint256,uint64,{REVENUES})", epoch, end, [r.as_tuple() for r in revenues]
        )
        rpc.send({"from": REPORTER, "to": shared, "data": data, "value": hex(sum(r.gross for r in revenues))})

    executed(propose("set-dispute-window", "--shared", shared, "--window", "1h"), DEPLOYER)
    assert view("disputeWindow()") == 3_600
    report([ChainRevenue(10, 4 * E18, E18), ChainRevenue(8453, 6 * E18, 2 * E18)])
    folder = executed(
        propose("dispute-epoch", "--shared", shared, "--epoch", "1", "--chain-id", "10"), TREASURY
    )
    text = (folder / "proposal.md").read_text()
    assert f"Chain 10's treasury {TREASURY} disputes epoch 1" in text
    assert "that account sends it itself" in text and "WARNING" not in text
    assert view("epochRecord(uint256)", 1)[3] == DISPUTED

    refusals = {
        (
            "confirm-epoch",
            "--epoch",
            "7",
        ): f"refused: epoch 7 was not reported by the shared splitter {shared}",
        ("dispute-epoch", "--epoch", "1"): "refused: epoch 1 is already disputed",
        ("correct-epoch", "--epoch", "1", "--chain", "10=4 ether", "--chain", "8453=5 ether"): (
            "refused: the corrected gross adds up to 9 ETH, but must be the reported 10 ETH plus --added"
        ),
        ("correct-epoch", "--epoch", "1", "--chain", "8453"): "'8453': write CHAIN_ID=GROSS[:L1COST]",
        ("set-dispute-window", "--window", "31d"): "refused: dispute window 31 days (2,678,400 s) is above",
    }
    for args, message in refusals.items():
        assert message in one_line_error(propose(args[0], "--shared", shared, *args[1:])), args
    not_shared = propose("confirm-epoch", "--shared", registry, "--epoch", "1")
    assert one_line_error(not_shared) == f"Error: refused: {registry} is not a SharedSequencerSplitter"

    correction = [
        "--chain",
        "8453=5 ether:2 ether",
        "--chain",
        "10=5.25 ether:1 ether",
        "--added",
        "0.25 ether",
    ]
    folder = executed(propose("correct-epoch", "--shared", shared, "--epoch", "1", *correction), DEPLOYER)
    assert "| 10 | 4 ETH | 5.25 ETH |" in (folder / "proposal.md").read_text()
    assert view("epochRecord(uint256)", 1)[3] == CORRECTED
    for chain_id, gross, l1_cost in ((10, 21 * E18 // 4, E18), (8453, 5 * E18, 2 * E18)):
        want = split_with_fee(gross, l1_cost, *TERMS[chain_id], FEE_BPS).chain
        assert view("chainClaimable(address,uint256)", ETH, chain_id) == want
    assert view("totalClaimable(address)", ETH) == rpc.balance(shared) == 41 * E18 // 4

    # The next epoch, its window passed: too late to dispute, and nothing to confirm.
    node.increase_time(2 * 3_600 + 1)  # epoch 1's dispute window, then its claim period
    report([ChainRevenue(10, E18, 0)])
    node.increase_time(3_601)
    late = propose("dispute-epoch", "--shared", shared, "--epoch", "2", "--chain-id", "10")
    assert "refused: epoch 2's dispute window closed at" in one_line_error(late)
    undisputed = propose("confirm-epoch", "--shared", shared, "--epoch", "2")
    assert "refused: epoch 2 is not disputed (it is reported): nothing to confirm" in one_line_error(
        undisputed
    )


def test_a_treasury_paid_on_l1_disputes_with_a_deposit(world, chain):
    """Chain 8453's treasury is paid on L1 (its registry destination): the dispute proposal is the
    L1 account's deposit through the OptimismPortal, and the call from that account's alias on L2
    is accepted by the splitter."""
    from ape import accounts

    from revshare.chain.opstack import alias
    from revshare.chain.routes import Destination, Route
    from revshare.governance.proposals import propose_set_destination

    shared, registry = world.shared, world.registry
    treasury = registry.getChain(8453).treasury
    l1_safe = to_checksum_address("0x" + "5a" * 20)
    route = Destination(Route.L1_MESSAGE_PASSER, l1_safe, 200_000, 0)
    world.run(lambda reg, st: propose_set_destination(reg, st, treasury, route))
    world.run(lambda reg, st: disputes.propose_set_dispute_window(reg, st, shared, 3_600))
    epoch = world.report([ChainRevenue(10, 4 * E18, E18), ChainRevenue(8453, 6 * E18, 2 * E18)])
    folder = world.propose(lambda reg, st: disputes.propose_dispute_epoch(reg, st, shared, epoch, 8453))
    deposits = json.loads((folder / "deposits.json").read_text())
    sender = alias(l1_safe)
    assert (deposits["l1_sender"], deposits["l2_sender"]) == (l1_safe, sender)
    assert f"{l1_safe} sends it from L1 as a deposit" in (folder / "proposal.md").read_text()
    (call,) = deposits["deposits"]
    assert call["to"] == shared.address and call["value"] == "0"
    # The deposit's L2 call, sent from the alias as the portal would:
    chain.provider.set_balance(sender, 10**20)
    accounts[sender].transfer(shared, 0, data=call["data"])
    assert shared.epochRecord(epoch).status == DISPUTED


def test_the_first_window_starts_where_governance_proposes(world, chain):
    shared = world.shared
    start = chain.blocks.head.timestamp - 86_400

    def window_start(at):
        return lambda reg, st: disputes.propose_set_window_start(reg, st, shared, at)

    world.refused(window_start(chain.blocks.head.timestamp + 3_600), "is in the future")
    text = (world.run(window_start(start)) / "proposal.md").read_text()
    assert shared.lastWindowEnd(ETH) == start
    assert "first window's start (ETH)" in text
    world.refused(window_start(start), "already starts at")
    world.report([ChainRevenue(10, E18, 0)])
    world.refused(window_start(start - 1), "has reported 1 epoch")

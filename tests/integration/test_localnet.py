"""The local multi-chain lab (`revshare.demo.localnet`, `opstack`): an L1 and two OP-mode L2s at
once, each with the real Safe and OP Stack contracts where the npm packages ship them; nodes that
keep their state over a restart and never outlive the network that started them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import eth_abi
import pytest
from eth_utils import keccak, to_checksum_address

from revshare.chain.addresses import (
    L2_CROSS_DOMAIN_MESSENGER,
    L2_STANDARD_BRIDGE,
    L2_TO_L1_MESSAGE_PASSER,
    PREDEPLOY_VAULTS,
    PROXY_ADMIN,
)
from revshare.chain.fork import ForkError
from revshare.demo import localnet, opstack
from revshare.demo.localnet import (
    LocalChain,
    LocalChainError,
    LocalNetwork,
    Method,
    TransactionFailed,
    abi_event,
    abi_method,
)
from revshare.demo.opstack import WithdrawalNetwork

L1_ID, L2_IDS = 900, (901, 902)
ETHER = 10**18
SEQUENCER, BASE, L1_VAULT, OPERATOR = (PREDEPLOY_VAULTS[r] for r in opstack.LEGACY_VAULT_CODE)
WITHDRAWAL_3 = "Withdrawal(uint256,address,address)"
WITHDRAWAL_4 = "Withdrawal(uint256,address,address,uint8)"
# keccak256("fallback_manager.handler.address"): where a Safe keeps its fallback handler.
FALLBACK_HANDLER_SLOT = int.from_bytes(keccak(text="fallback_manager.handler.address"), "big")
L1_BRIDGE = to_checksum_address("0x" + "b1" * 20)
L1_MESSENGER = to_checksum_address("0x" + "c1" * 20)


def fresh_address(label: str) -> str:
    """An address nobody else in these tests uses (no code, no balance, never a sender)."""
    return to_checksum_address(keccak(text=label)[-20:])


def alive(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.fixture(scope="module")
def network():
    with LocalNetwork(L1_ID, L2_IDS) as started:
        yield started


def test_one_l1_and_two_op_l2s_answer_their_chain_ids(network):
    assert [chain.chain_id for chain in network] == [L1_ID, *L2_IDS]
    assert len(set(network.uris().values())) == 3
    for chain in network:
        assert chain.running
        assert int(chain.request("eth_chainId"), 16) == chain.chain_id
    assert not network.l1.optimism and all(l2.optimism for l2 in network.l2s)
    assert "--optimism" not in network.l1.command() and all("--optimism" in c.command() for c in network.l2s)


def test_only_the_l2s_run_in_op_mode(network):
    # OP-mode anvil credits each block's base fees to the BaseFeeVault address; the L1 burns them.
    for chain in network:
        before = chain.balance(BASE)
        receipt = chain.transfer(fresh_address(f"op-mode-{chain.chain_id}"), 1)
        base_fee = int(chain.block(int(receipt["blockNumber"], 16))["baseFeePerGas"], 16)
        credited = chain.balance(BASE) - before
        assert credited == (int(receipt["gasUsed"], 16) * base_fee if chain.optimism else 0)
        assert base_fee > 0


@pytest.mark.parametrize("chain_id", [L1_ID, L2_IDS[0]])
def test_a_safe_receives_eth_with_a_safe_received_event(network, chain_id):
    chain = network[chain_id]
    owners = chain.accounts()[1:4]
    safe = opstack.deploy_safe(chain, owners, 2)
    singletons = opstack.safe_singletons(chain)
    assert chain.call(safe, abi_method("SafeL2", "getOwners")) == owners
    assert chain.call(safe, abi_method("SafeL2", "getThreshold")) == 2
    assert chain.call(safe, "VERSION()(string)") == "1.5.0"
    assert chain.storage(safe, 0) == int(singletons.singleton, 16)  # the proxy's singleton
    assert chain.storage(safe, FALLBACK_HANDLER_SLOT) == int(singletons.fallback_handler, 16)

    payer = chain.accounts()[5]
    receipt = chain.transfer(safe, 3 * ETHER + 7, sender=payer)
    received = chain.events(receipt, abi_event("SafeL2", "SafeReceived"))
    assert [(e["address"], e["sender"], e["value"]) for e in received] == [(safe, payer, 3 * ETHER + 7)]
    assert chain.balance(safe) == 3 * ETHER + 7

    # A second Safe on the same chain shares the singletons and gets its own address.
    other = opstack.deploy_safe(chain, owners[:1], 1)
    assert other != safe
    assert opstack.safe_singletons(chain) is singletons
    assert chain.call(other, abi_method("SafeL2", "getThreshold")) == 1


def test_a_safe_is_set_up_only_with_a_reachable_threshold(network):
    chain = network[L2_IDS[1]]
    with pytest.raises(ValueError, match="threshold 3 for 2 owners"):
        opstack.deploy_safe(chain, chain.accounts()[:2], 3)


def test_legacy_vaults_pay_their_l2_recipients(network):
    chain = network[L2_IDS[0]]
    recipients = {role: fresh_address(f"recipient-{role}") for role in ("sequencer", "base", "l1")}
    installed = opstack.install_legacy_vaults(
        chain,
        {
            "sequencer_fee_vault": recipients["sequencer"],
            "base_fee_vault": recipients["base"],
            "l1_fee_vault": recipients["l1"],
        },
        minimum_by_role={"l1_fee_vault": 2 * ETHER},
    )
    assert installed == {
        role: to_checksum_address(address) for role, address in PREDEPLOY_VAULTS.items() if address
    }
    for vault, recipient, minimum in (
        (SEQUENCER, recipients["sequencer"], 0),
        (BASE, recipients["base"], 0),
        (L1_VAULT, recipients["l1"], 2 * ETHER),
        (OPERATOR, BASE, 0),
    ):
        assert chain.call(vault, "RECIPIENT()(address)") == to_checksum_address(recipient)
        assert chain.call(vault, "MIN_WITHDRAWAL_AMOUNT()(uint256)") == minimum
        assert chain.call(vault, "WITHDRAWAL_NETWORK()(uint8)") == WithdrawalNetwork.L2

    caller = chain.accounts()[6]
    for vault, recipient, amount in (
        (SEQUENCER, recipients["sequencer"], 5 * ETHER + 1),
        (BASE, recipients["base"], 4 * ETHER + 3),
        (L1_VAULT, recipients["l1"], 2 * ETHER),
    ):
        processed = chain.call(vault, "totalProcessed()(uint256)")
        chain.set_balance(vault, amount)
        receipt = chain.transact(vault, "withdraw()", sender=caller)
        assert chain.balance(recipient) == amount
        three = chain.events(receipt, abi_event("BaseFeeVault", WITHDRAWAL_3), vault)
        four = chain.events(receipt, abi_event("BaseFeeVault", WITHDRAWAL_4), vault)
        assert [(e["value"], e["to"], e["from"]) for e in three] == [(amount, recipient, caller)]
        assert [(e["value"], e["to"], e["from"], e["withdrawalNetwork"]) for e in four] == [
            (amount, recipient, caller, WithdrawalNetwork.L2)
        ]
        assert chain.call(vault, "totalProcessed()(uint256)") == processed + amount


def test_a_vault_below_its_minimum_refuses_with_its_reason(network):
    chain = network[L2_IDS[1]]
    opstack.install_legacy_vaults(
        chain,
        dict.fromkeys(("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault"), fresh_address("below")),
        minimum_by_role={"sequencer_fee_vault": ETHER},
    )
    chain.set_balance(SEQUENCER, ETHER - 1)
    with pytest.raises(TransactionFailed, match="withdrawal amount must be greater than minimum"):
        chain.transact(SEQUENCER, "withdraw()")
    assert chain.balance(SEQUENCER) == ETHER - 1


def test_the_operator_vault_pays_the_base_fee_vault_by_default(network):
    chain = network[L2_IDS[1]]
    opstack.install_legacy_vaults(
        chain, dict.fromkeys(("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault"), fresh_address("op"))
    )
    chain.set_balance(OPERATOR, 6 * ETHER + 5)
    before = chain.balance(BASE)
    receipt = chain.transact(OPERATOR, "withdraw()")
    # The BaseFeeVault also gets this transaction's base fee (anvil's OP mode credits it there).
    base_fee = int(chain.block(int(receipt["blockNumber"], 16))["baseFeePerGas"], 16)
    fee = int(receipt["gasUsed"], 16) * base_fee
    assert chain.balance(BASE) - before == 6 * ETHER + 5 + fee
    assert chain.balance(OPERATOR) == 0
    (event,) = chain.events(receipt, abi_event("BaseFeeVault", WITHDRAWAL_4), OPERATOR)
    assert (event["value"], event["to"], event["withdrawalNetwork"]) == (
        6 * ETHER + 5,
        BASE,
        WithdrawalNetwork.L2,
    )


def test_a_vault_set_to_l1_withdraws_through_the_real_message_passer(network):
    chain = network[L2_IDS[0]]
    recipient = fresh_address("l1-recipient")
    path = opstack.install_withdrawal_path(chain, L1_BRIDGE, L1_MESSENGER)
    assert path["L2StandardBridge"] == to_checksum_address(L2_STANDARD_BRIDGE)
    assert chain.call(L2_STANDARD_BRIDGE, "otherBridge()(address)") == L1_BRIDGE
    assert chain.call(L2_CROSS_DOMAIN_MESSENGER, "otherMessenger()(address)") == L1_MESSENGER
    opstack.install_legacy_vaults(
        chain,
        dict.fromkeys(("sequencer_fee_vault", "base_fee_vault", "l1_fee_vault"), recipient),
        network_by_role={"sequencer_fee_vault": WithdrawalNetwork.L1},
    )
    assert chain.call(SEQUENCER, "WITHDRAWAL_NETWORK()(uint8)") == WithdrawalNetwork.L1
    amount = 7 * ETHER + 11
    nonce = chain.call(L2_TO_L1_MESSAGE_PASSER, "messageNonce()(uint256)")
    passer_before = chain.balance(L2_TO_L1_MESSAGE_PASSER)
    chain.set_balance(SEQUENCER, amount)
    receipt = chain.transact(SEQUENCER, "withdraw()")

    assert chain.balance(recipient) == 0  # paid on L1, not here
    assert chain.balance(L2_TO_L1_MESSAGE_PASSER) - passer_before == amount  # held until burnt
    (four,) = chain.events(receipt, abi_event("BaseFeeVault", WITHDRAWAL_4), SEQUENCER)
    assert (four["value"], four["to"], four["withdrawalNetwork"]) == (amount, recipient, WithdrawalNetwork.L1)
    (passed,) = chain.events(
        receipt, abi_event("L2ToL1MessagePasser", "MessagePassed"), L2_TO_L1_MESSAGE_PASSER
    )
    assert passed["nonce"] == nonce
    assert passed["sender"] == to_checksum_address(L2_CROSS_DOMAIN_MESSENGER)
    assert passed["target"] == L1_MESSENGER
    assert passed["value"] == amount
    # The message relays the bridge's finalizeBridgeETH(vault -> recipient) on L1.
    relay = Method.of("relayMessage(uint256,address,address,uint256,uint256,bytes)")
    assert passed["data"][:4] == relay.selector
    _, sender, target, value, min_gas, message = eth_abi.decode(list(relay.inputs), passed["data"][4:])
    assert (to_checksum_address(sender), to_checksum_address(target), value, min_gas) == (
        to_checksum_address(L2_STANDARD_BRIDGE),
        L1_BRIDGE,
        amount,
        35_000,  # bedrock 1.4.1 vaults bridge with a 35,000 gas minimum
    )
    finalize = Method.of("finalizeBridgeETH(address,address,uint256,bytes)")
    assert message == bytes.fromhex(finalize.encode([SEQUENCER, recipient, amount, b""])[2:])
    # The withdrawal hash is the real one, and the passer recorded it.
    expected = keccak(
        eth_abi.encode(
            ["uint256", "address", "address", "uint256", "uint256", "bytes"],
            [nonce, L2_CROSS_DOMAIN_MESSENGER, L1_MESSENGER, amount, passed["gasLimit"], passed["data"]],
        )
    )
    assert passed["withdrawalHash"] == expected
    assert chain.call(L2_TO_L1_MESSAGE_PASSER, "sentMessages(bytes32)(bool)", [expected]) is True
    assert chain.call(L2_TO_L1_MESSAGE_PASSER, "messageNonce()(uint256)") == nonce + 1


def test_the_message_passer_works_without_initialisation(network):
    chain = network[L2_IDS[1]]
    opstack.install_message_passer(chain)
    nonce = chain.call(L2_TO_L1_MESSAGE_PASSER, "messageNonce()(uint256)")
    assert nonce >> 240 == 1  # MESSAGE_VERSION 1 in the top two bytes
    target = fresh_address("passer-target")
    sender = chain.accounts()[7]
    receipt = chain.transact(
        L2_TO_L1_MESSAGE_PASSER,
        "initiateWithdrawal(address,uint256,bytes)",
        [target, 100_000, b"\x01"],
        sender=sender,
        value=12345,
    )
    (passed,) = chain.events(receipt, abi_event("L2ToL1MessagePasser", "MessagePassed"))
    assert (passed["nonce"], passed["sender"], passed["target"], passed["value"], passed["gasLimit"]) == (
        nonce,
        sender,
        target,
        12345,
        100_000,
    )
    assert chain.call(L2_TO_L1_MESSAGE_PASSER, "sentMessages(bytes32)(bool)", [passed["withdrawalHash"]])


def test_the_proxy_admin_has_its_owner(network):
    chain = network[L2_IDS[0]]
    owner, stranger = chain.accounts()[8], chain.accounts()[9]
    assert opstack.install_proxy_admin(chain, owner) == to_checksum_address(PROXY_ADMIN)
    assert chain.call(PROXY_ADMIN, abi_method("ProxyAdmin", "owner")) == owner
    with pytest.raises(TransactionFailed, match="Ownable: caller is not the owner"):
        chain.transact(PROXY_ADMIN, "transferOwnership(address)", [stranger], sender=stranger)
    chain.transact(PROXY_ADMIN, "transferOwnership(address)", [stranger], sender=owner)
    assert chain.call(PROXY_ADMIN, "owner()(address)") == stranger


def test_time_and_cheat_codes(network):
    chain = network.l1
    latest = int(chain.block()["timestamp"], 16)
    number = chain.mine(latest + 1000)
    assert int(chain.block(number)["timestamp"], 16) == latest + 1000
    chain.set_next_timestamp(latest + 5000)
    receipt = chain.transfer(fresh_address("timed"), 1)
    assert int(chain.block(int(receipt["blockNumber"], 16))["timestamp"], 16) == latest + 5000
    holder = fresh_address("cheats")
    chain.set_storage(holder, 3, 0xABC)
    chain.set_code(holder, "0x00")
    assert chain.storage(holder, 3) == 0xABC and chain.code(holder) == "0x00"


def test_a_deployment_encodes_its_constructor_arguments(network):
    chain = network.l1
    recipient = fresh_address("deployed-vault")
    vault = chain.deploy("L1FeeVault", recipient, 123, WithdrawalNetwork.L1)
    assert chain.call(vault, "RECIPIENT()(address)") == recipient
    assert chain.call(vault, "MIN_WITHDRAWAL_AMOUNT()(uint256)") == 123
    assert chain.call(vault, "WITHDRAWAL_NETWORK()(uint8)") == WithdrawalNetwork.L1
    with pytest.raises(TypeError, match="takes 3 arguments, not 1"):
        chain.deploy("L1FeeVault", recipient)


def test_a_stopped_chain_restarts_with_its_state(tmp_path):
    with LocalNetwork(L1_ID, [L2_IDS[0]], state_dir=tmp_path) as lab:
        l2 = lab[L2_IDS[0]]
        safe = opstack.deploy_safe(l2, l2.accounts()[:1], 1)
        l2.transfer(safe, ETHER)
        block = l2.block_number()
        uri, pid = l2.uri, l2.pid
        l2.stop()
        assert not alive(pid) and not l2.running
        assert (tmp_path / f"anvil-{L2_IDS[0]}.json").stat().st_size > 0
        with pytest.raises(LocalChainError, match="not running"):
            l2.block_number()
        l2.start()
        assert l2.pid != pid and l2.uri == uri
        assert l2.block_number() == block
        assert l2.balance(safe) == ETHER
        assert l2.call(safe, abi_method("SafeL2", "getOwners")) == l2.accounts()[:1]
        assert opstack.deploy_safe(l2, l2.accounts()[1:2], 1) != safe  # the singletons are still there


def test_no_node_outlives_the_network_even_when_the_body_raises():
    pids = []
    with pytest.raises(RuntimeError, match="the body failed"), LocalNetwork(910, (911, 912)) as lab:
        pids = [chain.pid for chain in lab]
        assert all(alive(pid) for pid in pids)
        raise RuntimeError("the body failed")
    assert len(pids) == 3
    assert not any(alive(pid) for pid in pids)


def test_nodes_left_running_are_stopped_when_python_exits():
    # A network started, never stopped and dropped: the exit guard still finds its nodes.
    script = (
        "import gc\n"
        "from revshare.demo.localnet import LocalNetwork\n"
        "lab = LocalNetwork(930, (931,)).start()\n"
        "print(*(chain.pid for chain in lab))\n"
        "del lab\n"
        "gc.collect()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=localnet.PROJECT_ROOT
    )
    assert done.returncode == 0, done.stderr
    pids = [int(pid) for pid in done.stdout.split()]
    assert len(pids) == 2
    assert not any(alive(pid) for pid in pids)


def test_a_failed_start_stops_the_nodes_already_up(tmp_path):
    (tmp_path / "anvil-922.json").write_text("not a state file")
    lab = LocalNetwork(920, (921, 922), state_dir=tmp_path)
    with pytest.raises(LocalChainError, match=r"L2 922: anvil exited .*failed to parse"):
        lab.start()
    pids = [chain.pid for chain in lab]
    assert all(pids) and not any(chain.running for chain in lab)
    assert not any(alive(pid) for pid in pids)


def test_a_node_whose_port_is_taken_moves_to_another():
    with socket.socket() as mute:  # listens, never answers
        mute.bind((localnet.HOST, 0))
        mute.listen()
        taken = mute.getsockname()[1]
        with LocalChain(940, port=taken) as chain:
            assert chain.uri != f"http://{localnet.HOST}:{taken}"
            assert int(chain.request("eth_chainId"), 16) == 940


def test_anvil_is_found_on_path_or_in_node_modules(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    packaged = localnet.anvil_binary()
    assert packaged.is_file() and packaged.name == "anvil"
    assert packaged.parents[2].name == "@foundry-rs" and packaged.parents[3].name == "node_modules"
    with pytest.raises(ForkError, match="anvil not found"):
        localnet.anvil_binary(tmp_path)
    with pytest.raises(LocalChainError, match="has not been started"):
        _ = LocalChain(5).uri

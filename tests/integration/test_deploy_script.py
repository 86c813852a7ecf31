"""`ape run deploy`: a valid config deploys and records; each class of bad input is refused clearly."""

from __future__ import annotations

import json

import pytest
import yaml

from revshare.deploying.config import load_config
from revshare.deploying.deploy import deploy
from tests.integration.helpers import ROOT, ape_run

COLLECTIVE = "0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c0"
TREASURY = "0x7e7e7e7E7e7E7e7e7e7E7e7e7e7E7e7e7e7e7e7E"
OWNER = "0x1111111111111111111111111111111111111111"


def valid_config() -> dict:
    return {
        "collective": COLLECTIVE,
        "owner": OWNER,
        "chains": [
            {
                "chain_id": 8453,
                "name": "Base",
                "treasury": TREASURY,
                "gross_bps": 300,
                "net_bps": 1200,
                "terms_hash": "0x" + "ab" * 32,
                "disbursement_interval": 3600,
            },
            {"chain_id": 10, "treasury": "0x2222222222222222222222222222222222222222"},
        ],
        "mock_vaults": {"min_withdrawal": "0.5 ether"},
    }


def write(tmp_path, data) -> str:
    path = tmp_path / "deploy.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return str(path)


def test_deploy_function_builds_a_working_system(tmp_path, chain, owner, keeper, project):
    data = valid_config()
    data["mock_vaults"]["min_withdrawal"] = "0 ether"  # splitters refuse vaults with a minimum
    data["chains"][0]["fee_splitter_calculator"] = True  # Base's, deployed here (the node is Base)
    data["chains"][1]["fee_splitter_calculator"] = True  # chain 10's belongs on chain 10's network
    data["grants"] = True
    config = load_config(write(tmp_path, data))
    deployment = deploy(config, 8453, owner, record_dir=tmp_path / "records", log=lambda _: None)
    registry, splitter = deployment.registry, deployment.splitter

    assert registry.collective() == COLLECTIVE
    assert registry.chainCount() == 2
    base = registry.getChain(8453)
    assert (base.treasury, base.grossBps, base.netBps, base.termsHash.hex()) == (
        TREASURY,
        300,
        1200,
        "ab" * 32,
    )
    assert registry.getChain(10).grossBps == 250  # defaults
    assert registry.pendingOwner() == OWNER  # two-step hand-over started

    assert splitter.CHAIN_ID() == 8453
    assert splitter.DISBURSEMENT_INTERVAL() == 3600
    for role, vault in deployment.vaults.items():
        assert vault.RECIPIENT() == splitter.address, role
        assert vault.MIN_WITHDRAWAL_AMOUNT() == 0
    assert splitter.L1_FEE_VAULT() == deployment.vaults["l1_fee_vault"].address

    record = json.loads(deployment.record.path.read_text())
    assert record["contracts"]["ChainRegistry"]["address"] == registry.address
    assert record["contracts"]["ChainRevenueSplitter:8453"]["constructor_args"][1] == 8453
    for entry in record["contracts"].values():
        assert entry["tx_hash"].startswith("0x") and entry["block"] is not None
    assert len(record["actions"]) == 3  # two registrations + ownership offer
    calculator, grants = deployment.calculator, deployment.grants
    assert set(record["contracts"]) == {
        "ChainRegistry", "ChainRevenueSplitter:8453", "RegistrySharesCalculator:8453", "RevenueLinkedGrants",
        *(f"MockFeeVault:{role}" for role in deployment.vaults),
    }  # fmt: skip
    assert (calculator.REGISTRY(), calculator.CHAIN_ID(), grants.REGISTRY()) == (
        registry.address,
        8453,
        registry.address,
    )
    assert chain.provider.get_code(calculator.COLLECTIVE_PAYEE()) and chain.provider.get_code(
        calculator.TREASURY_PAYEE()
    )

    keeper.transfer(deployment.vaults["sequencer_fee_vault"], 10**18)
    splitter.disburse(sender=keeper)
    assert chain.provider.get_balance(TREASURY) == 10**18 - 12 * 10**16  # 12% of net


def test_deploying_flags_fee_vault_minimums(tmp_path, owner):
    lines: list[str] = []
    deployment = deploy(
        load_config(write(tmp_path, valid_config())), 8453, owner, record_dir=tmp_path / "r", log=lines.append
    )
    assert len(deployment.vault_warnings) == 4
    for role, vault in deployment.vaults.items():
        expected = (
            f"WARNING: {role} {vault.address} has a minimum withdrawal of 0.5 ETH: the splitter refuses"
        )
        assert any(expected in line for line in lines), lines


def test_ape_run_deploy_end_to_end(tmp_path):
    records = tmp_path / "records"
    result = ape_run(
        "deploy", "--config", write(tmp_path, valid_config()), "--chain-id", "10", "--records", str(records)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ChainRevenueSplitter:10" in result.stdout
    record = json.loads((records / "ethereum" / "local.json").read_text())
    assert record["network"] == "ethereum:local:foundry"
    assert record["chain_id"] == 31337
    assert set(record["contracts"]) == {
        "ChainRegistry",
        "MockFeeVault:sequencer_fee_vault",
        "MockFeeVault:base_fee_vault",
        "MockFeeVault:l1_fee_vault",
        "MockFeeVault:operator_fee_vault",
        "ChainRevenueSplitter:10",
    }


def _mutate(change):
    data = valid_config()
    change(data)
    return data


BAD_CONFIGS = {
    "bps above 10000": (
        _mutate(lambda d: d["chains"][0].update(net_bps=10_001)),
        "chains[0].net_bps: 10001 bps is outside 0..10000",
    ),
    "negative bps": (_mutate(lambda d: d["chains"][0].update(gross_bps=-1)), "chains[0].gross_bps"),
    "zero address": (
        _mutate(lambda d: d.update(collective="0x" + "00" * 20)),
        "collective: must not be the zero address",
    ),
    "malformed address": (
        _mutate(lambda d: d["chains"][0].update(treasury="0x1234")),
        "chains[0].treasury: '0x1234' is not an address",
    ),
    "duplicate address": (
        _mutate(lambda d: d["chains"][1].update(treasury=TREASURY)),
        f"chains[1].treasury: {TREASURY} is already used as chains[0].treasury",
    ),
    "treasury is the collective": (
        _mutate(lambda d: d["chains"][0].update(treasury=COLLECTIVE)),
        "is already used as collective",
    ),
    "duplicate chain id": (
        _mutate(lambda d: d["chains"][1].update(chain_id=8453)),
        "chains[1].chain_id: chain 8453 is already configured at chains[0]",
    ),
    "missing treasury": (
        _mutate(lambda d: d["chains"][0].pop("treasury")),
        "chains[0].treasury: is required",
    ),
    "unknown key": (_mutate(lambda d: d.update(colective=COLLECTIVE)), "unknown key 'colective'"),
    "bad amount": (
        _mutate(lambda d: d["mock_vaults"].update(min_withdrawal="lots")),
        "mock_vaults.min_withdrawal",
    ),
    "not yaml": ("collective: [unclosed", "not valid YAML"),
    "no chains": (_mutate(lambda d: d.update(chains=[])), "chains: must be a non-empty list"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_invalid_config_is_refused_before_anything_runs(tmp_path, case):
    data, message = BAD_CONFIGS[case]
    records = tmp_path / "records"
    result = ape_run("deploy", "--config", write(tmp_path, data), "--records", str(records))
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert message in output
    assert "Traceback" not in output
    assert not records.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chain-id", "999"], "unknown chain 999: the config has 8453, 10"),
        ([], "several chains configured (8453, 10): choose one"),
    ],
)
def test_chain_choice_is_checked(tmp_path, args, message):
    result = ape_run("deploy", "--config", write(tmp_path, valid_config()), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file(tmp_path):
    result = ape_run("deploy", "--config", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert "file not found" in result.stderr


def test_example_configs_are_valid(monkeypatch):
    for path in sorted((ROOT / "config").glob("*.yaml")):
        load_config(path)
    from revshare.monitor.config import load_monitor_config

    for name in ("L1_RPC", "OP_RPC", "CHAIN_RPC"):
        monkeypatch.setenv(name, "https://node.example/v2/KEY")
    monitor = load_monitor_config(ROOT / "config" / "monitor" / "superchain.example.yaml")
    assert [c.chain_id for c in monitor.chains] == [10, 8453]

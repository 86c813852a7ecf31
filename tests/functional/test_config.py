"""Config parsing details not covered by the deploy script's integration tests."""

import time

import pytest
from eth_utils import to_checksum_address

from revshare.chain.addresses import PREDEPLOY_VAULTS, VAULT_ROLES
from revshare.chain.routes import DEFAULT_L1_GAS_LIMIT, Destination, Route
from revshare.deploying.config import ConfigError, load_config, parse_amount, parse_config, terms_hash_of

COLLECTIVE = "0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"
TREASURY = "0x7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e"
L1_ACCOUNT = "0x1111111111111111111111111111111111111111"


def config(**chain):
    return {"collective": COLLECTIVE, "chains": [{"chain_id": 10, "treasury": TREASURY, **chain}]}


@pytest.mark.parametrize(
    ("text", "wei"),
    [(0, 0), (123, 123), ("1 ether", 10**18), ("1.5 ETH", 15 * 10**17), ("20 gwei", 2 * 10**10), ("7", 7)],
)
def test_parse_amount(text, wei):
    assert parse_amount(text) == wei


@pytest.mark.parametrize("text", [-1, "0.5 wei", "1e-30 ether", "one ether", "1 dollar", True, 1.5, "1 2 3"])
def test_parse_amount_rejects(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_defaults_and_checksums():
    parsed = parse_config(config())
    chain = parsed.chains[0]
    assert parsed.collective == "0xC0C0c0c0C0C0c0c0c0C0c0C0C0C0C0C0C0C0c0c0"
    assert (chain.gross_bps, chain.net_bps, chain.disbursement_interval) == (250, 1500, 86_400)
    assert chain.vaults == PREDEPLOY_VAULTS
    assert chain.name == "chain 10"
    assert parsed.owner is None


def test_terms_document_is_hashed(tmp_path):
    (tmp_path / "terms.md").write_text("the agreed terms\n")
    parsed = parse_config(config(terms_document="terms.md"), base_dir=tmp_path)
    assert parsed.chains[0].terms_hash == terms_hash_of(tmp_path / "terms.md")
    # keccak256("the agreed terms\n"), computed independently of the code under test
    from eth_utils import keccak

    assert parsed.chains[0].terms_hash == "0x" + keccak(b"the agreed terms\n").hex()


def test_terms_document_and_hash_are_exclusive(tmp_path):
    (tmp_path / "t.md").write_text("x")
    with pytest.raises(ConfigError, match="not both"):
        parse_config(config(terms_document="t.md", terms_hash="0x" + "00" * 32), base_dir=tmp_path)


def test_missing_terms_document(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        parse_config(config(terms_document="missing.md"), base_dir=tmp_path)


def test_custom_vaults_without_operator_vault():
    vaults = {
        "sequencer_fee_vault": "0x" + "11" * 20,
        "base_fee_vault": "0x" + "12" * 20,
        "l1_fee_vault": "0x" + "13" * 20,
        "operator_fee_vault": None,
    }
    chain = parse_config(config(vaults=vaults)).chains[0]
    assert chain.vaults["operator_fee_vault"] is None
    assert chain.vaults["l1_fee_vault"] == "0x1313131313131313131313131313131313131313"


def test_two_chains_may_both_keep_the_operator_vault_predeploy():
    # Each chain has its own custom vaults but the OperatorFeeVault predeploy (every chain has it at
    # the same address): that is not one address in two roles. Written "...001B" in upper case
    # this used to be refused, because the checksummed default did not equal the constant.
    def chain(chain_id, treasury, byte):
        vaults = {role: "0x" + f"{byte + i:02x}" * 20 for i, role in enumerate(VAULT_ROLES[:3])}
        return {"chain_id": chain_id, "treasury": treasury, "vaults": vaults}

    data = {
        "collective": COLLECTIVE,
        "chains": [chain(10, TREASURY, 0x11), chain(11, "0x" + "77" * 20, 0x21)],
    }
    parsed = parse_config(data)
    assert {c.vaults["operator_fee_vault"] for c in parsed.chains} == {PREDEPLOY_VAULTS["operator_fee_vault"]}
    data["chains"][1]["vaults"]["operator_fee_vault"] = "0x420000000000000000000000000000000000001B"
    assert parse_config(data).chains[1].vaults["operator_fee_vault"] == PREDEPLOY_VAULTS["operator_fee_vault"]


def test_a_vault_cannot_be_the_treasury():
    vaults = {"sequencer_fee_vault": TREASURY}
    with pytest.raises(
        ConfigError, match=r"vaults.sequencer_fee_vault: .* is already used as chains\[0\].treasury"
    ):
        parse_config(config(vaults=vaults))


def test_every_problem_is_reported_at_once():
    with pytest.raises(ConfigError) as info:
        parse_config({"collective": "nope", "chains": [{"chain_id": 0, "treasury": None, "gross_bps": 1.5}]})
    assert len(info.value.problems) == 4  # collective, chain_id, treasury, gross_bps


def test_chain_selection():
    parsed = parse_config(config())
    assert parsed.chain(None).chain_id == 10
    assert parsed.chain(10).chain_id == 10
    with pytest.raises(ConfigError, match="unknown chain 11"):
        parsed.chain(11)


@pytest.mark.parametrize("bad", [None, [], "text", 5])
def test_top_level_must_be_a_mapping(bad):
    with pytest.raises(ConfigError):
        parse_config(bad)


def test_destinations_default_and_explicit():
    operator = "0x0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"
    data = config()
    data["destinations"] = [
        {"recipient": TREASURY, "route": "l1-bridge"},
        {
            "recipient": operator,
            "route": "l1-message-passer",
            "l1_recipient": L1_ACCOUNT,
            "l1_gas_limit": 21_000,
            "min_amount": "0.5 ether",
        },
    ]
    parsed = parse_config(data)
    assert parsed.destination_of(TREASURY) == Destination(
        Route.L1_STANDARD_BRIDGE, to_checksum_address(TREASURY), DEFAULT_L1_GAS_LIMIT, 0
    )  # paid to the same address on L1 by default
    assert parsed.destination_of(operator.upper().replace("0X", "0x")) == Destination(
        Route.L1_MESSAGE_PASSER, to_checksum_address(L1_ACCOUNT), 21_000, 5 * 10**17
    )
    assert parsed.destination_of(COLLECTIVE) == Destination()  # not listed: plain L2 transfer
    assert parsed.destination_of(COLLECTIVE).describe() == "L2 transfer"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"recipient": TREASURY, "route": "l1"},
            "route 'l1' is not one of: l2, l1-bridge, l1-message-passer",
        ),
        ({"recipient": TREASURY, "route": "l1-bridge", "l1_gas_limit": 20_999}, "between 21,000 and"),
        ({"recipient": TREASURY, "route": "l1-bridge", "l1_gas_limit": 2**32}, "between 21,000 and"),
        ({"recipient": TREASURY, "route": "l1-bridge", "l1_gas_limit": "lots"}, "is not a whole number"),
        (
            {"recipient": TREASURY, "route": "l1-bridge", "min_amount": "-1 ether"},
            "not a whole, non-negative",
        ),
        (
            {"recipient": TREASURY, "route": "l1-bridge", "min_amount": 2**128},
            "above the maximum of 10,000 ETH",
        ),
        ({"recipient": TREASURY, "route": "l2", "min_amount": 1}, "an L2 destination takes no"),
        ({"recipient": "0x1234", "route": "l2"}, "recipient: '0x1234' is not an address"),
        ({"recipient": TREASURY, "route": "l2", "gas": 1}, "unknown key 'gas'"),
        (
            {"recipient": TREASURY, "route": "l1-bridge", "l1_recipient": "0x12"},
            "l1_recipient: '0x12' is not",
        ),
        ({"recipient": TREASURY, "route": "l2", "l1_recipient": L1_ACCOUNT}, "an L2 destination takes no"),
        ("treasury", "must be a mapping with recipient and route"),
    ],
)
def test_bad_destinations_are_refused(entry, message):
    data = config()
    data["destinations"] = [entry]
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert any(message in problem for problem in info.value.problems), info.value.problems


def test_a_recipient_has_one_destination():
    data = config()
    data["destinations"] = [
        {"recipient": TREASURY, "route": "l1-bridge"},
        {"recipient": TREASURY.upper().replace("0X", "0x"), "route": "l2"},
    ]
    with pytest.raises(ConfigError, match=r"destinations\[1\].recipient: .* already has a destination"):
        parse_config(data)


# ---------------------------------------------------------------- review #14: inputs refused clearly
MAX_CHAIN_ID = 9_223_372_036_854_775_771  # floor((2**64 - 1) / 2) - 36, EIP-155
# A checksummed address with one letter's case flipped: a typo a wallet would refuse.
GOOD_CHECKSUM = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
BAD_CHECKSUM = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"


def destination_config(**entry):
    data = config()
    data["destinations"] = [{"recipient": TREASURY, "route": "l1-bridge", **entry}]
    return data


def problems_of(data) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return info.value.problems


@pytest.mark.parametrize(
    "text", ["NaN", "nan ether", "sNaN", "inf", "-inf", "Infinity ether", "1e999999999 ether"]
)
def test_non_finite_or_absurd_amounts_are_config_errors(text):
    for data in (destination_config(min_amount=text), {**config(), "mock_vaults": {"min_withdrawal": text}}):
        (problem,) = problems_of(data)
        assert "min_amount" in problem or "mock_vaults.min_withdrawal" in problem
        assert len(problem) < 200


@pytest.mark.parametrize(
    "text", ["0.5 wei", "1e-30 ether", "1.0000000000000000000000000001 ether", "0.0000000001 gwei"]
)
def test_amounts_below_one_wei_are_refused_not_rounded(text):
    for data in (destination_config(min_amount=text), {**config(), "mock_vaults": {"min_withdrawal": text}}):
        (problem,) = problems_of(data)
        assert "not a whole, non-negative number of wei" in problem


def test_amounts_are_exact_at_any_size():
    assert parse_amount("123456789012345678901234567891 wei") == 123456789012345678901234567891
    assert parse_amount("1.000000000000000001 ether") == 10**18 + 1
    assert parse_amount("1e-18 ether") == 1


def test_l1_minimum_and_gas_limit_mirror_the_registry_bounds():
    assert parse_config(destination_config(min_amount="10000 ether", l1_gas_limit=5_000_000))
    (problem,) = problems_of(destination_config(min_amount="10000.000000000000000001 ether"))
    assert "above the maximum of 10,000 ETH" in problem
    (problem,) = problems_of(destination_config(l1_gas_limit=5_000_001))
    assert "between 21,000 and 5,000,000" in problem


def test_chain_ids_must_be_eip155_ids():
    assert parse_config(config(chain_id=MAX_CHAIN_ID)).chains[0].chain_id == MAX_CHAIN_ID
    for bad in (0, -1, MAX_CHAIN_ID + 1, 2**256):
        (problem,) = problems_of(config(chain_id=bad))
        assert problem.startswith("chains[0].chain_id:") and "EIP-155" in problem


def _every_address_field(address: str) -> list[dict]:
    vaults = {"sequencer_fee_vault": address}
    return [
        {**config(), "collective": address},
        {**config(), "owner": address},
        {**config(), "guardian": address},
        {**config(), "timelock": {"proposers": [address], "min_delay": 0}},
        {**config(), "timelock": {"proposers": [L1_ACCOUNT], "executors": [address], "min_delay": 0}},
        config(treasury=address),
        config(vaults=vaults),
        {**config(), "destinations": [{"recipient": address, "route": "l2"}]},
        destination_config(l1_recipient=address),
    ]


def test_mixed_case_addresses_with_a_wrong_checksum_are_refused():
    for data in _every_address_field(BAD_CHECKSUM):
        problems = problems_of(data)
        assert any("fails its EIP-55 checksum" in p for p in problems), problems


def test_lower_upper_and_checksummed_addresses_are_accepted():
    for address in (GOOD_CHECKSUM, GOOD_CHECKSUM.lower(), "0x" + GOOD_CHECKSUM[2:].upper()):
        for data in _every_address_field(address):
            parse_config(data)


@pytest.mark.parametrize(
    "value",
    [" 0x" + "ab" * 32, "0x" + "ab" * 32 + " ", "0x" + "ab" * 32 + "\n", "0X" + "ab" * 32, "0x" + "ab" * 31],
)
def test_terms_hash_is_exactly_0x_and_64_hex_digits(value):
    (problem,) = problems_of(config(terms_hash=value))
    assert "chains[0].terms_hash" in problem and "exactly 64 hex digits" in problem


def write_yaml(tmp_path, text: str):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def test_duplicate_yaml_keys_are_refused_at_any_level(tmp_path):
    top = f"collective: '{COLLECTIVE}'\ncollective: '{TREASURY}'\nchains: []\n"
    nested = (
        f"collective: '{COLLECTIVE}'\n"
        "chains:\n"
        "  - chain_id: 10\n"
        f"    treasury: '{TREASURY}'\n"
        f"    treasury: '{L1_ACCOUNT}'\n"
    )
    for text, line in ((top, 2), (nested, 5)):
        with pytest.raises(ConfigError) as info:
            load_config(write_yaml(tmp_path, text))
        (problem,) = info.value.problems
        assert f"line {line}: duplicate key" in problem


def test_a_yaml_alias_bomb_is_refused_fast_with_a_short_message(tmp_path):
    levels = ["a: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']"]
    for index in range(1, 9):
        prev, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        levels.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    text = "\n".join(levels) + "\ncollective: *i\n"
    started = time.monotonic()
    with pytest.raises(ConfigError) as info:
        load_config(write_yaml(tmp_path, text))
    assert time.monotonic() - started < 2
    assert len(str(info.value)) < 500
    assert "anchors" in str(info.value)


def test_errors_stay_short_for_huge_values(tmp_path):
    huge = "0x" + "ab" * 500_000
    data = config(treasury=huge, name=huge, terms_hash=huge)
    data["chains"] += [{"chain_id": 11 + i, "treasury": huge} for i in range(200)]
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert len(str(info.value)) < 10_000


@pytest.mark.parametrize(
    ("salt", "problem"),
    [
        ("0x" + "ab" * 31 + "  ", "has spaces at its start or end"),
        ("0x12", "0x and exactly 64 hex digits"),
        ("0X" + "ab" * 32, "0x and exactly 64 hex digits"),
        ("ab" * 32, "without its 0x"),
        (0x1234, "write it in quotes"),
    ],
)
def test_a_salt_that_is_almost_right_is_refused(salt, problem):
    data = {
        "collective": "0x" + "11" * 20,
        "chains": [{"chain_id": 10, "treasury": "0x" + "22" * 20}],
        "salt": salt,
    }
    with pytest.raises(ConfigError, match=problem):
        parse_config(data)
    data["salt"] = "0x" + "AB" * 32
    assert parse_config(data).salt == "0x" + "AB" * 32


def test_the_calculator_and_the_grants_escrow_are_asked_for_with_true_only():
    parsed = parse_config(config())
    assert not parsed.grants and not parsed.chains[0].fee_splitter_calculator  # neither unless asked
    asked = parse_config({**config(fee_splitter_calculator=True), "grants": True})
    assert asked.grants and asked.chains[0].fee_splitter_calculator
    assert problems_of({**config(fee_splitter_calculator="yes"), "grants": 1}) == [
        "chains[0].fee_splitter_calculator: Input should be a valid boolean",
        "grants: Input should be a valid boolean",
    ]

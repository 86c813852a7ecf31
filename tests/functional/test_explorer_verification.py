"""What `ape run verify` / `deploy --verify` send to a block explorer, checked offline: the request
to Etherscan's V2 API for a known chain (chain id and key in the query, the standard-JSON input,
the constructor arguments), the polling of its ticket, and each way the explorer can say no."""

from __future__ import annotations

import json

import pytest

from revshare.artifacts import verification_input
from revshare.chain.explorers import ETHERSCAN_V2_API, explorer_for
from revshare.deploying.etherscan import Verifier, VerifyError, verification_form, verifier_for, verify_record
from revshare.deploying.record import DeploymentRecord

REGISTRY = "0x8ED0B8DFc1276e03C07bD76380477188824AeD00"
ARGS = "00" * 12 + "f39fd6e51aad88f6f4ce6ab8827279cfffb92266" + "00" * 64


class Answer:
    def __init__(self, body, status=200):
        self.body, self.status_code = body, status

    def json(self):
        return self.body


class RecordingSession:
    """Stands in for requests.Session: keeps every request, answers from a script."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.sent: list[dict] = []

    def request(self, method, url, params=None, data=None, timeout=None):
        self.sent.append({"method": method, "url": url, "params": params, "data": data})
        return Answer(self.answers.pop(0))


@pytest.fixture
def record(tmp_path):
    record = DeploymentRecord(
        path=tmp_path / "sepolia.json",
        network="optimism:sepolia",
        chain_id=11155420,
        deployer="0x1",
        config="c",
    )
    record.contracts["ChainRegistry"] = {
        "contract": "ChainRegistry",
        "address": REGISTRY,
        "constructor_args_encoded": ARGS,
    }
    return record


def test_the_request_etherscan_v2_gets_for_a_known_chain(record, monkeypatch):
    monkeypatch.setenv("ETHERSCAN_API_KEY", "KEY123")
    verifier = verifier_for(11155420, None, None)
    assert verifier.explorer.api == ETHERSCAN_V2_API
    assert (
        verifier.explorer.address_url(REGISTRY) == f"https://sepolia-optimism.etherscan.io/address/{REGISTRY}"
    )
    session = RecordingSession(
        [
            {"status": "0", "message": "NOTOK", "result": [{"SourceCode": ""}]},
            {"status": "1", "message": "OK", "result": "ticket-1"},
            {"status": "0", "message": "NOTOK", "result": "Pending in queue"},
            {"status": "1", "message": "OK", "result": "Pass - Verified"},
        ]
    )
    verifier.session, verifier.sleep = session, lambda _s: None
    lines: list[str] = []
    assert verify_record(record, verifier, lines.append) == 1

    lookup, submit, *polls = session.sent
    assert lookup["params"] == {
        "chainid": "11155420",
        "apikey": "KEY123",
        "module": "contract",
        "action": "getsourcecode",
        "address": REGISTRY,
    }
    assert submit["method"] == "POST" and submit["url"] == ETHERSCAN_V2_API
    assert submit["params"] == {"chainid": "11155420", "apikey": "KEY123"}
    form = submit["data"]
    version, standard_input = verification_input("ChainRegistry")
    assert json.loads(form["sourceCode"]) == standard_input
    assert form["codeformat"] == "solidity-standard-json-input"
    assert form["contractname"] == "contracts/ChainRegistry.sol:ChainRegistry"
    assert form["compilerversion"] == f"v{version}" and version.startswith("0.8.28+commit.")
    assert form["constructorArguements"] == ARGS and form["contractaddress"] == REGISTRY
    assert (form["optimizationUsed"], form["runs"], form["evmversion"], form["licenseType"]) == (
        "1",
        "200",
        "cancun",
        "3",
    )
    assert [p["params"]["guid"] for p in polls] == ["ticket-1", "ticket-1"]
    assert "Pass - Verified" in lines[-1] and "KEY123" not in "\n".join(lines)


def test_no_key_for_etherscan_and_no_explorer_for_an_unknown_chain_are_said_first(monkeypatch):
    monkeypatch.delenv("ETHERSCAN_API_KEY", raising=False)
    with pytest.raises(VerifyError, match="set ETHERSCAN_API_KEY"):
        verifier_for(10, None, None)
    with pytest.raises(VerifyError, match="no known explorer for chain id 424242"):
        verifier_for(424242, None, None)
    blockscout = verifier_for(424242, "https://scan.example", "https://scan.example/api")
    assert blockscout.api_key is None and blockscout.explorer.chain_id is None  # no chainid sent
    assert explorer_for(8453).tx_url("0xab") == "https://basescan.org/tx/0xab"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            [{"status": "0", "result": "Invalid API Key"}],
            "refused contracts/ChainRegistry.sol:ChainRegistry: Invalid API Key",
        ),
        (
            [{"status": "1", "result": "t"}, {"status": "0", "result": "Fail - Unable to verify"}],
            "verification failed: Fail",
        ),
    ],
)
def test_a_refusal_or_a_failed_ticket_stops_with_the_explorers_words(record, answers, message):
    session = RecordingSession([{"status": "1", "result": [{"SourceCode": ""}]}, *answers])
    verifier = Verifier(explorer_for(10), "k", session=session, sleep=lambda _s: None)
    with pytest.raises(VerifyError, match=message):
        verify_record(record, verifier, lambda _line: None)


def test_an_already_verified_contract_is_not_sent_again(record):
    session = RecordingSession([{"status": "1", "result": [{"SourceCode": "pragma solidity 0.8.28;"}]}])
    verifier = Verifier(explorer_for(10), "k", session=session)
    assert verify_record(record, verifier, lambda _line: None) == 0
    assert len(session.sent) == 1  # the lookup only


def test_the_form_carries_no_key(record):
    assert "apikey" not in verification_form(record, "ChainRegistry")


def test_etherscans_key_goes_to_etherscan_only(monkeypatch):
    monkeypatch.setenv("ETHERSCAN_API_KEY", "ETHERSCAN-SECRET")
    monkeypatch.delenv("EXPLORER_API_KEY", raising=False)
    other = verifier_for(11155420, None, "https://blockscout.example/api")
    assert other.api_key is None
    monkeypatch.setenv("EXPLORER_API_KEY", "its-own")
    assert verifier_for(11155420, None, "https://blockscout.example/api").api_key == "its-own"


def test_a_rate_limit_while_polling_waits_and_odd_answers_are_not_verified(record):
    session = RecordingSession(
        [
            {"status": "1", "result": ["not a mapping"]},
            {"status": "1", "result": "t"},
            {"status": "0", "result": "Max rate limit reached"},
            {"status": "1", "result": "Pass - Verified"},
        ]
    )
    verifier = Verifier(explorer_for(10), "k", session=session, sleep=lambda _s: None)
    assert verify_record(record, verifier, lambda _line: None) == 1

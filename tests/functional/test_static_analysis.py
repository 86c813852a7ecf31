"""slither runs offline on the product contracts as part of the suite, and the gate bites."""

from __future__ import annotations

import pytest

from tools.slither_gate import (
    Exclusion,
    Finding,
    StaticCheckError,
    judge,
    load_exclusions,
    parse_findings,
    run_slither,
)

VULNERABLE = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
contract Vault {
    mapping(address => uint256) public balances;
    function deposit() external payable { balances[msg.sender] += msg.value; }
    function withdraw() external {
        (bool ok,) = msg.sender.call{value: balances[msg.sender]}("");
        require(ok);
        balances[msg.sender] = 0;
    }
}
"""


def finding(detector="reentrancy-eth", impact="High", contract="C", function="f"):
    return Finding(detector, impact, "Medium", contract, function, "something")


def test_product_contracts_have_no_unexplained_high_or_medium_findings():
    verdict = judge(parse_findings(run_slither()), load_exclusions())
    assert not verdict.blocking, "\n".join(f.label() for f in verdict.blocking)
    assert not verdict.unused, f"stale exclusions: {verdict.unused}"


def test_slither_finds_a_planted_reentrancy(tmp_path):
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "Vault.sol").write_text(VULNERABLE)
    findings = parse_findings(run_slither(tmp_path))
    verdict = judge(findings, [])
    assert any(f.detector.startswith("reentrancy") and f.contract == "Vault" for f in verdict.blocking)


def test_gate_blocks_high_and_medium_only():
    verdict = judge([finding(impact="High"), finding(impact="Medium"), finding(impact="Low")], [])
    assert [f.impact for f in verdict.blocking] == ["High", "Medium"]
    assert not verdict.ok


def test_exclusion_matches_detector_contract_and_function():
    exclusion = Exclusion("reentrancy-eth", "C", "f", "reviewed: the call is to a trusted vault only")
    verdict = judge([finding(), finding(function="g")], [exclusion])
    assert [f.function for f in verdict.blocking] == ["g"]
    assert verdict.excluded[0][1] is exclusion
    wildcard = Exclusion("reentrancy-eth", "C", "*", "reviewed: every function of C is guarded")
    assert judge([finding(), finding(function="g")], [wildcard]).ok


def test_stale_exclusion_fails_the_gate():
    exclusion = Exclusion("unused-return", "C", "f", "reviewed: the value is not needed here at all")
    verdict = judge([], [exclusion])
    assert verdict.unused == [exclusion]
    assert not verdict.ok


@pytest.mark.parametrize(
    "text",
    [
        "- {detector: x, contract: C, function: f}\n",
        "- {detector: x, contract: C, function: f, reason: ok}\n",
        "detector: x\n",
    ],
)
def test_exclusions_need_a_real_reason(tmp_path, text):
    path = tmp_path / "exclusions.yaml"
    path.write_text(text)
    with pytest.raises(StaticCheckError):
        load_exclusions(path)


def test_failed_slither_report_is_an_error():
    with pytest.raises(StaticCheckError, match="slither failed"):
        parse_findings({"success": False, "error": "compilation failed"})

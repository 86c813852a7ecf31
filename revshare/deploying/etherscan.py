"""Submitting a deployment's contracts for source verification to an Etherscan-compatible
explorer (Etherscan's V2 API for every chain it indexes, one API key for all; Blockscout and its
kin at their own ``/api``).

Each contract of the deployment record goes with exactly what reproduces its bytecode: the solc
standard-JSON input bundled with the package (every source inlined), its fully qualified name,
the compiler version, the optimizer and EVM settings, and the ABI-encoded constructor arguments the
record kept. The explorer answers with a ticket that is polled until it passes or fails. A contract
the explorer already shows verified is not sent again.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from revshare.artifacts import contract_type, verification_input
from revshare.chain.explorers import ETHERSCAN_V2_API, Explorer, explorer_for
from revshare.deploying.record import DeploymentRecord
from revshare.terminal import Log

API_KEY_VARIABLE = "ETHERSCAN_API_KEY"
OTHER_KEY_VARIABLE = "EXPLORER_API_KEY"  # for an --api-url that is not Etherscan's, if it needs one
# Etherscan's licence codes for the SPDX identifiers the project's sources carry.
LICENSES = {"UNLICENSED": 1, "Unlicense": 2, "MIT": 3, "GPL-3.0": 5, "Apache-2.0": 12, "LGPL-3.0": 7}
POLL_VARIABLE = "REVSHARE_POLL_SECONDS"  # seconds between status checks, 5 unless set (the tests: 0)
POLL_ATTEMPTS = 36  # three minutes
TIMEOUT = 60.0


class VerifyError(RuntimeError):
    """The explorer refused a contract, or could not be reached (one line, never the API key)."""


def license_code(standard_input: dict[str, Any], source_id: str) -> int:
    """The licence code of ``source_id``'s SPDX line (1, no licence, when there is none)."""
    content = standard_input["sources"].get(source_id, {}).get("content", "")
    for line in content.splitlines()[:5]:
        if "SPDX-License-Identifier:" in line:
            return LICENSES.get(line.split("SPDX-License-Identifier:", 1)[1].strip(), 1)
    return 1


def verification_form(record: DeploymentRecord, name: str) -> dict[str, str]:
    """The form fields (without the API key) that verify ``name`` of the record."""
    entry = record.contracts[name]
    contract = contract_type(entry["contract"])
    source_id = str(contract.source_id)
    version, standard_input = verification_input(entry["contract"])
    settings = standard_input["settings"]
    optimizer = settings.get("optimizer", {})
    return {
        "module": "contract",
        "action": "verifysourcecode",
        "contractaddress": entry["address"],
        "sourceCode": json.dumps(standard_input),
        "codeformat": "solidity-standard-json-input",
        "contractname": f"{source_id}:{contract.name}",
        "compilerversion": f"v{version}",
        "optimizationUsed": "1" if optimizer.get("enabled") else "0",
        "runs": str(optimizer.get("runs", 200)),
        "evmversion": str(settings.get("evmVersion", "")),
        # (sic): the API's own spelling of the field.
        "constructorArguements": str(entry.get("constructor_args_encoded") or "").removeprefix("0x"),
        "licenseType": str(license_code(standard_input, source_id)),
    }


@dataclass
class Verifier:
    """Talks to one explorer's API."""

    explorer: Explorer
    api_key: str | None
    session: Any = None
    sleep: Callable[[float], None] = time.sleep
    poll_seconds: float = field(default_factory=lambda: float(os.environ.get(POLL_VARIABLE, "5")))

    def __post_init__(self) -> None:
        self.session = self.session or requests.Session()

    def _params(self) -> dict[str, str]:
        params = {"chainid": str(self.explorer.chain_id)} if self.explorer.chain_id is not None else {}
        if self.api_key:
            params["apikey"] = self.api_key
        return params

    def _ask(self, method: str, data: dict[str, str] | None = None, **query: str) -> dict[str, Any]:
        try:
            response = self.session.request(
                method, self.explorer.api, params={**self._params(), **query}, data=data, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            raise VerifyError(f"the explorer's API did not answer ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise VerifyError(f"the explorer's API answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise VerifyError("the explorer's API answered something that is not JSON") from None
        if not isinstance(answer, dict):
            raise VerifyError("the explorer's API answered an unexpected shape")
        return answer

    def is_verified(self, address: str) -> bool:
        answer = self._ask("GET", module="contract", action="getsourcecode", address=address)
        result = answer.get("result")
        first = result[0] if isinstance(result, list) and result else None
        return isinstance(first, dict) and bool(first.get("SourceCode"))

    def submit(self, form: dict[str, str]) -> str | None:
        """Send one contract; its ticket, or None when the explorer already has it verified."""
        answer = self._ask("POST", data=form)
        result = str(answer.get("result", ""))
        if str(answer.get("status")) == "1":
            return result
        if "already verified" in result.lower():
            return None
        raise VerifyError(f"the explorer refused {form['contractname']}: {result[:200]}")

    def wait(self, ticket: str, attempts: int = POLL_ATTEMPTS) -> str:
        """Poll a ticket until it passes (its message) or fails (VerifyError)."""
        for _ in range(attempts):
            answer = self._ask("GET", module="contract", action="checkverifystatus", guid=ticket)
            result = str(answer.get("result", ""))
            lowered = result.lower()
            if "pending" in lowered or "queue" in lowered or "rate limit" in lowered:
                self.sleep(self.poll_seconds)
                continue
            if lowered.startswith("pass") or "already verified" in lowered:
                return result
            raise VerifyError(f"verification failed: {result[:200]}")
        raise VerifyError(f"verification still pending after {attempts} checks: ticket {ticket}")


def verify_record(record: DeploymentRecord, verifier: Verifier, log: Log, only: str | None = None) -> int:
    """Verify every contract of the record (or only ``only``); the number newly verified."""
    names = [only] if only else list(record.contracts)
    unknown = [name for name in names if name not in record.contracts]
    if unknown:
        raise VerifyError(f"the record has no {unknown[0]} (it has: {', '.join(record.contracts)})")
    done = 0
    for name in names:
        address = record.contracts[name]["address"]
        if verifier.is_verified(address):
            log(f"  {name:<34} {address} already verified")
            continue
        ticket = verifier.submit(verification_form(record, name))
        if ticket is None:
            log(f"  {name:<34} {address} already verified")
            continue
        log(f"  {name:<34} {address} submitted (ticket {ticket})")
        message = verifier.wait(ticket)
        log(f"  {name:<34} {address} {message}")
        done += 1
    return done


def verifier_for(chain_id: int, explorer_url: str | None, api_url: str | None) -> Verifier:
    """The verifier of ``chain_id``'s explorer, its API key from ``ETHERSCAN_API_KEY`` (required
    by Etherscan's API, optional elsewhere); VerifyError when the chain's explorer is unknown."""
    explorer = explorer_for(chain_id, explorer_url, api_url)
    if explorer is None:
        raise VerifyError(
            f"no known explorer for chain id {chain_id}: give --api-url (an Etherscan-compatible API, "
            "e.g. a Blockscout's https://host/api) and --explorer-url"
        )
    # Etherscan's key goes to Etherscan only; another explorer's (if it wants one) is its own.
    etherscan = explorer.api == ETHERSCAN_V2_API
    key = os.environ.get(API_KEY_VARIABLE if etherscan else OTHER_KEY_VARIABLE, "").strip() or None
    if key is None and etherscan:
        raise VerifyError(
            f"set {API_KEY_VARIABLE} to an Etherscan API key (one key serves every chain of its V2 API)"
        )
    return Verifier(explorer, key)

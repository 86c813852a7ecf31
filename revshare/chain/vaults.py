"""Reading a chain's fee vaults before relying on them: the splitter refuses to disburse while a
configured vault has a non-zero minimum withdrawal amount (`VaultMinimumNotZero`: otherwise a
vault's fees could be split apart from the rest of their period, or anyone could hold a
disbursement back), as OP's own FeeSplitter requires minimums of 0. A vault address without
code is no vault at all on that network."""

from __future__ import annotations

from typing import Any

from eth_utils import to_checksum_address

from revshare.chain.reader import ChainReader, has_code, provider_word
from revshare.terminal import Log, exact_eth

# Vaults from 1.5.0 answer the lower-case getters (the stored values); older ones only the
# upper-case ones (see DESIGN.md, "Fee vaults").
MINIMUM_GETTERS = ("minWithdrawalAmount()", "MIN_WITHDRAWAL_AMOUNT()")
RECIPIENT_GETTERS = ("recipient()", "RECIPIENT()")
NETWORK_GETTERS = ("withdrawalNetwork()", "WITHDRAWAL_NETWORK()")


def read_minimum(provider: Any, address: str) -> int | None:
    """The vault's minimum withdrawal amount, or None when it answers neither getter."""
    for signature in MINIMUM_GETTERS:
        minimum = provider_word(provider, address, signature)
        if minimum is not None:
            return minimum
    return None


def minimum_at_block(reader: ChainReader, vault: str, block: int) -> int | None:
    """`read_minimum` at a past block through a `ChainReader`: None when it answers neither getter."""
    return reader.first_word(vault, MINIMUM_GETTERS, block)


def vault_findings(provider: Any, vaults: dict[str, str | None], network: str) -> list[str]:
    """One line per vault that stops disbursements, is missing, or does not look like a vault."""
    findings: list[str] = []
    for role, address in vaults.items():
        if address is None:
            continue
        address = to_checksum_address(address)
        if not has_code(provider, address):
            findings.append(f"{role} {address} has no code on {network}: there is no vault to withdraw from")
            continue
        minimum = read_minimum(provider, address)
        if minimum is None:
            findings.append(f"{role} {address} answers no MIN_WITHDRAWAL_AMOUNT(): is it a fee vault?")
        elif minimum > 0:
            findings.append(
                f"{role} {address} has a minimum withdrawal of {exact_eth(minimum)}: the splitter refuses "
                "to disburse until it is 0 (OP's FeeSplitter requires 0 too)"
            )
    return findings


def check_vault_minimums(vaults: dict[str, str | None], network: str, log: Log) -> list[str]:
    """Read every configured vault's minimum and log a warning line for each finding."""
    from ape import networks

    findings = vault_findings(networks.provider, vaults, network)
    for finding in findings:
        log(f"  WARNING: {finding}")
    if not findings:
        log("  fee vaults: every configured vault has code and a minimum withdrawal of 0")
    return findings

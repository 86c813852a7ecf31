"""Sending a transaction from an ape account through the connected provider: the one way the
package's commands send (the deployment's steps, a proposal's calls sent by the account that owns
the change). ape fills in the nonce, gas and fees, signs (see `cli_options.sign_unattended`) and
waits for the receipt."""

from __future__ import annotations

from typing import Any


def send_transaction(sender: Any, to: str | None, data: bytes, value: int = 0) -> Any:
    """``data`` to ``to`` (None: a contract creation) from ape's account ``sender``; its receipt."""
    from ape import networks

    fields: dict[str, Any] = {"data": data, "value": value, "sender": sender.address}
    if to is not None:
        fields["receiver"] = to
    return sender.call(networks.provider.network.ecosystem.create_transaction(**fields))

"""The keeper's config: the networks and what to disburse on each.

    networks:
      - name: op-sepolia
        rpc: ${OP_SEPOLIA_RPC}      # ${NAME} is read from the environment (keep keys out of files)
        splitters: ["0x..."]        # this project's ChainRevenueSplitters: disburse() when due
        tokens: ["0x..."]           # optional: ERC-20 revenue each splitter also disburses
        fee_splitter: false         # optional: OP's FeeSplitter predeploy, disburseFees() when due

Every problem is reported at once; a network name twice, or a network with nothing to disburse,
is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from revshare.config_models import (
    Addresses,
    Name,
    Rpc,
    StrictModel,
    list_of,
    read_config_file,
    validate_file,
)

_ADDRESS_LIST = list_of("must be a list of addresses")


class KeeperNetwork(StrictModel):
    not_a_mapping: ClassVar[str] = "must be a mapping with name, rpc and splitters"
    name: Name = Field(description="how the keeper names the network in its lines")
    rpc: Rpc = Field(description="the node's URL; ${NAME} reads it from the environment")
    splitters: Annotated[Addresses, _ADDRESS_LIST] = ()
    tokens: Annotated[Addresses, _ADDRESS_LIST] = ()
    fee_splitter: bool = False


def _something_to_do(networks: tuple[KeeperNetwork, ...]) -> tuple[KeeperNetwork, ...]:
    names = [n.name for n in networks]
    if len(set(names)) != len(names):
        raise ValueError("names a network twice")
    idle = [n.name for n in networks if not n.splitters and not n.fee_splitter]
    if idle:
        raise ValueError(
            f"network {idle[0]} has nothing to disburse: list splitters or set fee_splitter: true"
        )
    unused = [n.name for n in networks if n.tokens and not n.splitters]
    if unused:
        raise ValueError(f"network {unused[0]} lists tokens but no splitters to disburse them")
    return networks


class KeeperConfig(StrictModel):
    networks: Annotated[
        tuple[KeeperNetwork, ...],
        list_of("must be a list of networks", at_least_one=True),
        AfterValidator(_something_to_do),
    ]


def load_keeper_config(path: Path) -> KeeperConfig:
    """The keeper config at ``path``; a ConfigError lists every problem."""
    return validate_file(
        KeeperConfig, read_config_file(path), source=str(path), mappings={"networks": KeeperNetwork}
    )

"""One home for the fixed addresses the toolkit knows: the zero address (also the contracts' key
for native ETH) and the OP Stack L2 predeploys it reads or pays through. Every OP Stack chain has
the predeploys at the same addresses."""

from __future__ import annotations

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
ETH_ASSET = ZERO_ADDRESS  # the contracts' asset key for native ETH

# Withdrawal predeploys: how ETH leaves L2 for L1 (bridge -> messenger -> message passer; the
# bridge and the messenger ask L1Block whether the chain pays gas in a custom token).
L2_CROSS_DOMAIN_MESSENGER = "0x4200000000000000000000000000000000000007"
L2_STANDARD_BRIDGE = "0x4200000000000000000000000000000000000010"
L1_BLOCK_ATTRIBUTES = "0x4200000000000000000000000000000000000015"
L2_TO_L1_MESSAGE_PASSER = "0x4200000000000000000000000000000000000016"

# The L1 data fee: the GasPriceOracle predeploy prices calldata from L1Block's values, which only the
# depositor account (the sequencer's system transactions) sets, as do the oracle's upgrade flags.
GAS_PRICE_ORACLE = "0x420000000000000000000000000000000000000F"
DEPOSITOR_ACCOUNT = "0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001"

# Revenue-share predeploys: the ProxyAdmin, whose owner configures the 1.6.0 fee vaults and the
# FeeSplitter, and the FeeSplitter itself (withdraws the four vaults, pays per a shares calculator).
PROXY_ADMIN = "0x4200000000000000000000000000000000000018"
FEE_SPLITTER = "0x420000000000000000000000000000000000002B"

# Fee vault predeploys, by the role the splitter's constructor gives each (EIP-55 checksummed).
PREDEPLOY_VAULTS: dict[str, str | None] = {
    "sequencer_fee_vault": "0x4200000000000000000000000000000000000011",
    "base_fee_vault": "0x4200000000000000000000000000000000000019",
    "l1_fee_vault": "0x420000000000000000000000000000000000001A",
    "operator_fee_vault": "0x420000000000000000000000000000000000001b",  # EIP-55: lower-case b
}
VAULT_ROLES = tuple(PREDEPLOY_VAULTS)

# The deterministic deployment proxy (Arachnid's CREATE2 factory): the same address and code on
# every chain that has it, an OP Stack preinstall and present on anvil. Calldata is a 32-byte salt
# followed by init code; it deploys with CREATE2 and returns the new address (20 bytes). A contract
# deployed through it has one address on every network: keccak(0xff, factory, salt, keccak(init code)).
CREATE2_FACTORY = "0x4e59b44847b379578588920cA78FbF26c0B4956C"
CREATE2_FACTORY_CODE = (
    "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f5"
    "8015156039578182fd5b8082525050506014600cf3"
)

# Each known chain's OptimismPortal on its L1 (the proxy), by L2 chain id: (L1 chain id, portal),
# where the report reads the L1 finality of its withdrawals unless --portal names another.
OPTIMISM_PORTALS: dict[int, tuple[int, str]] = {
    10: (1, "0xbEb5Fc579115071764c7423A4f12eDde41f106Ed"),  # OP Mainnet
    8453: (1, "0x49048044D57e1C92A77f79988d21Fa8fAF74E97e"),  # Base
}

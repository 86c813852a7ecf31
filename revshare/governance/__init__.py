"""Governance: a change checked against the registry's state and turned into calls
(`proposals`), the Safe batch (`safe_batch`) and timelock (`timelock`) output, the proposal's
folder (`files`), `make_proposal` against a deployed registry (`propose`) and the `ape run propose`
commands (`command`)."""

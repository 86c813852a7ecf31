"""Governance: proposals checked against the registry's state (`proposals`), the Safe batch
(`safe_batch`) and timelock (`timelock`) output, the files written (`files`), the live deployment
they act on (`live`) and the `ape run propose` commands (`command`)."""

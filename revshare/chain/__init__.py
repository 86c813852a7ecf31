"""Reading the chain: the node (`node`: public names, secrets kept out), JSON-RPC with retries
(`rpc`), paged log and state reads (`reader`), the registry's state (`registry`), payout routes
and predeploy addresses (`routes`, `addresses`), fee vaults (`vaults`) and the L1 finality of
withdrawals started on L2 (`finality`)."""

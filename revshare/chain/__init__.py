"""Reading the chain: the node (`node`: public names, secrets kept out), JSON-RPC with retries
(`rpc`), paged log and state reads (`reader`), the registry's state (`registry`), payout routes
and predeploy addresses (`routes`, `addresses`) and fee vaults (`vaults`)."""

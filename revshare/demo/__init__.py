"""The local demo: one chain's splitter over simulated days (`single_chain`), a shared sequencer
settling an epoch for several chains (`shared_sequencer`), and the stand-ins for the OP Stack
withdrawal predeploys on a local node (`mocks`). The multi-chain lab: several anvil nodes at once
over JSON-RPC (`localnet`) carrying the real OP Stack predeploys and Safes (`opstack`)."""

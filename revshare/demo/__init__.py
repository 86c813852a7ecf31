"""The local demo: one chain's splitter over simulated days (`single_chain`), a shared sequencer
settling an epoch for several chains (`shared_sequencer`), and the stand-ins for the OP Stack
withdrawal predeploys on a local node (`mocks`)."""

"""What every command does before it reads its command line: a free port for a local node, and
ape's list of running nodes cleared of stopped ones, never failing the command."""

from __future__ import annotations

import os
import socket

from revshare.cli_options import choose_local_port, forget_stopped_nodes


def test_a_local_node_gets_a_free_port_unless_one_is_named(monkeypatch):
    monkeypatch.delenv("APE_FOUNDRY_HOST", raising=False)
    choose_local_port()
    host = os.environ["APE_FOUNDRY_HOST"]
    assert host.startswith("http://127.0.0.1:")
    with socket.socket() as sock:  # nothing holds it
        sock.bind(("127.0.0.1", int(host.rsplit(":", 1)[1])))
    monkeypatch.setenv("APE_FOUNDRY_HOST", "http://127.0.0.1:8545")
    choose_local_port()
    assert os.environ["APE_FOUNDRY_HOST"] == "http://127.0.0.1:8545"


def test_a_damaged_node_list_is_left_to_ape(networks):
    path = networks.config_manager.DATA_FOLDER / "processes" / "nodes.json"
    before = path.read_text() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        for damaged in ("{", "[1, 2", '{"nodes": {"x": 1}}'):
            path.write_text(damaged)
            forget_stopped_nodes()  # no exception: clearing only saves time
    finally:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(before)

"""`tools/ape_data.py`: the ape data folder each test shard and mutation copy gets to itself."""

from __future__ import annotations

import json
from pathlib import Path

from tools import mutation
from tools.ape_data import own_data_folder


def _main_folder(tmp_path: Path, monkeypatch) -> Path:
    main = tmp_path / "main"
    (main / "accounts").mkdir(parents=True)
    (main / "packages" / "dep").mkdir(parents=True)
    monkeypatch.setenv("APE_DATA_FOLDER", str(main))
    return main


def test_accounts_and_packages_are_shared_and_the_node_list_is_not(tmp_path: Path, monkeypatch):
    main = _main_folder(tmp_path, monkeypatch)
    (main / "processes").mkdir()
    (main / "processes" / "nodes.json").write_text('{"nodes": {}}')
    folder = own_data_folder(tmp_path / "shard" / "ape-data")
    assert (folder / "accounts").resolve() == (main / "accounts").resolve()
    assert (folder / "packages" / "dep").is_dir()
    assert not (folder / "processes").exists()
    assert own_data_folder(folder) == folder  # a second call keeps the links


def test_a_node_list_left_half_written_is_dropped_and_a_readable_one_kept(tmp_path: Path, monkeypatch):
    _main_folder(tmp_path, monkeypatch)
    folder = tmp_path / "shard"
    (folder / "processes").mkdir(parents=True)
    nodes = folder / "processes" / "nodes.json"
    # Two writers interleaved: one list, then the tail of a longer one (what broke CI's mutation run).
    nodes.write_text('{"nodes":{"1":{"network_choice":"ethereum:local:foundry"}}}ry"}}}')
    own_data_folder(folder)
    assert not nodes.exists()
    nodes.write_text(json.dumps({"nodes": {}}))
    own_data_folder(folder)
    assert nodes.exists()


def test_each_mutation_copy_runs_ape_with_its_own_data_folder(tmp_path: Path, monkeypatch):
    _main_folder(tmp_path, monkeypatch)
    seen: list[dict[str, str]] = []

    def fake_run(command, **kwargs):
        seen.append(kwargs["env"])
        return mutation.subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(mutation.subprocess, "run", fake_run)
    for copy in ("copy-0", "copy-1"):
        mutation._run(["test"], tmp_path / copy)
    folders = [Path(env["APE_DATA_FOLDER"]) for env in seen]
    assert folders == [
        tmp_path / "copy-0" / ".build" / "ape-data",
        tmp_path / "copy-1" / ".build" / "ape-data",
    ]
    assert all((folder / "accounts").is_symlink() for folder in folders)


def test_a_folder_ape_filled_stays_and_a_link_to_another_clone_is_remade(tmp_path: Path, monkeypatch):
    folder = tmp_path / "shard"
    (folder / "packages" / "made-by-ape").mkdir(parents=True)  # before the main folder had packages
    main = _main_folder(tmp_path, monkeypatch)
    own_data_folder(folder)
    assert (folder / "packages" / "made-by-ape").is_dir() and not (folder / "packages").is_symlink()
    other = tmp_path / "other-clone"
    (other / "accounts").mkdir(parents=True)
    (folder / "accounts").unlink()
    (folder / "accounts").symlink_to(other / "accounts")
    own_data_folder(folder)
    assert (folder / "accounts").resolve() == (main / "accounts").resolve()

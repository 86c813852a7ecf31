"""An ape data folder of its own for a process that runs beside others (a test shard, a mutation
copy). Ape keeps its list of running nodes in `processes/nodes.json` and its network caches in the
data folder, and rewrites them without a lock: two `ape test` runs sharing one folder can interleave
their writes and leave a file no later run can read. The accounts and the installed dependencies
are still the main folder's, linked in."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ("accounts", "packages")


def main_data_folder() -> Path:
    return Path(os.environ.get("APE_DATA_FOLDER", ROOT / ".build" / "ape-data"))


def own_data_folder(folder: Path) -> Path:
    """``folder`` made ready as an ape data folder: the main folder's accounts and packages linked
    in, and a node list that no longer parses (a process killed mid-write) removed."""
    main = main_data_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for shared in SHARED:
        link, source = folder / shared, main / shared
        if not source.exists():
            continue
        if link.is_symlink():
            if link.resolve() == source.resolve():
                continue
            link.unlink()  # left by another main folder (a moved or deleted clone)
        with contextlib.suppress(OSError):
            link.rmdir()  # an empty folder ape made; one holding anything stays, and is used
        with contextlib.suppress(FileExistsError):
            link.symlink_to(source.resolve())
    forget_broken_node_list(folder)
    return folder


def forget_broken_node_list(folder: Path) -> None:
    """Ape reads `processes/nodes.json` on every run and stops on one that is not JSON (it only
    recovers from JSON of the wrong shape); the list is a cache of nodes to clean up, safe to drop."""
    nodes = folder / "processes" / "nodes.json"
    try:
        json.loads(nodes.read_text())
    except FileNotFoundError:
        return
    except (ValueError, UnicodeDecodeError):
        nodes.unlink(missing_ok=True)

"""Running the project's `ape run` scripts as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APE = Path(sys.executable).with_name("ape")


def ape_run(
    *args: str, timeout: int = 180, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`ape run ARGS` from the project root, in the environment `make test` set up (plus ``env``)."""
    return subprocess.run(
        [str(APE), "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
        input=stdin,
    )


def keyfile_account(folder: Path, alias: str, passphrase: str) -> tuple[str, dict[str, str]]:
    """A new key as an ape keyfile account in its own ape data folder under ``folder``; returns its
    address and the environment that makes `ape run` use it unattended."""
    from eth_account import Account

    account = Account.create()
    data = folder / "ape-data"
    (data / "accounts").mkdir(parents=True, exist_ok=True)
    (data / "accounts" / f"{alias}.json").write_text(json.dumps(Account.encrypt(account.key, passphrase)))
    return account.address, {"APE_DATA_FOLDER": str(data), f"APE_ACCOUNTS_{alias}_PASSPHRASE": passphrase}

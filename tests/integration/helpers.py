"""Running the project's `ape run` scripts as a user would."""

from __future__ import annotations

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

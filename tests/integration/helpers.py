"""Running the project's `ape run` scripts as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APE = Path(sys.executable).with_name("ape")


def ape_run(*args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    """`ape run ARGS` from the project root, in the environment `make test` set up."""
    return subprocess.run(
        [str(APE), "run", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )

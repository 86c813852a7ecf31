"""Which splitters a report covers: from a deployment record, or given on the command line.

Deployment records hold no shared sequencer splitter (the deployment plan deploys none), so a
shared one is always named on the command line (``--shared ADDRESS[@BLOCK]``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from revshare.deploying.config import ConfigError, load_config
from revshare.deploying.record import load_record
from revshare.report.history import SharedTarget, SplitterTarget
from revshare.values import quoted

SPLITTER_PREFIX = "ChainRevenueSplitter:"


class TargetError(ValueError):
    """The report was not told, and could not find, what to read."""


@dataclass(frozen=True)
class Targets:
    splitters: list[SplitterTarget]
    shared: list[SharedTarget] = field(default_factory=list)

    def __post_init__(self) -> None:
        """A splitter (or shared splitter) named twice would be counted twice."""
        seen: set[str] = set()
        for target in [*self.splitters, *self.shared]:
            if target.address.lower() in seen:
                raise TargetError(f"{target.address} is named twice: each splitter is read once")
            seen.add(target.address.lower())

    @property
    def first_block(self) -> int:
        return min((t.deployed_block for t in [*self.splitters, *self.shared]), default=0)


def _chain_names(config_path: str, base: Path) -> dict[int, str]:
    for candidate in (Path(config_path), base / config_path):
        try:
            return {c.chain_id: c.name for c in load_config(candidate).chains}
        except (ConfigError, OSError):
            continue
    return {}


def targets_from_record(path: Path) -> Targets:
    """Every ChainRevenueSplitter in a deployment record, with its deployment block."""
    if not path.exists():
        raise TargetError(
            f"no deployment record at {path}: pass --splitter CHAIN_ID=ADDRESS or --records DIR"
        )
    try:
        record = load_record(path)
        contracts = record["contracts"]
    except (ValueError, KeyError, TypeError) as exc:
        raise TargetError(f"{path} is not a readable deployment record ({exc})") from None
    names = _chain_names(str(record.get("config", "")), Path.cwd())
    splitters = []
    for name, entry in contracts.items():
        if name.startswith(SPLITTER_PREFIX):
            try:
                chain_id = int(name.removeprefix(SPLITTER_PREFIX))
                block = int(entry.get("block") or 0)
                splitters.append(SplitterTarget(chain_id, entry["address"], names.get(chain_id, ""), block))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise TargetError(f"{path}: {name} is not a usable record entry ({exc})") from None
    if not splitters:
        raise TargetError(f"{path} records no ChainRevenueSplitter")
    return Targets(splitters)


def parse_splitter(value: str) -> SplitterTarget:
    """``CHAIN_ID=ADDRESS`` (or ``CHAIN_ID=ADDRESS@BLOCK`` to say where its history starts)."""
    chain, sep, rest = value.partition("=")
    address, _, block = rest.partition("@")
    if not sep or not chain.strip().isdigit():
        raise TargetError(f"expected CHAIN_ID=ADDRESS[@BLOCK], got {quoted(value)}")
    if block and not block.strip().isdigit():
        raise TargetError(f"the block after @ must be a number, got {quoted(block)}")
    try:
        return SplitterTarget(
            chain_id=int(chain), address=address.strip(), deployed_block=int(block) if block else 0
        )
    except ValueError as exc:
        raise TargetError(f"--splitter {quoted(value)}: {exc}") from None


def parse_shared(value: str) -> SharedTarget:
    """``ADDRESS`` or ``ADDRESS@BLOCK`` (its deployment block: its replay starts there)."""
    address, _, block = value.partition("@")
    if block and not block.strip().isdigit():
        raise TargetError(f"the block after @ must be a number, got {quoted(block)}")
    try:
        return SharedTarget(address=address.strip(), deployed_block=int(block) if block else 0)
    except ValueError as exc:
        raise TargetError(f"--shared {quoted(value)}: {exc}") from None

"""Static-analysis gate: run slither offline on the product contracts and fail on any High or
Medium finding that is not covered by a reviewed exclusion (with a reason) in
`slither.exclusions.yaml`. Exclusions that no longer match a finding fail too, so the list
never goes stale.

slither compiles through crytic-compile's standard-JSON route with the project's solc front end
(no compiler download, no `--combined-json`).

    python -m tools.slither_gate          # prints the verdict; exit 1 on unexplained findings
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOLC_VERSION = "0.8.28"
BLOCKING_IMPACTS = ("High", "Medium")
EXCLUSIONS_FILE = ROOT / "slither.exclusions.yaml"
MIN_REASON_LENGTH = 30
# Test-only contracts are deliberately hostile; dependencies are audited upstream.
FILTER_PATHS = "contracts/test|node_modules|contracts/.cache"


class StaticCheckError(RuntimeError):
    """slither could not run, or the exclusions file is malformed."""


@dataclass(frozen=True)
class Finding:
    """One slither result, reduced to what an exclusion matches on."""

    detector: str
    impact: str
    confidence: str
    contract: str
    function: str
    description: str

    def label(self) -> str:
        where = f"{self.contract}.{self.function}" if self.function else self.contract
        return f"[{self.impact}] {self.detector} in {where}: {self.description.splitlines()[0]}"


@dataclass(frozen=True)
class Exclusion:
    """A reviewed decision that one detector's finding in one place is acceptable, and why."""

    detector: str
    contract: str
    function: str
    reason: str

    def matches(self, finding: Finding) -> bool:
        return (
            self.detector == finding.detector
            and self.contract == finding.contract
            and self.function in ("*", finding.function)
        )


@dataclass
class Verdict:
    blocking: list[Finding]
    excluded: list[tuple[Finding, Exclusion]]
    unused: list[Exclusion]

    @property
    def ok(self) -> bool:
        return not self.blocking and not self.unused


def _location(result: dict[str, Any]) -> tuple[str, str]:
    for element in result.get("elements", []):
        if element.get("type") == "function":
            parent = element.get("type_specific_fields", {}).get("parent", {})
            return parent.get("name", ""), element.get("name", "")
    for element in result.get("elements", []):
        if element.get("type") == "contract":
            return element.get("name", ""), ""
    return "", ""


def parse_findings(report: dict[str, Any]) -> list[Finding]:
    """Findings from slither's `--json` report."""
    if not report.get("success"):
        raise StaticCheckError(f"slither failed: {report.get('error')}")
    findings = []
    for result in report.get("results", {}).get("detectors", []):
        contract, function = _location(result)
        findings.append(
            Finding(
                detector=result["check"],
                impact=result["impact"],
                confidence=result["confidence"],
                contract=contract,
                function=function,
                description=result.get("description", "").strip(),
            )
        )
    return findings


def load_exclusions(path: Path = EXCLUSIONS_FILE) -> list[Exclusion]:
    """Reviewed exclusions; each needs a detector, a contract, a function (or *) and a real reason."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text()) or []
    if not isinstance(data, list):
        raise StaticCheckError(f"{path}: expected a list of exclusions")
    exclusions = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise StaticCheckError(f"{path}: entry {index} is not a mapping")
        missing = [key for key in ("detector", "contract", "function", "reason") if not entry.get(key)]
        if missing:
            raise StaticCheckError(f"{path}: entry {index} lacks {', '.join(missing)}")
        reason = " ".join(str(entry["reason"]).split())
        if len(reason) < MIN_REASON_LENGTH:
            raise StaticCheckError(f"{path}: entry {index} needs a reason that explains the decision")
        exclusions.append(Exclusion(entry["detector"], entry["contract"], entry["function"], reason))
    return exclusions


def judge(findings: Iterable[Finding], exclusions: list[Exclusion]) -> Verdict:
    """Split High/Medium findings into excluded and blocking; report exclusions that matched nothing."""
    blocking: list[Finding] = []
    excluded: list[tuple[Finding, Exclusion]] = []
    used: set[Exclusion] = set()
    for finding in findings:
        if finding.impact not in BLOCKING_IMPACTS:
            continue
        match = next((e for e in exclusions if e.matches(finding)), None)
        if match is None:
            blocking.append(finding)
        else:
            excluded.append((finding, match))
            used.add(match)
    return Verdict(blocking, excluded, [e for e in exclusions if e not in used])


def run_slither(root: Path = ROOT) -> dict[str, Any]:
    """Run slither on `contracts/` and return its JSON report."""
    solc = Path(os.environ.get("SOLCX_BINARY_PATH", root / ".build" / "solcx")) / f"solc-v{SOLC_VERSION}"
    if not solc.exists():
        raise StaticCheckError(f"{solc} is missing: run `make install`")
    slither = Path(sys.executable).with_name("slither")
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "slither.json"
        command = [
            str(slither),
            "contracts",
            "--solc",
            str(solc),
            "--solc-standard-json",
            "--solc-remaps",
            "@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/",
            "--filter-paths",
            FILTER_PATHS,
            "--json",
            str(report_path),
        ]
        completed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        if not report_path.exists():
            raise StaticCheckError(f"slither produced no report:\n{completed.stderr[-2000:]}")
        return json.loads(report_path.read_text())


def main() -> int:
    try:
        verdict = judge(parse_findings(run_slither()), load_exclusions())
    except StaticCheckError as exc:
        print(f"static analysis: {exc}", file=sys.stderr)
        return 2
    for finding, exclusion in verdict.excluded:
        print(f"excluded  {finding.label()}\n          reason: {exclusion.reason}")
    for finding in verdict.blocking:
        print(f"BLOCKING  {finding.label()}")
    for exclusion in verdict.unused:
        print(f"STALE     exclusion {exclusion.detector} in {exclusion.contract}.{exclusion.function}")
    print(
        f"slither: {len(verdict.blocking)} unexplained High/Medium finding(s), "
        f"{len(verdict.excluded)} excluded with a reason, {len(verdict.unused)} stale exclusion(s)"
    )
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())

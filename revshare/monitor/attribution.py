"""Attribution verification of a shared splitter: does each epoch's attribution per chain match
what that chain's fee vaults paid the operator's collection address in the epoch's window?

Pure: plain data in (the epochs as `revshare.chain.shared` rebuilds them, and per served chain its
withdrawals to the collection address), rows and findings out; no ape, no node.

- A withdrawal belongs to the epoch whose window (start, end] holds its block's timestamp on its
  own chain: a withdrawal at a window's start belongs to the epoch before, one at its end to this one.
- Observed gross: every fee vault's withdrawals to the collection address (sequencer, base fee,
  operator fee and L1 fee vault: the split takes the chain's whole fee revenue as gross); the L1
  fee vault's part is kept apart, beside the attributed L1 cost (informative only: the operator's
  L1 data cost is not what the L1 fee vault collected, so they are not expected to match).
- A corrected epoch is compared with governance's correction, a disputed one with its report.
- Per epoch, the differences (attributed - observed) of the chains that could be verified:
  chains above and below that offset (exactly, in wei) are **revenue shifted between chains**
  (error, one finding per chain that lost revenue, naming those that got it; what does not offset
  is reported for the epoch as a whole); below and not offset is **under-reporting** (error);
  above and not offset is **over-reporting** (warning). A chain with withdrawals in the window but
  left out of the report is a **window with no report** (error).
- Withdrawals after the last reported window end are **not reported yet**: information, or a
  warning once the oldest of them is older than twice the expected time between epochs (the
  configured ``report_interval``, else the median length of the windows after the first, else
  one day), measured to the chain's last block read.
- Never a false all-clear: a chain whose network could not be read is an error; a window not
  wholly inside the blocks read of a chain (it starts before the first, or ends after the last)
  is not verified for that chain (information; a warning when its end is more than
  `STALE_AFTER` past the chain's last block read), and its rows say so instead of a difference.
  An epoch in another asset than ETH is not verified (the vaults pay ETH).
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from revshare.calendar import DAY, utc_date
from revshare.chain.addresses import ETH_ASSET
from revshare.chain.shared import SharedEpoch
from revshare.epochs import SettledChain
from revshare.monitor.records import Finding
from revshare.terminal import format_eth

STALE_AFTER = 6 * 3600  # a window ending this far past a chain's last block read: its node lags

# Row verdicts.
OK = "ok"
SHIFTED = "shifted"
UNDER = "under-reported"
OVER = "over-reported"
LEFT_OUT = "left out"
NOT_VERIFIED = "not verified"
NOT_WATCHED = "not watched"


@dataclass(frozen=True)
class Collected:
    """One fee vault withdrawal to the collection address, on a served chain."""

    value: int
    timestamp: int
    l1_fee_vault: bool
    block: int = 0
    tx_hash: str = ""


@dataclass(frozen=True)
class ServedChain:
    """A chain the shared splitter serves, as far as its network was read."""

    chain_id: int
    name: str
    withdrawals: tuple[Collected, ...] = ()
    read: bool = True  # False: its network could not be read (`why` says why)
    first_time: int = 0  # the time of the first block read
    from_genesis: bool = True  # the blocks read start at block 0
    last_time: int = 0  # the time of the last block read
    why: str = ""

    @cached_property
    def _by_time(self) -> tuple[list[Collected], list[int]]:
        ordered = sorted(self.withdrawals, key=lambda w: w.timestamp)
        return ordered, [w.timestamp for w in ordered]

    def in_window(self, start: int, end: int) -> list[Collected]:
        """The withdrawals with a time in (start, end]."""
        ordered, times = self._by_time
        return ordered[bisect_right(times, start) : bisect_right(times, end)]

    def covers(self, start: int, end: int) -> str:
        """ "" if every block of the window (start, end] was read, else why not."""
        if not self.from_genesis and start < self.first_time - 1:
            return "starts before the first block read"
        if end > self.last_time:
            return "ends after the last block read"
        return ""


@dataclass(frozen=True)
class AttributionRow:
    """One chain in one epoch: what the epoch attributed to it and what its vaults paid."""

    splitter: str
    epoch: int
    status: str  # reported, disputed, confirmed, corrected
    compared: str  # "report", or "correction" for a corrected epoch
    chain_id: int
    chain: str
    window_start: int
    window_end: int
    in_report: bool
    attributed_gross: int
    attributed_l1_cost: int
    observed_gross: int | None  # None: not verified
    observed_l1_vault: int | None
    withdrawals: int
    verdict: str
    evidence: str  # the report's (or the correction's) transaction

    @property
    def difference(self) -> int | None:
        """Attributed minus observed gross (None: not verified)."""
        return None if self.observed_gross is None else self.attributed_gross - self.observed_gross

    @property
    def l1_difference(self) -> int | None:
        """Attributed L1 cost minus the L1 fee vault's withdrawals (informative)."""
        return None if self.observed_l1_vault is None else self.attributed_l1_cost - self.observed_l1_vault


@dataclass(frozen=True)
class Unreported:
    """A chain's withdrawals to the collection address after the last reported window."""

    splitter: str
    chain_id: int
    chain: str
    after: int  # the last reported window's end
    withdrawals: int
    gross: int
    l1_vault: int
    oldest: int
    overdue: bool


@dataclass
class Attribution:
    rows: list[AttributionRow] = field(default_factory=list)
    unreported: list[Unreported] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def window_text(start: int, end: int) -> str:
    return f"({utc_date(start) if start else 'start'}, {utc_date(end)}]"


def expected_interval(epochs: Sequence[SharedEpoch], report_interval: int | None) -> int:
    """Expected seconds between epochs: the configured interval, else the median window after the
    first (which starts at time 0), else a day."""
    if report_interval:
        return report_interval
    lengths = [e.window_end - e.window_start for e in epochs if e.window_start > 0]
    return int(statistics.median(lengths)) if lengths else DAY


def verify_attribution(
    splitter: str,
    epochs: Sequence[SharedEpoch],
    chains: Sequence[ServedChain],
    *,
    report_interval: int | None = None,
) -> Attribution:
    """Rows per epoch and chain, what is not reported yet, and the findings (see the module)."""
    result = Attribution()
    ordered = sorted(epochs, key=lambda e: e.epoch)
    for chain in chains:
        if not chain.read:
            result.findings.append(
                Finding(
                    chain.name,
                    "error",
                    "attribution-unverified",
                    f"{splitter}'s attribution to {chain.name} is not verified: its network could not be read"
                    + (f" ({chain.why})" if chain.why else ""),
                    "",
                    ordered[-1].window_end if ordered else 0,
                )
            )
    partial: dict[tuple[str, str], list[SharedEpoch]] = {}
    for epoch in ordered:
        _verify_epoch(splitter, epoch, chains, result, partial)
    for (name, why), missed in partial.items():
        chain = next(c for c in chains if c.name == name)
        last = missed[-1]
        stale = why.startswith("ends") and last.window_end - chain.last_time > STALE_AFTER
        numbers = ", ".join(str(e.epoch) for e in missed)
        result.findings.append(
            Finding(
                name,
                "warning" if stale else "info",
                "attribution-unverified",
                f"{splitter}: epoch(s) {numbers} not verified for {name}: the window {why} of {name} "
                f"({utc_date(chain.first_time if why.startswith('starts') else chain.last_time)})",
                last.tx_hash,
                last.window_end,
            )
        )
    # Windows run per asset: the fee vaults' ETH belongs to the ETH epochs' windows only.
    eth_epochs = [e for e in ordered if int(e.asset, 16) == int(ETH_ASSET, 16)]
    _unreported(splitter, eth_epochs, chains, report_interval, result)
    _before_first(splitter, eth_epochs, chains, result)
    return result


def _verify_epoch(
    splitter: str,
    epoch: SharedEpoch,
    chains: Sequence[ServedChain],
    result: Attribution,
    partial: dict[tuple[str, str], list[SharedEpoch]],
) -> None:
    corrected = epoch.status == "corrected"
    compared = "correction" if corrected else "report"
    evidence = epoch.resolved_tx if corrected else epoch.tx_hash
    attributed: dict[int, SettledChain] = {c.chain_id: c for c in epoch.settled}
    eth = int(epoch.asset, 16) == int(ETH_ASSET, 16)
    start, end = epoch.window_start, epoch.window_end
    add = result.findings.append
    _status_finding(splitter, epoch, chains, add)
    if not eth:
        add(
            Finding(
                splitter,
                "info",
                "attribution-unverified",
                f"epoch {epoch.epoch} was reported in {epoch.asset}, not ETH: its attribution is not "
                "compared with the fee vaults' ETH",
                evidence,
                end,
            )
        )

    def row(chain_id: int, name: str, observed: list[Collected] | None, verdict: str) -> AttributionRow:
        settled = attributed.get(chain_id)
        return AttributionRow(
            splitter=splitter,
            epoch=epoch.epoch,
            status=epoch.status,
            compared=compared,
            chain_id=chain_id,
            chain=name,
            window_start=start,
            window_end=end,
            in_report=settled is not None,
            attributed_gross=settled.gross if settled else 0,
            attributed_l1_cost=settled.l1_cost if settled else 0,
            observed_gross=None if observed is None else sum(w.value for w in observed),
            observed_l1_vault=None if observed is None else sum(w.value for w in observed if w.l1_fee_vault),
            withdrawals=0 if observed is None else len(observed),
            verdict=verdict,
            evidence=evidence,
        )

    rows: list[AttributionRow] = []
    for chain in chains:
        why = chain.covers(start, end) if chain.read else "network not read"
        if not eth or why:
            if chain.chain_id in attributed:
                rows.append(row(chain.chain_id, chain.name, None, NOT_VERIFIED))
            if eth and chain.read:
                partial.setdefault((chain.name, why), []).append(epoch)
            continue
        members = chain.in_window(start, end)
        if chain.chain_id not in attributed and not members:
            continue  # not in the report, nothing paid in the window: nothing to say
        rows.append(row(chain.chain_id, chain.name, members, OK))
    served = {c.chain_id for c in chains}
    rows += [
        row(c.chain_id, str(c.chain_id), None, NOT_WATCHED) for c in epoch.settled if c.chain_id not in served
    ]
    if not eth:
        result.rows += rows
        return
    rows = _classify(splitter, epoch, rows, evidence, add)
    unwatched = [r.chain for r in rows if r.verdict == NOT_WATCHED]
    if unwatched:
        add(
            Finding(
                splitter,
                "info",
                "attribution-unwatched",
                f"epoch {epoch.epoch} attributes revenue to chain(s) {', '.join(unwatched)}, which the "
                "config does not list as served: not verified",
                evidence,
                end,
            )
        )
    result.rows += rows


def _classify(
    splitter: str,
    epoch: SharedEpoch,
    rows: list[AttributionRow],
    evidence: str,
    add: Callable[[Finding], None],
) -> list[AttributionRow]:
    """The verdict of each verified row, and the epoch's findings."""
    verified = [r for r in rows if r.difference is not None]
    above = [r for r in verified if r.difference and r.difference > 0]
    below = [r for r in verified if r.difference and r.difference < 0]
    gained, lost = sum(r.difference or 0 for r in above), -sum(r.difference or 0 for r in below)
    window = window_text(epoch.window_start, epoch.window_end)
    head = f"{splitter} epoch {epoch.epoch}, window {window}"
    if epoch.status == "corrected":
        head += " (as corrected)"
    verdicts: dict[int, str] = {}
    for r in below:
        if not r.in_report:
            verdicts[r.chain_id] = LEFT_OUT
            add(
                Finding(
                    r.chain,
                    "error",
                    "unreported-window",
                    f"{head}: {r.chain}'s vaults paid the collection address "
                    f"{format_eth(r.observed_gross or 0)} ETH in {r.withdrawals} withdrawal(s) in the "
                    "window, but the epoch's report left "
                    f"{r.chain} out",
                    evidence,
                    epoch.window_end,
                )
            )
    if above and below:
        receivers = ", ".join(f"{r.chain} (+{format_eth(r.difference or 0)} ETH)" for r in above)
        were, its = ("was", "its") if len(above) == 1 else ("were", "their")
        for r in below:
            verdicts.setdefault(r.chain_id, SHIFTED)
            add(
                Finding(
                    r.chain,
                    "error",
                    "revenue-shifted",
                    f"{head}: revenue shifted between chains: {r.chain} was attributed "
                    f"{format_eth(r.attributed_gross)} ETH, its vaults paid the collection address "
                    f"{format_eth(r.observed_gross or 0)} ETH ({format_eth(-(r.difference or 0))} less), "
                    f"while {receivers} {were} attributed more than {its} vaults paid"
                    + ("; the epoch's total equals what was observed" if gained == lost else ""),
                    evidence,
                    epoch.window_end,
                )
            )
        for r in above:
            verdicts[r.chain_id] = SHIFTED
        if gained != lost:
            kind, severity, word = (
                ("under-reported", "error", "less")
                if lost > gained
                else (
                    "over-reported",
                    "warning",
                    "more",
                )
            )
            names = ", ".join(r.chain for r in (*above, *below))
            add(
                Finding(
                    splitter,
                    severity,
                    kind,
                    f"{head}: beyond the shift, the epoch attributed {format_eth(abs(gained - lost))} ETH "
                    f"{word} than the vaults of {names} paid the collection address",
                    evidence,
                    epoch.window_end,
                )
            )
    elif below:
        for r in below:
            if r.in_report:
                verdicts[r.chain_id] = UNDER
                add(
                    Finding(
                        r.chain,
                        "error",
                        "under-reported",
                        f"{head}: {r.chain} was attributed {format_eth(r.attributed_gross)} ETH, "
                        f"{format_eth(-(r.difference or 0))} less than the "
                        f"{format_eth(r.observed_gross or 0)} ETH its vaults paid the collection address "
                        "in the window",
                        evidence,
                        epoch.window_end,
                    )
                )
    elif above:
        for r in above:
            verdicts[r.chain_id] = OVER
            add(
                Finding(
                    r.chain,
                    "warning",
                    "over-reported",
                    f"{head}: {r.chain} was attributed {format_eth(r.attributed_gross)} ETH, "
                    f"{format_eth(r.difference or 0)} more than the {format_eth(r.observed_gross or 0)} ETH "
                    "its vaults paid the collection address in the window",
                    evidence,
                    epoch.window_end,
                )
            )
    return [_with_verdict(r, verdicts.get(r.chain_id, r.verdict)) for r in rows]


def _with_verdict(row: AttributionRow, verdict: str) -> AttributionRow:
    return row if row.verdict == verdict else replace(row, verdict=verdict)


def _status_finding(
    splitter: str, epoch: SharedEpoch, chains: Sequence[ServedChain], add: Callable[[Finding], None]
) -> None:
    names = {c.chain_id: c.name for c in chains}
    head = f"{splitter} epoch {epoch.epoch}"
    if epoch.dispute is None:
        return
    by = names.get(epoch.dispute.chain_id, f"chain {epoch.dispute.chain_id}")
    if epoch.status == "disputed":
        add(
            Finding(
                by,
                "warning",
                "epoch-disputed",
                f"{head} is disputed (by {epoch.dispute.disputer} for {by}): its credits "
                f"({format_eth(epoch.dispute.chains_held)} ETH to chains, "
                f"{format_eth(epoch.dispute.collective_share_held)} ETH to the Collective, "
                f"{format_eth(epoch.dispute.operator_fee_held)} ETH operator fee) are held until governance "
                "confirms or corrects it",
                epoch.dispute.tx_hash,
                epoch.window_end,
            )
        )
    elif epoch.status == "confirmed":
        add(
            Finding(
                by,
                "info",
                "epoch-confirmed",
                f"{head}, disputed for {by}, was confirmed by governance as reported",
                epoch.resolved_tx,
                epoch.window_end,
            )
        )
    elif epoch.status == "corrected":
        add(
            Finding(
                by,
                "info",
                "epoch-corrected",
                f"{head}, disputed for {by}, was corrected by governance"
                + (f" (adding {format_eth(epoch.added)} ETH)" if epoch.added else "")
                + ": its attribution is verified as corrected",
                epoch.resolved_tx,
                epoch.window_end,
            )
        )


def _unreported(
    splitter: str,
    epochs: Sequence[SharedEpoch],
    chains: Sequence[ServedChain],
    report_interval: int | None,
    result: Attribution,
) -> None:
    last_end = max((e.window_end for e in epochs), default=0)
    bound = 2 * expected_interval(epochs, report_interval)
    for chain in chains:
        waiting = [w for w in chain.withdrawals if w.timestamp > last_end]
        if not chain.read or not waiting:
            continue
        oldest = min(w.timestamp for w in waiting)
        overdue = chain.last_time - oldest > bound
        entry = Unreported(
            splitter,
            chain.chain_id,
            chain.name,
            last_end,
            len(waiting),
            sum(w.value for w in waiting),
            sum(w.value for w in waiting if w.l1_fee_vault),
            oldest,
            overdue,
        )
        result.unreported.append(entry)
        since = f"after the last reported window's end {utc_date(last_end)}" if epochs else "(no epoch yet)"
        age = (chain.last_time - oldest) / DAY
        result.findings.append(
            Finding(
                chain.name,
                "warning" if overdue else "info",
                "not-reported-yet",
                f"{format_eth(entry.gross)} ETH paid by {chain.name}'s vaults to {splitter}'s collection "
                f"address in {entry.withdrawals} withdrawal(s) {since} is not reported yet (the oldest "
                f"{age:.1f} days ago"
                + (
                    f", more than twice the {bound / 2 / DAY:g} days expected between epochs)"
                    if overdue
                    else ")"
                ),
                waiting[-1].tx_hash or f"block {waiting[-1].block}",
                waiting[-1].timestamp,
            )
        )


def _before_first(
    splitter: str, epochs: Sequence[SharedEpoch], chains: Sequence[ServedChain], result: Attribution
) -> None:
    """Withdrawals before the first epoch read (its window starts after time 0: earlier epochs were
    reported before the blocks read of the splitter's network)."""
    if not epochs or epochs[0].window_start == 0:
        return
    first = epochs[0]
    for chain in chains:
        early = [w for w in chain.withdrawals if w.timestamp <= first.window_start]
        if early:
            result.findings.append(
                Finding(
                    chain.name,
                    "info",
                    "attribution-unverified",
                    f"{format_eth(sum(w.value for w in early))} ETH paid by {chain.name}'s vaults to "
                    f"{splitter}'s collection address up to {utc_date(first.window_start)} is before epoch "
                    f"{first.epoch}'s window: it belongs to earlier epochs reported before the blocks read, "
                    "or (epoch 1) to before the windows' start governance set: not verified",
                    first.tx_hash,
                    first.window_start,
                )
            )

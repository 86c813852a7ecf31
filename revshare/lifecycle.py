"""Exact reference model of a chain's life in the registry: joined, terms changed with notice,
exit with a final settlement; and of which terms a disbursement applies, and the keeper reward.

The registry keeps each chain's terms as a history of entries, oldest first, each in force from
its ``effective_at`` until the next one's. A splitter settles the revenue it received since its
previous disbursement under the terms in force when that period began; when a change took effect
since, that disbursement is the boundary settlement (allowed at once, whatever the interval) and
the next one applies the new terms. An exit is a last entry with rates of zero: after its
boundary settlement (the final settlement) the chain keeps all its revenue.

Plain Python, no ape: the contracts must agree with it, and the report and the monitor read
lifecycles with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from revshare.model import apply_bps

DEFAULT_NOTICE_PERIOD = 30 * 86_400
MAX_NOTICE_PERIOD = 365 * 86_400
MAX_SCHEDULE_AHEAD = 5 * 365 * 86_400
MAX_KEEPER_REWARD_BPS = 100
NO_CHANGE = 2**64 - 1


class Refused(Exception):
    """The registry would revert with the custom error ``error`` (its name)."""

    def __init__(self, error: str, *args: int):
        super().__init__(error, *args)
        self.error = error
        self.args_ = args


@dataclass(frozen=True)
class TermsEntry:
    """Terms in force from ``effective_at``; an exit entry has rates of zero."""

    gross_bps: int
    net_bps: int
    effective_at: int
    exit: bool = False
    terms_hash: bytes = b"\x00" * 32


@dataclass
class TermsHistory:
    """One chain's terms history, as the registry keeps it."""

    entries: list[TermsEntry]
    notice_period: int = DEFAULT_NOTICE_PERIOD

    @classmethod
    def joined(
        cls,
        at: int,
        gross_bps: int,
        net_bps: int,
        notice_period: int = DEFAULT_NOTICE_PERIOD,
        terms_hash: bytes = b"\x00" * 32,
    ) -> TermsHistory:
        return cls([TermsEntry(gross_bps, net_bps, at, False, terms_hash)], notice_period)

    @property
    def last(self) -> TermsEntry:
        return self.entries[-1]

    def earliest(self, now: int) -> int:
        """The earliest effective time a change scheduled at ``now`` may have."""
        return max(now + self.notice_period, self.last.effective_at + 1)

    def schedule(
        self,
        now: int,
        gross_bps: int,
        net_bps: int,
        effective_at: int = 0,
        *,
        exit: bool = False,
        terms_hash: bytes | None = None,
    ) -> int:
        """Append a change (or the exit); returns its effective time or raises `Refused`."""
        if self.last.exit:
            raise Refused("ChainExiting", self.last.effective_at)
        earliest, latest = self.earliest(now), now + MAX_SCHEDULE_AHEAD
        at = effective_at or earliest
        if not earliest <= at <= latest:
            raise Refused("InvalidEffectiveTime", at, earliest, latest)
        if terms_hash is None:
            terms_hash = self.last.terms_hash
        rates = (0, 0) if exit else (gross_bps, net_bps)
        self.entries.append(TermsEntry(*rates, at, exit, terms_hash))
        return at

    def cancel(self, now: int, *, exit: bool) -> int:
        """Remove the last entry if it is of that kind and not yet in force; returns its time."""
        last = self.last
        if len(self.entries) == 1 or last.exit != exit or last.effective_at <= now:
            raise Refused("NothingScheduled")
        self.entries.pop()
        return last.effective_at

    def at(self, timestamp: int) -> TermsEntry:
        """The entry in force at ``timestamp`` (the first one for any earlier time)."""
        return next((e for e in reversed(self.entries) if e.effective_at <= timestamp), self.entries[0])

    def next_change_after(self, since: int) -> int:
        """The first entry's time after ``since``; `NO_CHANGE` if none."""
        return next((e.effective_at for e in self.entries[1:] if e.effective_at > since), NO_CHANGE)

    def exit_time(self) -> int:
        return self.last.effective_at if self.last.exit else 0


@dataclass(frozen=True)
class Settlement:
    """What one disbursement applies."""

    gross_bps: int
    net_bps: int
    boundary: bool  # a change took effect since the period began: this settles the period before it
    change_at: int  # that change's time (NO_CHANGE if none)
    exited: bool = False  # the chain had left when the period began: beyond pause, holds, rewards


def settlement(history: TermsHistory, since: int, now: int) -> Settlement:
    """The terms a disbursement at ``now`` applies to the period that began at ``since``."""
    terms = history.at(since)
    change_at = history.next_change_after(since)
    return Settlement(terms.gross_bps, terms.net_bps, change_at <= now, change_at, terms.exit)


def keeper_reward(gross: int, bps: int, cap: int) -> int:
    """The caller's reward out of a disbursement of ``gross``: ``bps`` of it, at most ``cap``."""
    return min(apply_bps(gross, bps), cap) if bps else 0


@dataclass(frozen=True)
class Milestone:
    """A grant milestone: ``amount`` vests once the Collective received ``collective_share`` wei
    from the chain since the grant, and ``not_before`` passed (before the chain's exit)."""

    collective_share: int
    not_before: int
    amount: int


def vested_count(
    milestones: list[Milestone], earned: int, now: int, exit_at: int = 0, released: int = 0
) -> int:
    """How many milestones (in order) have vested: the share ``earned`` since the grant reaches
    theirs and their time has come, the clock stopping at the chain's exit."""
    clock = exit_at if exit_at and exit_at < now else now
    count = released
    while count < len(milestones) and milestones[count].collective_share <= earned:
        if milestones[count].not_before > clock:
            break
        count += 1
    return count

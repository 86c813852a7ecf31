"""Plain-text tables and amount formatting for terminal output."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

WEI_PER_ETH = 10**18

# Where progress lines go (click.echo in scripts, print or a no-op elsewhere).
Log = Callable[[str], None]


def format_eth(wei: int, decimals: int = 6) -> str:
    """Wei as ETH rounded to ``decimals`` places (display only; totals are checked in wei)."""
    value = (Decimal(wei) / WEI_PER_ETH).quantize(Decimal(1).scaleb(-decimals))
    return f"{value:,.{decimals}f}"


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, footer: Sequence[str] = ()) -> str:
    """Columns sized to their content; text columns left-aligned, numeric ones right-aligned."""
    body = [list(map(str, row)) for row in rows]
    foot = [list(map(str, footer))] if footer else []
    widths = [len(h) for h in headers]
    for row in body + foot:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))

    def numeric(index: int) -> bool:
        cells = [row[index] for row in body if row[index]]
        return bool(cells) and all(c.replace(",", "").replace(".", "").isdigit() for c in cells)

    right = [numeric(i) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = [cell.rjust(widths[i]) if right[i] else cell.ljust(widths[i]) for i, cell in enumerate(cells)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(headers), rule, *(line(r) for r in body)]
    if foot:
        out += [rule, line(foot[0])]
    return "\n".join(out)

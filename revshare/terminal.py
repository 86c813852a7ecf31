"""Plain-text tables and amount formatting for terminal output and text files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from io import StringIO

from rich.box import Box
from rich.console import Console
from rich.table import Table
from rich.text import Text

WEI_PER_ETH = 10**18

# Where progress lines go (click.echo in scripts, print or a no-op elsewhere).
Log = Callable[[str], None]


def format_eth(wei: int, decimals: int = 6) -> str:
    """Wei as ETH rounded to ``decimals`` places (display only; totals are checked in wei)."""
    value = (Decimal(wei) / WEI_PER_ETH).quantize(Decimal(1).scaleb(-decimals))
    return f"{value:,.{decimals}f}"


def exact_eth(wei: int) -> str:
    """An amount in ETH with every significant digit: 50000000000000000 -> "0.05 ETH"."""
    whole, fraction = divmod(wei, 10**18)
    digits = f"{fraction:018d}".rstrip("0")
    return f"{whole}.{digits} ETH" if digits else f"{whole} ETH"


# Plain ASCII rules under the header and above the footer, no frame: the tables also go into
# text files (the report's summary.txt), where box-drawing characters and colour do not belong.
_RULES = Box("    \n    \n -  \n    \n    \n -  \n    \n    \n", ascii=True)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, footer: Sequence[str] = ()) -> str:
    """A plain-text table (rich lays it out: columns sized by display width, so wide characters in
    a chain's name keep the columns straight); numeric columns right-aligned, text left-aligned.
    Cells are plain text, never rich markup."""
    body = [list(map(str, row)) for row in rows]

    def numeric(index: int) -> bool:
        cells = [row[index] for row in body if row[index]]
        return bool(cells) and all(c.replace(",", "").replace(".", "").isdigit() for c in cells)

    table = Table(
        box=_RULES,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        show_footer=bool(footer),
        header_style="",
        footer_style="",
    )
    for index, header in enumerate(headers):
        table.add_column(
            Text(str(header)),
            footer=Text(str(footer[index])) if footer else "",
            justify="right" if numeric(index) else "left",
            no_wrap=True,
        )
    for row in body:
        table.add_row(*map(Text, row))
    out = StringIO()
    # Never a terminal or a notebook (rich would draw there, not into `out`), never wrapped.
    console = Console(file=out, width=1_000_000, force_terminal=False, force_jupyter=False, color_system=None)
    console.print(table, markup=False, emoji=False, highlight=False)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())

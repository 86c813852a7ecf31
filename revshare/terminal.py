"""Tables and amount formatting: plain text for terminal output and text files, and the same
tables as HTML for the report's and the monitor's self-contained pages."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape
from io import StringIO
from pathlib import Path

from rich.box import Box
from rich.console import Console
from rich.table import Table
from rich.text import Text

WEI_PER_ETH = 10**18

# Where progress lines go (click.echo in scripts, print or a no-op elsewhere).
Log = Callable[[str], None]


# An address in a text: 40 hex digits, not part of a longer hex string (a transaction hash).
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{40}\b")


def short_address(address: str) -> str:
    """``0x1234…abcd``: for people; files keep the whole address (two can share a short form)."""
    return f"{address[:6]}…{address[-4:]}"


def shorten_addresses(text: str) -> str:
    """``text`` with every address in it shortened (`short_address`), for display."""
    return ADDRESS.sub(lambda found: short_address(found.group()), text)


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


# The terminal shows a table in full up to this many rows; a longer one is in the files beside the
# output (CSV, JSON, and the page's paged table), and the terminal says where.
TERMINAL_ROWS = 60


def capped_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], file: str, *, footer: Sequence[str] = ()
) -> str:
    """A table in full, or, past `TERMINAL_ROWS`, its first and last rows and where the rest is."""
    if len(rows) <= TERMINAL_ROWS:
        return render_table(headers, rows, footer=footer)
    half = TERMINAL_ROWS // 2
    shown = render_table(headers, [*rows[:half], *rows[-half:]], footer=footer)
    hidden = len(rows) - 2 * half
    return shown + f"\n  ({hidden:,} rows between not shown: all {len(rows):,} are in {file} and index.html)"


# ---------------------------------------------------------------- HTML
# The style both pages share; each adds its own classes.
PAGE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.88rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td.text { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; }
"""


class Markup(str):
    """Text that is already HTML (a link built from escaped parts): table cells keep it as is."""


def html_link(url: str | None, text: str) -> str:
    """``text`` as a link to ``url`` (escaped), or just escaped text when there is no url."""
    if not url:
        return Markup(escape(text))
    return Markup(f'<a href="{escape(url)}">{escape(text)}</a>')


def html_cell(text: str) -> str:
    """A table cell: numbers right-aligned, text left-aligned, escaped unless already Markup."""
    if isinstance(text, Markup):
        return f'<td class="text">{text}</td>'
    numeric = text.replace(",", "").replace(".", "").replace("%", "").lstrip("-").isdigit()
    return f"<td>{escape(text)}</td>" if numeric else f'<td class="text">{escape(text)}</td>'


def html_table(headers: Sequence[str], rows: Sequence[Sequence[str]], table_id: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(html_cell(c) for c in row) + "</tr>" for row in rows)
    ident = f' id="{escape(table_id)}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_image(path: Path, alt: str) -> str:
    """A PNG embedded as a data URI (the page needs nothing else to show it)."""
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<p><img alt="{escape(alt)}" src="data:image/png;base64,{data}"></p>'

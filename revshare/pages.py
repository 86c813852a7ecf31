"""The HTML pages' kit, shared by the report and the monitor: interactive charts (plotly.js's basic
bundle inlined, so a page is one file that works offline), tables that sort, filter and page in
the browser (their rows carried as JSON, far smaller than HTML rows), and collapsible groups; and
the date axis of the PNG charts written beside the pages for documents.

Everything a page needs is in the page: no server, no network. Without the bundled plotly.js (an
install that skipped `make`), `plotly_js()` is None and pages fall back to their PNG charts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from revshare.artifacts import FOLDER as ARTIFACTS

PLOTLY_FILE = ARTIFACTS / "plotly-basic.min.js"
TABLE_PAGE_ROWS = 25
# At most this many date ticks on a chart's x axis (plotly picks round dates up to it).
MAX_DATE_TICKS = 12

STYLE = """
.chart { width: 100%; height: 420px; margin: 0.5rem 0 1.5rem; }
.table-tools { display: flex; gap: 0.8rem; align-items: center; margin: 0.4rem 0; font-size: 0.88rem; }
.table-tools input { padding: 0.2rem 0.4rem; min-width: 16rem; }
.table-tools button { padding: 0.1rem 0.6rem; }
th.sortable { cursor: pointer; user-select: none; } th.text { text-align: left; }
th.sortable:after { content: " \\2195"; color: #aaa; }
th.asc:after { content: " \\2191"; color: #222; } th.desc:after { content: " \\2193"; color: #222; }
details.group { margin: 0.3rem 0; } details.group summary { cursor: pointer; }
"""

SCRIPT_FILE = Path(__file__).with_name("pages.js")


@cache
def plotly_js() -> str | None:
    """plotly.js's basic bundle as bundled with the package (None when it is missing)."""
    return PLOTLY_FILE.read_text() if PLOTLY_FILE.is_file() else None


def json_script(element_id: str, value: Any) -> str:
    """``value`` as JSON inside a script element the page's script reads (no HTML can end it)."""
    text = json.dumps(value, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # still JSON
    return f'<script type="application/json" id="{escape(element_id)}">{text}</script>'


@dataclass
class Chart:
    """One interactive chart: plotly traces and layout (plain JSON), drawn into ``<div id=...>``."""

    element_id: str
    traces: list[dict[str, Any]]
    layout: dict[str, Any] = field(default_factory=dict)

    def html(self) -> str:
        source = f"{self.element_id}-data"
        return (
            f'<div class="chart" id="{escape(self.element_id)}" data-source="{escape(source)}"></div>'
            + json_script(source, {"traces": self.traces, "layout": self.layout})
        )


def date_layout(title: str, y_title: str = "ETH", **extra: Any) -> dict[str, Any]:
    """A layout with a real date x axis (bounded ticks), a legend under the chart, zoom on x."""
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 15}},
        "xaxis": {"type": "date", "nticks": MAX_DATE_TICKS, "rangeslider": {"visible": False}},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.15},
        "hovermode": "x unified",
        "margin": {"l": 70, "r": 70, "t": 60, "b": 40},
        "barmode": "stack",
    }
    layout.update(extra)
    return layout


def selector(labels: Sequence[str], traces_per_label: Sequence[int], titles: Sequence[str]) -> dict[str, Any]:
    """A dropdown that shows one label's traces at a time (a chain selector): label ``i`` owns
    the next ``traces_per_label[i]`` traces in order."""
    total = sum(traces_per_label)
    buttons, offset = [], 0
    for label, count, title in zip(labels, traces_per_label, titles, strict=True):
        visible = [offset <= i < offset + count for i in range(total)]
        buttons.append(
            {"label": label, "method": "update", "args": [{"visible": visible}, {"title.text": title}]}
        )
        offset += count
    return {"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left", "y": 1.18, "yanchor": "top"}


Cell = str | dict[str, str]


def link(url: str | None, text: str) -> Cell:
    """A `data_table` cell linking ``text`` to ``url`` (plain text when there is no url)."""
    return {"t": text, "h": url} if url else text


def data_table(
    element_id: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, file: str = ""
) -> str:
    """A sortable, filterable, paged table whose rows travel as JSON; ``file`` names the CSV beside
    the page holding the same rows (said when scripts are off)."""
    source = f"{element_id}-data"
    spec = {"headers": list(headers), "rows": [list(r) for r in rows], "pageSize": TABLE_PAGE_ROWS}
    fallback = f" The rows are in {escape(file)} beside this page." if file else ""
    return (
        f'<div class="data-table" id="{escape(element_id)}" data-source="{escape(source)}">'
        f"<noscript><p>{len(rows):,} rows: this table needs JavaScript.{fallback}</p></noscript></div>"
        + json_script(source, spec)
    )


def group(summary: str, body: str, element_id: str = "") -> str:
    """A collapsed group: ``summary`` shown, ``body`` a click away."""
    ident = f' id="{escape(element_id)}"' if element_id else ""
    return f'<details class="group"{ident}><summary>{summary}</summary>{body}</details>'


def scripts(charts: bool) -> str:
    """The page's scripts, placed once at the end of the body: plotly.js when the page has
    charts (and it is bundled), then the kit's own."""
    library = plotly_js() if charts else None
    inline = f"<script>{library}</script>" if library else ""
    return inline + f"<script>{SCRIPT_FILE.read_text()}</script>"


def date_axis(ax: Any, most: int = 10) -> None:
    """A PNG chart's x axis (matplotlib, for the documents beside a page): round dates as ticks, at
    most ``most``, labelled concisely (the year once, then months or days)."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=most)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))

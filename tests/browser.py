"""Headless Chromium for the HTML pages' render tests: the distribution's Chromium (`make test`
installs it when it can), driven by Playwright, which never downloads a browser of its own here.
Without Chromium a test skips, except under CI, where it fails: CI must render the pages."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
# Without the background-networking flags Chromium keeps trying this machine's closed network.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# What a page may load: itself, and data it carries.
LOCAL = ("file:", "data:", "blob:", "about:")


def need_chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must render the HTML pages, but Chromium is missing (make test installs it)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@contextmanager
def open_page(path: Path, width: int = 1280, height: int = 1000) -> Iterator[Any]:
    """The page at ``path`` loaded in headless Chromium. Console errors, and any request for
    something not in the page itself (the page must work offline, from one file), fail the test."""
    from playwright.sync_api import sync_playwright

    executable = need_chromium()
    errors: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on(
                "request", lambda r: None if r.url.startswith(LOCAL) else errors.append(f"fetched {r.url}")
            )
            page.goto(path.resolve().as_uri())
            yield page
        finally:
            browser.close()
    assert not errors, errors


def boxes(page: Any, selector: str) -> list[tuple[float, float, float, float, str]]:
    """(left, right, top, bottom, text) of every element matching ``selector``."""
    script = (
        "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "return [r.left, r.right, r.top, r.bottom, e.textContent]; })"
    )
    return [tuple(b) for b in page.eval_on_selector_all(selector, script)]


def overlapping(found: list[tuple[float, float, float, float, str]]) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap (tick labels that would be drawn over each other)."""
    pairs = []
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]:
                pairs.append((a[4], b[4]))
    return pairs


def red_pixels(png: bytes) -> int:
    """Pixels of the Collective's red (#ff0420) in a screenshot."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if r > 230 and g < 40 and b < 60)

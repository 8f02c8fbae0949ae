"""The outputs in a real browser: headless Chromium (the Debian package, no download), through Playwright.

Locally without Chromium these skip with a message; in CI (``CI=true``) they must run: `.ci/run`
installs the package when it is missing.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from kit.batch import plan, run

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHINESE = "青禾县政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from kit.demo import write_demo
    from kit.readers import read_file
    from kit.store import Store

    root = tmp_path_factory.mktemp("browser")
    store = root / "s.sqlite"
    with Store(store) as s:
        for p in write_demo(root / "d", departments=3, years=(2023, 2024)):
            s.put(read_file(p))
    out = root / "out"
    summary = run(plan(store, out, registry=root / "d" / "registry.csv"), out, to=("html",), progress=False, workers=2)
    assert summary.failed == 0
    return out


def _open(browser, path: Path, width: int = 1000):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")
    return page


@pytest.mark.parametrize("which", ["index.html", "2024/青禾县自然资源局/report.html"])
def test_the_embedded_font_is_loaded_and_used(browser, outputs, which, tmp_path):
    page = _open(browser, outputs / which)
    faces = page.evaluate("[...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])")
    assert ["XXGK Sans", "loaded"] in faces
    assert page.evaluate(f"document.fonts.check('16px \"XXGK Sans\"', '{CHINESE[:3]}')")
    page.screenshot(path=str(tmp_path / "shot.png"))  # kept with the test's files, to look at
    page.close()


def test_clicking_a_column_header_sorts_the_index(browser, outputs):
    page = _open(browser, outputs / "index.html")
    years = "[...document.querySelectorAll('#reports tbody tr')].map(r => r.cells[1].textContent)"
    page.click("#reports th:nth-child(2)")
    first = page.evaluate(years)
    assert first == sorted(first) and len(set(first)) == 2
    page.click("#reports th:nth-child(2)")
    assert page.evaluate(years) == sorted(first, reverse=True)
    page.close()


@pytest.mark.parametrize("which", ["index.html", "2024/青禾县自然资源局/report.html", "2024/青禾县人民政府/report.html"])
def test_no_horizontal_scroll_on_a_phone(browser, outputs, which):
    page = _open(browser, outputs / which, width=390)
    scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= width, f"{which} is {scroll} px wide on a 390 px screen"
    page.close()


def test_every_link_on_the_index_resolves_to_a_file(browser, outputs):
    page = _open(browser, outputs / "index.html")
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    # two links (HTML, IPYNB) for each of 8 reports (3 departments and the county, 2 years), and four (HTML,
    # IPYNB, the notice, the problem list) for each of 4 region-years (the county and the city, 2 years)
    assert len(hrefs) == 8 * 2 + 4 * 4
    for href in hrefs:
        target = Path(unquote(urlparse(href).path))
        assert target.is_file() and outputs.resolve() in target.resolve().parents, href
    page.close()

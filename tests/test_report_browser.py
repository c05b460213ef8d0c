"""The report page as a reader sees it: opened in headless Chromium (Playwright driving the
system's /usr/bin/chromium, installed by `make test`), its text, heatmap, links and filters checked,
and a screenshot written to docs/screenshots/report.png for the README."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stance.config import STANCE_LABELS
from stance.io import write_records
from stance.records import Quote
from stance.report import build_report
from stance.scoring import labelled

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = chromium_path()
    if exe is None:
        pytest.skip("no Chromium on this machine (make test installs Debian's chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


ARTICLES = {  # article id -> (title, url, date)
    "a1": ("Wang Yi criticises US tariffs at ASEAN", "https://www.reuters.com/world/asia/wang-yi-1", "2025-07-11"),
    "a2": ("Rubio meets Wang Yi in Kuala Lumpur", "https://english.news.cn/rubio-wang-2", "2025-07-12"),
}


def rec(i: int, article: str, speaker: str, text: str, stance: dict[str, tuple[float, float, float]]) -> dict:
    title, url, date = ARTICLES[article]
    r = Quote(id=f"q{i}", article=article, text=text, start=0, end=len(text), paragraph=0, kind="direct",
              speaker=speaker, title=title, url=url, date=date, context=f"{text} {speaker} said.").to_dict()
    r["stance"] = {t: {**labelled(dict(zip(STANCE_LABELS, p))), "via": "named"} for t, p in stance.items()}
    r["sentiment"] = labelled({"positive": 0.1, "negative": 0.6, "neutral": 0.3})
    return r


RECORDS = [
    rec(0, "a1", "Wang Yi", "Washington's tariffs are bullying.", {"United States": (0.05, 0.9, 0.05),
                                                                   "tariffs": (0.05, 0.9, 0.05)}),
    rec(1, "a1", "Wang Yi", "The US must stop its unilateral tariffs.", {"United States": (0.1, 0.8, 0.1)}),
    rec(2, "a2", "Marco Rubio", "It was a constructive meeting with China.", {"China": (0.8, 0.05, 0.15),
                                                                              "Wang Yi": (0.2, 0.1, 0.7)}),
    rec(3, "a2", "Anwar Ibrahim", "ASEAN will not take sides.", {"China": (0.1, 0.1, 0.8),
                                                                 "United States": (0.1, 0.1, 0.8)}),
]


def test_report_page_reads_and_filters_in_a_browser(browser, tmp_path):
    scores = tmp_path / "scores.jsonl"
    write_records(RECORDS, scores)
    html_path = Path(build_report(scores, tmp_path / "report")["html"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(html_path.as_uri())
    assert page.title() == "Stance report"
    findings = page.inner_text("#findings + ol")
    assert findings.index("Wang Yi against United States") < findings.index("Marco Rubio in favor of China")
    assert "Anwar Ibrahim" not in findings  # no directional quote, no finding
    svg = page.locator("svg.heatmap")
    box = svg.bounding_box()
    assert box and 300 < box["width"] <= 1280 and box["height"] > 80  # drawn, readable, within the page
    assert svg.locator("a").count() == 3  # three directional cells, each a link; the rest blank
    svg.locator("a").first.click()
    assert page.evaluate("location.hash").startswith("#c-")
    # filters: the outlet box narrows the quote lists and hides cells left empty
    assert page.locator("li.q:visible").count() == 4
    page.select_option("#f-outlet", "english.news.cn")
    assert page.locator("li.q:visible").count() == 1
    assert page.inner_text("#f-count") == "1 quote(s) shown"
    assert page.locator("#c-Wang-Yi--United-States").is_hidden()
    page.select_option("#f-outlet", "")
    page.fill("#f-from", "2025-07-12")
    page.dispatch_event("#f-from", "change")
    assert page.locator("li.q:visible").count() == 1
    page.fill("#f-from", "2025-07-11")
    page.dispatch_event("#f-from", "change")
    assert not errors, errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "report.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot), full_page=False)
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    pixels = [image.getpixel((x, y)) for x in range(0, image.width, 3) for y in range(0, image.height, 3)]
    assert any(r < 80 and b > 140 for r, g, b in pixels) and any(r > 150 and b < 70 for r, g, b in pixels)  # blue, red

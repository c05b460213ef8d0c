"""The review page as a reviewer sees it: a pushed task opened in the real Label Studio server's
labeling page in headless Chromium, logged in as the session's user; the quote is highlighted in
its paragraph, each target shows its route and the model's probabilities, the model's labels are
pre-selected. Writes docs/screenshots/review.png for the README."""

from __future__ import annotations

import pytest

from stance.labelstudio.client import connect, push
from ls_helpers import quote, scored, write_roster, write_scores
from test_report_browser import SCREENSHOTS, browser  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]


def review_rows() -> list[dict]:
    text = "These tariffs are a tax on American families, and Beijing knows it"
    q = quote("r1", 60, text, "Marco Rubio", "Rubio", title="Rubio meets Wang Yi in Kuala Lumpur",
              context=f"Rubio told reporters on Friday: \u201c{text}.\u201d He met Wang Yi for an hour.",
              url="https://example.org/news/rubio-wang", date="2025-07-11")
    row = scored(q, {"tariffs": ("against", 0.81), "China": ("against", 0.64), "Wang Yi": ("none", 0.7)},
                 ("negative", 0.77))
    for target, via in (("tariffs", "always"), ("China", "named"), ("Wang Yi", "context")):
        row["stance"][target]["via"] = via
    return [row]


def test_review_page_shows_the_quote_in_its_paragraph_with_routes_and_probabilities(label_studio, browser,  # noqa: F811
                                                                                     tmp_path):
    url, key = label_studio["url"], label_studio["token"]
    scores = write_scores(tmp_path, review_rows())
    pushed = push(scores, project="review page", url=url, api_key=key, roster=write_roster(tmp_path))
    client, _ = connect(url, key)
    task = next(iter(client.tasks.list(project=pushed["project_id"])))
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{url}/user/login/")
    page.fill("input[name=email]", label_studio["user"])
    page.fill("input[name=password]", label_studio["password"])
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{url}/projects/{pushed['project_id']}/data?task={task.id}")
    page.wait_for_selector("mark", timeout=60_000)
    assert page.inner_text("mark").startswith("These tariffs are a tax on American families")
    body = page.inner_text("body")
    assert "Rubio meets Wang Yi in Kuala Lumpur" in body and "https://example.org/news/rubio-wang" in body
    assert "named in the quote · model: against 0.64" in body  # China: route and probability
    assert "named only in the paragraph · model: none 0.70" in body  # Wang Yi
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=False)

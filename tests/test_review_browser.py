"""The review page as a reviewer sees it: a pushed task opened in the real Label Studio server's
labeling page in headless Chromium, logged in as the session's user; the quote is highlighted in
its paragraph, each target shows its route and the model's probabilities, the model's labels are
pre-selected. A task added without predictions shows the ML backend's prediction. Writes
docs/screenshots/review.png and review_backend.png for the README."""

from __future__ import annotations

import pytest

import time

from stance.labelstudio.backend import Backend, attach, serve
from stance.labelstudio.client import connect, push
from stance.labelstudio.server import free_port
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
    login(page, label_studio)
    page.goto(f"{url}/projects/{pushed['project_id']}/data?task={task.id}")
    page.wait_for_selector("mark", timeout=60_000)
    assert page.inner_text("mark").startswith("These tariffs are a tax on American families")
    body = page.inner_text("body")
    assert "Rubio meets Wang Yi in Kuala Lumpur" in body and "https://example.org/news/rubio-wang" in body
    assert "named in the quote · model: against 0.64" in body  # China: route and probability
    assert "named only in the paragraph · model: none 0.70" in body  # Wang Yi
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=False)


def login(page, label_studio) -> None:
    page.goto(f"{label_studio['url']}/user/login/")
    page.fill("input[name=email]", label_studio["user"])
    page.fill("input[name=password]", label_studio["password"])
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_task_added_without_predictions_shows_the_backends_prediction(label_studio, browser, tmp_path,  # noqa: F811
                                                                         monkeypatch):
    """The README's screenshot of the loop with the backend: a hand-added task, predicted on request."""

    monkeypatch.setenv("STANCE_HOME", str(tmp_path / "home"))
    url, key = label_studio["url"], label_studio["token"]
    roster = write_roster(tmp_path)
    pushed = push(write_scores(tmp_path, review_rows()), project="backend page", url=url, api_key=key, roster=roster)
    backend = Backend(url=url, api_key=key, roster=roster, work_dir=tmp_path / "backend", log=lambda _: None)
    server = serve(backend, port=free_port())
    try:
        attach("backend page", f"http://127.0.0.1:{server.server_address[1]}", url=url, api_key=key)
        client, _ = connect(url, key)
        text = "Beijing keeps cheating American workers, and these tariffs are the answer"
        context = f"Rubio said on Monday: \u201c{text}.\u201d"
        fresh = client.tasks.create(project=pushed["project_id"], data={  # as a reviewer adds one: no predictions
            "quote_id": "fresh-page", "text": text, "speaker": "Marco Rubio", "context": context,
            "title": "A task added by hand", "kind": "direct", "context_html": f"<p>{context}</p>",
            "source_line": "added in Label Studio", "targets": [{"name": "tariffs"}, {"name": "China"}]})
        assert not list(client.predictions.list(task=fresh.id))
        client.actions.create(id="retrieve_tasks_predictions", project=pushed["project_id"],
                              selected_items={"all": False, "included": [fresh.id]})
        end = time.time() + 60
        while not list(client.predictions.list(task=fresh.id)) and time.time() < end:
            time.sleep(1)
        pred = next(iter(client.predictions.list(task=fresh.id)))
        assert pred.model_version == backend.model_version
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        login(page, label_studio)
        page.goto(f"{url}/projects/{pushed['project_id']}/data?task={fresh.id}")
        page.wait_for_selector("text=A task added by hand", timeout=60_000)
        page.wait_for_timeout(1500)
        checked = page.eval_on_selector_all("input[type=radio]:checked, input[type=checkbox]:checked",
                                            "els => els.map(e => e.value || e.name)")
        predicted = {r["from_name"]: r["value"]["choices"][0] for r in pred.result if r["type"] == "choices"}
        assert predicted["speaker"] == "Marco Rubio" and {"stance_0", "stance_1", "sentiment"} <= set(predicted)
        assert checked.count("on") >= 4  # speaker, two stances, sentiment: the backend's labels pre-selected
        assert backend.model_version[-6:] in page.inner_text("body")  # the prediction's version, as LS shows it
        page.screenshot(path=str(SCREENSHOTS / "review_backend.png"), full_page=False)

        # Opening a task without predictions asks the backend for one (no "Retrieve predictions").
        opened = client.tasks.create(project=pushed["project_id"], data={
            **fresh.data, "quote_id": "opened-page", "title": "Opened without predictions"})
        assert not list(client.predictions.list(task=opened.id))
        page.goto(f"{url}/projects/{pushed['project_id']}/data?task={opened.id}")
        page.wait_for_selector("text=Opened without predictions", timeout=60_000)
        end = time.time() + 30
        while not list(client.predictions.list(task=opened.id)) and time.time() < end:
            time.sleep(1)
        assert next(iter(client.predictions.list(task=opened.id))).model_version == backend.model_version
    finally:
        server.shutdown()

"""Scoring with the real model: targets per quote, probabilities, order, streaming, bad classify input."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from stance.config import SENTIMENT_LABELS, STANCE_LABELS
from stance.io import read_jsonl
from stance.model import SHIPPED_MODEL, Pair, load_model
from stance.records import Quote
from stance.report import read_scores
from stance.classify import classify_file
from stance.scoring import directed, is_topic, score_paths, score_quotes
from stance.routes import ROUTES
from stance.targets import load_targets, targets_for


@pytest.fixture(scope="module")
def model():
    return load_model(SHIPPED_MODEL)


def make_quote(i: int, article: str, text: str, speaker: str | None, context: str = "", **kw) -> dict:
    return Quote(id=f"q{i}", article=article, text=text, start=0, end=len(text), paragraph=i, kind="direct",
                 speaker=speaker, speaker_type="person" if speaker else None, context=context, **kw).to_dict()


QUOTES = [
    make_quote(0, "a1", "If you look at some of these trade deficits, they're massive. That has to be addressed.",
               "Marco Rubio", "Rubio defended the duties on Japan and Seoul."),
    make_quote(1, "a1", "The United States' imposition of high tariffs on Cambodia is an attempt to deprive all "
                        "parties of their legitimate rights to development.", "Wang Yi"),
    make_quote(2, "a1", "Phase One", None),  # a name in quote marks: not speech
    make_quote(3, "a1", "undermines the free trade system", "Wang Yi",
               "Wang on Thursday said the US tariff drive \"undermines the free trade system\"."),
    make_quote(4, "a2", "We have a lot to talk about with President Xi, and he has a lot to talk about with us.",
               "Donald Trump"),
    make_quote(5, "a2", "They have to make concessions. We're at 157 percent tariff for them.", "Donald Trump",
               duplicate_of="q4"),
]


def test_every_quote_scored_in_input_order(model):
    out = list(score_quotes(QUOTES, model=model, progress=False))
    assert [r["id"] for r in out] == [q["id"] for q in QUOTES]
    config = load_targets()
    for rec, q in zip(out, QUOTES):
        assert rec["model_version"] == model.model_version
        assert {k: rec[k] for k in q} == q  # the quote record is kept as it was
        if q["speaker"] is None:
            assert rec["stance"] == {} and rec["sentiment"] is None
            continue
        speakers = [x["speaker"] for x in QUOTES if x["article"] == q["article"] and x["speaker"]]
        listed = targets_for(q, config=config, article_speakers=speakers)
        assert list(rec["stance"])[:len(listed)] == listed  # then targets the quote points at ("they")
        assert all(rec["stance"][t]["via"] == "referred" for t in list(rec["stance"])[len(listed):])
        assert q["speaker"] not in rec["stance"]
        for target, scored in rec["stance"].items():
            assert set(scored["probs"]) == set(STANCE_LABELS)
            assert sum(scored["probs"].values()) == pytest.approx(1, abs=1e-4)
            assert scored["via"] in ROUTES
            threshold = model.relevance_threshold(scored["via"], topic=is_topic(config, target, speakers))
            assert scored["label"] == directed(scored["probs"], threshold)
        assert set(rec["sentiment"]["probs"]) == set(SENTIMENT_LABELS)
        assert sum(rec["sentiment"]["probs"].values()) == pytest.approx(1, abs=1e-4)
    assert "Wang Yi" in out[0]["stance"] and "Marco Rubio" in out[1]["stance"]  # speakers toward each other
    assert "Japan" in out[0]["stance"] and "Wang Yi" not in out[4]["stance"]  # other article, other speakers


def test_window_and_batch_size_do_not_change_scores(model):
    big = list(score_quotes(QUOTES, model=model, progress=False))
    small = list(score_quotes(QUOTES, model=model, window=2, batch_size=1, progress=False))
    for a, b in zip(big, small, strict=True):
        assert list(a["stance"]) == list(b["stance"])
        for target in a["stance"]:
            for label in STANCE_LABELS:
                assert a["stance"][target]["probs"][label] == pytest.approx(b["stance"][target]["probs"][label], abs=1e-3)


def test_scoring_is_lazy(model):
    """An endless input: the first records come out after one window, without reading the rest."""
    def endless():
        for i in itertools.count():
            yield make_quote(i, f"art{i // 3}", f"Tariffs are a tax on families, number {i}.", "Joe Biden")

    first = list(itertools.islice(score_quotes(endless(), model=model, window=8, progress=False), 5))
    assert [r["id"] for r in first] == [f"q{i}" for i in range(5)]


def test_extra_targets_are_scored(model):
    out = list(score_quotes(QUOTES[:1], model=model, extra_targets=["free trade", "Beijing"], progress=False))
    assert "free trade" in out[0]["stance"] and "China" in out[0]["stance"]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_classify_reports_bad_lines_and_scores_the_rest(model, tmp_path, capsys):
    rows = [
        json.dumps({"text": "Tariffs are a tax on American families.", "target": "tariffs", "speaker": "Joe Biden"}),
        "",  # 2: empty
        '{"text": "broken',  # 3: malformed
        json.dumps({"target": "China"}),  # 4: missing text
        json.dumps({"text": "x " * 50_000, "target": "tariffs"}),  # 5: 100,000 characters
        json.dumps({"text": "We welcome the talks.", "target": "the colonisation of Mars"}),  # 6: unknown target
        json.dumps({"text": "", "target": "China"}),  # 7: empty text
        json.dumps({"text": "Beijing plays fair.", "target": "China", "speaker": 7}),  # 8: bad speaker
        json.dumps({"text": "The long text came first.", "target": "tariffs"}),
    ]
    src = write_lines(tmp_path / "in.jsonl", rows)
    counts = classify_file(src, tmp_path / "out.jsonl", model=model, progress=False)
    err = capsys.readouterr().err
    for line in (2, 3, 4, 7, 8):
        assert f"in.jsonl:{line}:" in err
    assert "in.jsonl:5:" in err and "100,000 characters" in err  # truncation said once
    assert "in.jsonl:6:" in err and "colonisation" in err
    assert (counts.read, counts.scored, counts.skipped, counts.truncated) == (9, 4, 5, 1)
    assert not counts.ok
    out = [row for _, row in read_jsonl(tmp_path / "out.jsonl")]
    assert [r["text"][:12] for r in out] == [json.loads(rows[i])["text"][:12] for i in (0, 4, 5, 8)]
    assert len(out[1]["text"]) == 100_000  # the row keeps its full text
    for row in out:
        assert sum(row["stance"]["probs"].values()) == pytest.approx(1, abs=1e-4)
        assert row["sentiment"]["label"] in SENTIMENT_LABELS
        assert row["model_version"] == model.model_version


def test_classify_clean_file_is_ok(model, tmp_path):
    src = write_lines(tmp_path / "in.jsonl", [json.dumps({"text": "Good deal.", "target": "Japan", "context": "Trade."})])
    counts = classify_file(src, tmp_path / "out.csv", model=model, progress=False)
    assert counts.ok and counts.scored == 1
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") == 2


ARTICLE = (
    "Rubio meets Wang in Kuala Lumpur\n\n"
    "US Secretary of State Marco Rubio said on Friday that the talks with China were \"very constructive\".\n\n"
    "\"If you look at some of these trade deficits, they're massive. That has to be addressed,\" Rubio said.\n\n"
    "Chinese Foreign Minister Wang Yi said the US tariff drive \"undermines the free trade system\" "
    "and hurts developing nations.\n"
)


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_score_paths_writes_every_format(model, tmp_path, suffix):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "news" / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / f"scores.{suffix}"
    report = score_paths([tmp_path / "news"], out, model=model, progress=False)
    assert report.read == 1 and len(report.skipped) == 1  # the empty file is reported, not fatal
    rows = list(read_scores(out))
    assert len(rows) == report.quotes >= 2
    spoken = [r for r in rows if r["speaker"]]
    assert spoken and all("tariffs" in r["stance"] and r["speaker"] not in r["stance"] for r in spoken)


def test_quote_objects_and_records_without_article(model):
    from stance.records import Quote as Q

    as_objects = [Q.from_dict(q) for q in QUOTES[:2]]
    a = list(score_quotes(as_objects, model=model, progress=False))
    b = list(score_quotes(QUOTES[:2], model=model, progress=False))
    assert [list(r["stance"]) for r in a] == [list(r["stance"]) for r in b]
    loose = [{k: v for k, v in q.items() if k != "article"} for q in QUOTES[:2]]  # no article: no co-speakers
    out = list(score_quotes(loose, model=model, progress=False))
    assert "Wang Yi" not in out[0]["stance"] and "Marco Rubio" not in out[1]["stance"]


def test_score_without_output_writes_json_lines_to_stdout(tmp_path):
    from typer.testing import CliRunner

    from stance.cli import app

    article = tmp_path / "a.txt"
    article.write_text('"Tariffs are a tax on American families," Senator Rand Paul said on Tuesday.\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["score", str(article), "--no-progress"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 1 and rows[0]["speaker"] == "Rand Paul" and "tariffs" in rows[0]["stance"]


def test_score_paths_progress_bar_has_a_total_an_estimate_and_moves_before_the_end(model, tmp_path, capsys):
    news = tmp_path / "news"
    news.mkdir()
    for i in range(60):  # about 700 pairs: more than one scoring window, so the bar must move in between
        (news / f"a{i:02d}.txt").write_text(ARTICLE, encoding="utf-8")
    score_paths([news], tmp_path / "scores.jsonl", model=model, progress=True)
    err = capsys.readouterr().err
    counts = {int(n) for n in re.findall(r"(\d+)/60 ", err)}
    assert 60 in counts and "article" in err
    assert any(0 < n < 60 for n in counts), err  # shown while scoring, not only at the end
    assert re.search(r"<\d\d:\d\d", err)  # tqdm's estimate of the time left


def test_classify_without_sentiment_skips_the_pass_and_keeps_stance(model, tmp_path):
    rows = [{"text": "Tariffs are a tax on American families.", "target": "tariffs", "speaker": "Joe Biden"},
            {"text": "Beijing has cheated on every deal.", "target": "China", "speaker": "Donald Trump",
             "sentiment": "my own field"}]
    src = write_lines(tmp_path / "in.jsonl", [json.dumps(r) for r in rows])
    classify_file(src, tmp_path / "with.jsonl", model=model, progress=False)
    counts = classify_file(src, tmp_path / "without.jsonl", model=model, progress=False, sentiment=False)
    assert counts.ok and counts.scored == 2
    with_s = [row for _, row in read_jsonl(tmp_path / "with.jsonl")]
    without = [row for _, row in read_jsonl(tmp_path / "without.jsonl")]
    assert "sentiment" not in without[0] and without[1]["sentiment"] == "my own field"
    assert with_s[1]["sentiment"]["label"] in SENTIMENT_LABELS
    for a, b in zip(with_s, without):  # the stance of a pair does not depend on the sentiment pass
        assert a["stance"]["label"] == b["stance"]["label"]
        for k, v in a["stance"]["probs"].items():
            assert b["stance"]["probs"][k] == pytest.approx(v, abs=1e-4)
    preds = model.predict([Pair(r["text"], r["target"], r["speaker"]) for r in rows], sentiment=False)
    assert all(p.sentiment == {} and sum(p.stance.values()) == pytest.approx(1, abs=1e-4) for p in preds)

"""Training for the relevance decision: hard negatives, target swaps, thresholds chosen on dev."""

from __future__ import annotations

from stance.annotations import LabeledQuote
from stance.corpora import Example
from stance.model import SHIPPED_MODEL, load_model
from stance.negatives import TOPIC_GRID, THRESHOLD_GRID, choose_thresholds, f_beta, hard_negatives, target_swaps
from stance.targets import load_targets

CONFIG = load_targets()


def quote(i: int, text: str, speaker: str, stance: dict[str, str], article: str = "a1") -> LabeledQuote:
    return LabeledQuote(quote_id=f"q{i}", text=text, context=f"“{text},” {speaker} said.", speaker=speaker,
                        targets=tuple(stance), stance=stance, sentiment="negative", source="test", article=article)


QUOTES = [
    quote(0, "Beijing has cheated on every deal", "Donald Trump", {"tariffs": "none", "China": "against"}),
    quote(1, "Washington is bullying the world", "Wang Yi", {"tariffs": "against", "United States": "against"}),
    quote(2, "Our farmers did wonderful work", "Anwar Ibrahim", {"tariffs": "none"}, article="a2"),
]


def test_hard_negatives_are_unaddressed_actors_labelled_none():
    negs = hard_negatives(QUOTES, CONFIG, per_quote=3, seed=1)
    assert negs and all(n.stance == "none" for n in negs)
    by_text = {}
    for n in negs:
        by_text.setdefault(n.text, []).append(n.target)
    for q in QUOTES:
        chosen = by_text[q.text]
        assert len(chosen) == 3 and len(set(chosen)) == 3
        own = CONFIG.own_targets(q.speaker) | set(q.stance)
        assert not own & set(chosen)
        assert "tariffs" not in chosen
    # an actor of the same article comes first: Trump's quote gets Wang Yi or the United States, not only strangers
    assert {"Wang Yi", "United States"} & set(by_text[QUOTES[0].text])
    assert hard_negatives(QUOTES, CONFIG, per_quote=3, seed=1) == negs  # seeded


def test_target_swaps_pair_a_text_with_another_target():
    items = [Example(text=f"text about topic {i}", target=f"topic {i}", stance="favor") for i in range(20)]
    swaps = target_swaps(items, 10, seed=0)
    assert swaps and all(s.stance == "none" and s.target != s.text.replace("text about ", "") for s in swaps)


def test_f_beta_rewards_precision():
    gold = ["favor", "against", "none", "none"]
    assert f_beta(gold, gold) == 1.0
    assert f_beta(gold, ["none"] * 4) == 0.0
    cautious, eager = ["favor", "none", "none", "none"], ["favor", "against", "favor", "against"]
    assert f_beta(gold, cautious) > f_beta(gold, eager)


def test_thresholds_are_chosen_per_route_and_stored():
    model = load_model(SHIPPED_MODEL)
    dev = []
    for q in QUOTES * 10:
        dev += [Example(text=q.text, target=t, stance=lab, speaker=q.speaker, context=q.context) for t, lab in q.stance.items()]
    dev += hard_negatives(QUOTES * 10, CONFIG, per_quote=2, seed=3)
    model.settings.relevance_thresholds.pop("topic", None)
    assert model.relevance_threshold("named", topic=True) is None  # no topic threshold: the most probable label
    report = choose_thresholds(model, dev, CONFIG)
    assert report["named"]["threshold"] in THRESHOLD_GRID
    assert model.settings.relevance_thresholds["named"] == report["named"]["threshold"]
    assert model.relevance_threshold("named") == report["named"]["threshold"]
    # tariffs: one threshold whatever the route, the macro-F1-best of the grid on these dev labels
    from stance.bench import macro_f1
    from stance.model import Pair
    from stance.scoring import directed

    rows = [e for e in dev if e.target == "tariffs"]
    probs = [p.stance for p in model.predict([Pair(e.text, e.target, e.speaker, e.context) for e in rows])]
    f1 = {t: round(100 * macro_f1([e.stance for e in rows], [directed(p, t) for p in probs],
                                  ("favor", "against", "none")), 2) for t in TOPIC_GRID}
    topic = report["topic"]["threshold"]
    assert f1[topic] == max(f1.values()) and report["topic"]["macro_f1"] == f1[topic]
    assert model.relevance_threshold("named", topic=True) == topic == model.relevance_threshold("article", topic=True)


def test_int8_thresholds_are_chosen_on_int8_predictions_and_used_only_in_int8(tmp_path, monkeypatch):
    import shutil

    from stance.model import read_settings
    from stance.precision import best_precision
    from stance.negatives import choose_int8_thresholds

    monkeypatch.setenv("STANCE_HOME", str(tmp_path / "home"))
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, folder)
    before = read_settings(folder)
    before_best = best_precision(before)[0]
    assert before_best != "int8" or "int8" in before.precision_thresholds  # never int8 without its own thresholds
    dev = []
    for q in QUOTES * 10:
        dev += [Example(text=q.text, target=t, stance=lab, speaker=q.speaker, context=q.context) for t, lab in q.stance.items()]
    dev += hard_negatives(QUOTES * 10, CONFIG, per_quote=2, seed=3)
    report = choose_int8_thresholds(folder, dev, CONFIG)
    after = read_settings(folder)
    assert report["named"]["threshold"] == after.precision_thresholds["int8"]["named"]
    assert after.relevance_thresholds == before.relevance_thresholds  # the fp32 thresholds stay
    assert after.model_version == before.model_version
    fp32, int8 = load_model(folder), load_model(folder, precision="int8")
    assert fp32.relevance_threshold("named") == before.relevance_thresholds["named"]
    assert int8.relevance_threshold("named") == after.precision_thresholds["int8"]["named"]
    assert int8.relevance_threshold("named", topic=True) == after.precision_thresholds["int8"]["topic"]
    assert fp32.relevance_threshold("named", topic=True) == before.relevance_thresholds.get("topic")


def test_thresholds_chosen_again_are_noted_in_the_model_card(tmp_path):
    from stance.model import Settings
    from stance.negatives import note_in_card

    (tmp_path / "model_card.md").write_text("# m\n\n- named: 0.5 (chosen after training)\n", encoding="utf-8")
    note_in_card(tmp_path, "int8", Settings(precision_thresholds={"int8": {"named": 0.6, "topic": 0.4}}))
    note_in_card(tmp_path, "fp32", Settings(relevance_thresholds={"named": 0.55}))
    note_in_card(tmp_path / "nowhere", "fp32", Settings())  # no card: nothing written, no error
    card = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    assert card.startswith("# m\n\n- named: 0.5")  # the training run's lines stay
    assert card.count("## Thresholds chosen after training") == 1
    int8_line, fp32_line = card.strip().splitlines()[-2:]
    assert "int8 thresholds" in int8_line and "named 0.6, topic 0.4" in int8_line
    assert "fp32 thresholds" in fp32_line and "named 0.55" in fp32_line and "topic" not in fp32_line
    assert not (tmp_path / "nowhere").exists()

"""The lean backbone (stance.backbone) scores as transformers' BertModel does, without importing it."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from stance.model import Pair, load_model

PAIRS = [
    Pair("Tariffs are taxes on our own consumers.", "tariffs", "Lena Moser"),
    Pair("We will respond firmly to the United States.", "United States", None, "The ministry said on Monday."),
    Pair("word " * 300, "China", "Tom Hale", "context " * 200),  # truncated: longest first
    Pair("Short.", "", None),  # an empty target, as the sentiment pass reads a quote
]


@pytest.fixture(scope="module")
def models():
    return load_model(), load_model(lean=False)


def test_lean_and_transformers_backbones_give_the_same_probabilities(models):
    lean, hf = models
    assert type(lean.net.encoder).__name__ == "LeanBert" and type(hf.net.encoder).__name__ != "LeanBert"
    for a, b in zip(lean.predict(PAIRS), hf.predict(PAIRS)):
        assert a.stance == pytest.approx(b.stance, abs=1e-4)
        assert a.sentiment == pytest.approx(b.sentiment, abs=1e-4)


def test_lean_tokenizer_gives_transformers_ids(models):
    lean, hf = models
    firsts, seconds = ["China", "", "tariffs"], ["a quote " * 100, "x", "Trump: \u201cWe love tariffs\u201d"]
    a = lean.tokenizer(firsts, seconds, truncation="longest_first", max_length=64, padding=True, return_tensors="pt")
    b = hf.tokenizer(firsts, seconds, truncation="longest_first", max_length=64, padding=True, return_tensors="pt")
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        assert torch.equal(a[key], b[key])


def test_scoring_does_not_import_transformers():
    code = ("import sys; from stance.model import load_model, Pair; "
            "load_model().predict([Pair('We will fight', 'tariffs', 'A')]); "
            "print(any(m.startswith('transformers') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_building_the_lean_backbone_leaves_layer_initialisation_as_it_was():
    # build_lean skips the random initialisation of the layers it fills from the package weights;
    # layers built afterwards (the heads of a new model) must still be initialised, and seeded alike
    from stance.backbone import build_lean
    from stance.network import backbone_path

    torch.manual_seed(3)
    before = torch.nn.Linear(8, 8).weight.detach().clone()
    build_lean(backbone_path())
    torch.manual_seed(3)
    after = torch.nn.Linear(8, 8).weight.detach().clone()
    assert before.abs().sum() > 0 and torch.equal(before, after)
    emb = torch.nn.Embedding(4, 4)
    assert emb.weight.std() > 0.1  # initialised from N(0, 1), not left as empty memory


def test_int8_availability_does_not_import_onnx():
    # the check runs on every start-up of a scoring command; importing onnx costs over half a second
    code = ("import sys; from stance.quantized import available; ok = available(); "
            "print(ok, 'onnx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[1] == "False"

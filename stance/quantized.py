"""int8 scoring through ONNX Runtime: the network exported once, its linear layers quantised.

`StanceModel.set_precision("int8")` uses this. The checkpoint's network (a plain cross-encoder,
`shared_layers: 0`) is exported to ONNX, its weights quantised to int8 per output channel
(activations quantised on the fly), and the file cached under `$STANCE_HOME/cache/` by model
version, so the export (about 5 s) happens once per model. It replaces torch's `torch.ao` dynamic
quantisation (deprecated): on a CPU with AVX2 only it is about 1.6x torch fp32 with 97 % of the
labels equal; every benchmark is measured in the README (`python -m stance.bench.models --precision
int8`). A model with shared layers falls back to torch's quantisation.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import torch

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
BATCH = 8  # pairs per call (OnnxInt8.batch)


def cache_file(model_version: str) -> Path:
    """Where the int8 ONNX file of one model version is kept."""
    from .model import stance_home

    return stance_home() / "cache" / f"{model_version or 'unversioned'}-int8.onnx"


def _export(net: torch.nn.Module, tokenizer: Any, path: Path) -> None:
    """Export `net` (fp32) to ONNX and quantise it to int8 into `path` (written atomically)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Positional(torch.nn.Module):  # ONNX export passes inputs by position
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)

    sample = tokenizer(["China"], ["a quote about tariffs"], return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        plain, quant = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        with warnings.catch_warnings():  # the exporter's notices about its own future are not the user's
            warnings.simplefilter("ignore")
            was_training = net.training
            net.eval()
            torch.onnx.export(Positional(net), tuple(sample[k] for k in INPUTS), str(plain), input_names=list(INPUTS),
                              output_names=["stance", "sentiment"], opset_version=17, dynamo=False,
                              dynamic_axes={**{k: {0: "batch", 1: "tokens"} for k in INPUTS},
                                            "stance": {0: "batch"}, "sentiment": {0: "batch"}})
            net.train(was_training)
            import logging

            quiet = logging.getLogger().level
            logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing" is advice for image models
            try:
                quantize_dynamic(str(plain), str(quant), weight_type=QuantType.QInt8, per_channel=True)
            finally:
                logging.getLogger().setLevel(quiet)
        os.replace(quant, path)


class OnnxInt8:
    """An ONNX Runtime session standing in for `StanceNet.forward` (same inputs, same outputs); safe
    to call from `workers` threads at once (ONNX Runtime's `run` is thread-safe)."""

    def __init__(self, net: torch.nn.Module, tokenizer: Any, model_version: str, *, threads: int | None = None) -> None:
        import onnxruntime as ort

        path = cache_file(model_version)
        if not path.is_file() or not model_version:
            _export(net, tokenizer, path)
        # Batches run side by side, one core each (`workers`), not one batch on every core: a batch of
        # short sequences is too small a matrix product to split well across cores (2 cores, 2,000
        # pairs, one run: 350 pairs/s with two one-thread workers against 300 with one two-thread run).
        self.workers = max(1, threads or torch.get_num_threads())
        # Pairs per ONNX Runtime call, whatever batch size the caller asks for: small calls are faster
        # here (in process, 1,000 pairs, five alternating rounds on the 2-core EPYC: 8 pairs 350-364
        # pairs/s, 32 pairs 302-329, 64 pairs 257-277), and each call quantises its activations with
        # scales of its own, so fewer sequences share one scale.
        self.batch = BATCH
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.path = path
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, **batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        stance, sentiment = self.session.run(["stance", "sentiment"], {k: batch[k].numpy() for k in INPUTS})
        return torch.from_numpy(stance), torch.from_numpy(sentiment)


def available() -> bool:
    """Whether ONNX Runtime (and its quantiser) can be imported."""
    from importlib.util import find_spec

    # looked up, not imported: importing onnx costs more than half a second of start-up, and it is
    # needed only for the one-time export
    try:
        return all(find_spec(name) is not None for name in ("onnx", "onnxruntime", "onnxruntime.quantization"))
    except ImportError:  # a parent package that is present but broken
        return False


# Close calls of the int8 pass, scored again exactly in `int8-checked`: a row is a close call when
# its two most probable labels (calibrated) are nearer than this, or, for stance, when P(favor) +
# P(against) is this near a relevance threshold. Chosen on the dev split of the shipped model
# (143276a9, 2,980 stance and 704 sentiment rows): the smallest of 0.05, 0.10, 0.15, 0.20, 0.30
# whose int8-checked labels agree with fp32's on at least 99 % of the rows of that head (stance
# 0.10: 99.3 %, 0.05: 98.8 %; sentiment 0.20: 99.3 %, 0.15: 98.8 %). About one row in twelve is
# scored twice (README, speed).
CLOSE_CALL = {"stance": 0.10, "sentiment": 0.20}


def close_calls(stance: torch.Tensor, sentiment: torch.Tensor, firsts: Any, settings: Any,
                gates: Any = None) -> list[int]:
    """The rows whose int8 label may differ from the exact network's: stance rows (a target given)
    judged on the stance head, against `gates[row]` too where the row's label is gated; sentiment rows
    (empty target) on the sentiment head; both heads for a model that reads sentiment from the pairs."""
    def margin(logits: torch.Tensor, temperature: float) -> tuple[torch.Tensor, torch.Tensor]:
        probs = torch.softmax(logits / temperature, -1)
        top = probs.topk(2, -1).values
        return top[:, 0] - top[:, 1], probs

    s_margin, s_probs = margin(stance, settings.stance_temperature)
    close_stance = s_margin < CLOSE_CALL["stance"]
    if gates is not None:
        gate = torch.tensor([float("nan") if g is None else g for g in gates])
        relevance = s_probs[:, 0] + s_probs[:, 1]  # P(favor) + P(against) (STANCE_LABELS order)
        close_stance |= (relevance - gate).abs() < CLOSE_CALL["stance"]  # NaN (no gate): never close
    close_senti = margin(sentiment, settings.sentiment_temperature)[0] < CLOSE_CALL["sentiment"]
    targeted = torch.tensor([bool(f) for f in firsts], dtype=torch.bool)
    senti_rows = torch.ones_like(targeted) if settings.pair_sentiment else ~targeted
    close = (targeted & close_stance) | (senti_rows & close_senti)
    return close.nonzero().flatten().tolist()

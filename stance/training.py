"""Training runs: the config with dotted overrides, the data, fine-tuning and calibration, the run
folder (model, config, metrics, model card) and, when retraining on corrections, the promote rule.

A run writes `<output_dir>/<model_version>/`. With a `base` model (always the case with
`annotations`), the old and the new model are scored on the held-out human labels and on the
benchmarks, and the new one is copied to `$STANCE_HOME/models/current` (which `load_model(None)`
prefers over the shipped model) only if it is not worse.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from .annotations import REPO_ROOT, LabeledQuote, load_annotations
from .config import RESOURCES
from .evaluation import benchmark_sets, evaluate, input_ablation, tfidf_baseline
from .corpora import (Example, from_labeled, load_newsmtsc, load_semeval, load_vast, realnews_quotes, split_labeled,
                      subsample)
from .errors import ConfigError
from .finetune import calibrate, fit
from .model import Settings, current_model_path, default_model_path, load_model, new_model
from .negatives import choose_int8_thresholds, choose_thresholds, named_none, target_swaps, with_negatives
from .targets import load_targets

DEFAULT_CONFIG = Path("training/config.yaml")  # in the current folder (the repository); else the packaged copy
PACKAGED_CONFIG = RESOURCES / "training.yaml"  # the same file, shipped with the package


def default_config() -> Path:
    """The training config `stance train` uses without --config: the repository's when run from
    it, else the one shipped with the package (its relative data paths are then looked up beside
    the package, see `data_path`)."""
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else PACKAGED_CONFIG


def data_path(value: str | Path, key: str) -> Path:
    """A data path of the config: as given when it exists (relative to the current folder), else
    relative to the repository that holds the package; a clear error when neither exists."""
    path = Path(value)
    if path.exists():
        return path
    if path.is_absolute():
        raise ConfigError(f"{key}: {path} not found (set {key}=null to train without it)")
    if (REPO_ROOT / path).exists():
        return REPO_ROOT / path
    raise ConfigError(f"{key}: {path} not found here or in {REPO_ROOT} (run from the repository, or set "
                      f"{key}=null to train without it)")


PRIMARY = ("heldout", "heldout_sentiment")  # the promote rule's first test: held-out human labels


@dataclass
class Data:
    """Training items, dev items (calibration), the in-domain test part and the in-domain dev part."""

    train: list[Example]
    dev: list[Example]
    test: list[Example] = field(default_factory=list)
    indomain_dev: list[Example] = field(default_factory=list)


@dataclass(frozen=True)
class RunResult:
    model_version: str
    run_dir: Path
    metrics: dict[str, Any]
    decision: dict[str, Any] | None = None  # None when no old model was compared

    @property
    def promoted(self) -> bool:
        return bool(self.decision and self.decision["promote"])


def parse_sets(items: Sequence[str]) -> dict[str, Any]:
    """`key=value` strings (the CLI's --set) as a dict; values are read as YAML scalars."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set expects key=value, got {item!r}")
        out[key.strip()] = yaml.safe_load(value)
    return out


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The training config with a preset (`preset=NAME`) and dotted overrides applied, validated
    (`path` None: `default_config()`)."""
    path = Path(path) if path is not None else default_config()
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("training config not found; pass --config", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML ({exc})", path=str(path)) from None
    presets = cfg.pop("presets", {}) or {}
    overrides = dict(overrides or {})
    preset = overrides.pop("preset", None)
    if preset is not None:
        if preset not in presets:
            raise ConfigError(f"unknown preset {preset!r}; known: {', '.join(presets)}", path=str(path))
        for key, value in presets[preset].items():
            set_dotted(cfg, key, value, where=f"{path} presets.{preset}")
    for key, value in overrides.items():
        set_dotted(cfg, key, value, where=str(path))
    return cfg


def set_dotted(cfg: dict[str, Any], key: str, value: Any, *, where: str) -> None:
    """Set `a.b.c` in place; the key must exist, and the value takes the type of the default."""
    *parents, last = key.split(".")
    node = cfg
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or last not in node:
        raise ConfigError(f"unknown setting {key!r}; see the commented config for the keys", path=where)
    default = node[last]
    try:
        if value is None or default is None:
            pass
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError("expected true or false")
        elif isinstance(default, int):
            number = float(value)
            if not number.is_integer():
                raise ValueError("expected a whole number")
            value = int(number)
        elif isinstance(default, float):
            value = float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key}: bad value {value!r} ({exc})", path=where) from None
    node[last] = value


def build_base_data(cfg: dict[str, Any]) -> Data:
    """Public corpora (seeded subsamples) and the in-domain quotes, split into train/dev/test."""
    d, seed = cfg["data"], cfg["seed"]
    root = Path(d["root"]) if d["root"] else None
    vast = subsample(load_vast("train", root=root, dev_percent=d["vast"]["dev_percent"]), d["vast"]["limit"], seed=seed)
    train = (vast + target_swaps(vast, d["vast"]["swaps"], seed=seed)
             + subsample(load_semeval("train", root=root), d["semeval"]["limit"], seed=seed)
             * d["semeval"].get("repeat", 1)
             + subsample(load_newsmtsc("train", root=root), d["newsmtsc"]["limit"], seed=seed)
             + subsample(load_newsmtsc("train", root=root, as_stance=True), d["newsmtsc"]["stance_limit"], seed=seed))
    dev = (subsample(load_vast("dev", root=root, dev_percent=d["vast"]["dev_percent"]), d["vast"]["dev_limit"], seed=seed)
           + subsample(load_semeval("val", root=root), d["semeval"]["dev_limit"], seed=seed)
           + subsample(load_newsmtsc("dev", root=root, variant=d["newsmtsc"]["variant"]), d["newsmtsc"]["dev_limit"],
                       seed=seed))
    dev += subsample(load_newsmtsc("dev", root=root, variant=d["newsmtsc"]["variant"], as_stance=True),
                     d["newsmtsc"]["dev_limit"], seed=seed)
    data = Data(train=train, dev=dev)
    config = load_targets()

    def kept_and_held(quotes: list[LabeledQuote], block: dict[str, Any], source: str) -> tuple[list[Example], ...]:
        """Training and dev items of a labelled set, each quote with its hard negatives."""
        kept, held = split_labeled(quotes, percent=block["dev_percent"], salt="dev")
        return tuple(with_negatives(part, config, per_quote=block["negatives"], seed=seed, source=source)
                     for part in (kept, held))

    if d["indomain"]["train"]:
        kept, held = kept_and_held(load_annotations(data_path(d["indomain"]["train"], "data.indomain.train")),
                                   d["indomain"], "indomain")
        kept = subsample(kept, d["indomain"]["limit"], seed=seed)
        data.train += (kept + named_none(kept, config, d["indomain"].get("named_none", 1))) * d["indomain"]["repeat"]
        data.indomain_dev = subsample(held, d["indomain"]["dev_limit"], seed=seed)
        data.dev += data.indomain_dev
    if d["realnews"]["path"]:
        kept, held = kept_and_held(realnews_quotes("train", path=data_path(d["realnews"]["path"], "data.realnews.path")),
                                   d["realnews"], "realnews")
        data.train += (kept + named_none(kept, config, d["realnews"].get("named_none", 1))) * d["realnews"]["repeat"]
        data.indomain_dev += held
        data.dev += held
    if d["indomain"]["test"]:
        data.test = from_labeled(load_annotations(data_path(d["indomain"]["test"], "data.indomain.test")))
    return data


def train(config_path: str | Path | None = None, *, overrides: dict[str, Any] | None = None,
          annotations: Sequence[str | Path] | None = None, output_dir: str | Path | None = None,
          base: str | Path | None = None, log: Callable[[str], None] = print) -> RunResult:
    """Train (or, with `base`/`annotations`, fine-tune the current model), calibrate, score, save.

    With `annotations`, `base` defaults to the current model, the corrections are split into a
    training part and a held-out part, and the new model is promoted only if it is not worse.
    """
    cfg = load_config(config_path, overrides)
    if cfg["train"]["threads"]:
        import torch
        torch.set_num_threads(cfg["train"]["threads"])
    started = time.time()
    data = build_base_data(cfg)
    held: list[LabeledQuote] = []
    train_items, tcfg = data.train, dict(cfg["train"])
    if annotations:
        base = base or default_model_path()
        human = [q for path in annotations for q in load_annotations(path)]
        kept, held = split_labeled(human, percent=cfg["retrain"]["holdout_percent"], salt="holdout",
                                   min_held=1 if len(human) >= 4 else 0)
        train_items = (from_labeled(kept, source="human") * cfg["retrain"]["repeat"]
                       + subsample(data.train, cfg["retrain"]["base_mix"], seed=cfg["seed"]))
        tcfg.update({k: cfg["retrain"][k] for k in ("epochs", "lr", "max_steps")})
    model = load_model(base) if base else new_model(model_settings(cfg), seed=cfg["seed"])
    log(f"training on {len(train_items)} items {dict(Counter(e.source for e in train_items))}"
        + (f", from {model.model_version}" if base else ""))
    losses = fit(model, train_items, epochs=tcfg["epochs"], batch_size=tcfg["batch_size"], lr=tcfg["lr"],
                 weight_decay=tcfg["weight_decay"], warmup=tcfg["warmup"], seed=cfg["seed"],
                 sentiment_weight=tcfg["sentiment_weight"], max_steps=tcfg["max_steps"],
                 drop_speaker=cfg["data"]["input_dropout"]["speaker"],
                 drop_context=cfg["data"]["input_dropout"]["context"], autocast=tcfg.get("autocast"),
                 log=progress_logger(log))
    calibration = calibrate(model, data.dev, batch_size=cfg["eval"]["batch_size"])
    relevance = choose_thresholds(model, data.indomain_dev, load_targets(), batch_size=cfg["eval"]["batch_size"]) \
        if data.indomain_dev else {}
    model.settings.extra = {"base": str(base) if base else None, "trained_on": dict(Counter(e.source for e in train_items)),
                            "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    out_root = Path(output_dir or cfg["output_dir"])
    staging = out_root / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    version = model.save(staging / "model")
    relevance_int8 = choose_int8_thresholds(staging / "model", data.indomain_dev, load_targets(),
                                            batch_size=cfg["eval"]["batch_size"]) if data.indomain_dev else {}
    log(f"saved {version}; scoring the benchmarks")
    sets = benchmark_sets(root=cfg["data"]["root"], limit=cfg["eval"]["limit"], seed=cfg["seed"],
                          newsmtsc_variant=cfg["data"]["newsmtsc"]["variant"], indomain_test=data.test)
    held_items = from_labeled(held, source="heldout")
    sets.update({k: v for k, v in (("heldout", [e for e in held_items if e.stance]),
                                   ("heldout_sentiment", [e for e in held_items if e.sentiment])) if v})
    metrics = {
        "model_version": version, "base": model.settings.extra["base"], "calibration": calibration,
        "relevance_thresholds": relevance, "relevance_thresholds_int8": relevance_int8,
        "benchmarks": evaluate(model, sets, batch_size=cfg["eval"]["batch_size"]),
        "baseline_tfidf_lr": tfidf_baseline(train_items, sets) if cfg["eval"]["baseline"] else {},
        "input_ablation": input_ablation(model, data.indomain_dev) if data.indomain_dev and cfg["eval"]["ablation"]
        else {},
        "train": {"items": len(train_items), "steps": len(losses), "seconds": round(time.time() - started, 1),
                  "first_loss": round(losses[0], 4) if losses else None,
                  "last_loss": round(sum(losses[-20:]) / max(1, len(losses[-20:])), 4) if losses else None},
    }
    decision = None
    if base:
        old = load_model(base)
        decision = decide(evaluate(old, sets, batch_size=cfg["eval"]["batch_size"]), metrics["benchmarks"],
                          max_drop=cfg["retrain"]["max_benchmark_drop"], old_version=old.model_version,
                          new_version=version)
    run_dir = out_root / version
    shutil.rmtree(run_dir, ignore_errors=True)
    write_run(staging, cfg, metrics, decision, losses)
    staging.rename(run_dir)
    if decision is not None:
        if decision["promote"]:
            decision["promoted_to"] = str(promote(run_dir / "model"))
        (run_dir / "decision.json").write_text(json.dumps(decision, indent=2) + "\n", encoding="utf-8")
        log(format_decision(decision))
    return RunResult(version, run_dir, metrics, decision)


def model_settings(cfg: dict[str, Any]) -> Settings:
    m = cfg["model"]
    return Settings(max_length=m["max_length"], use_speaker=m["use_speaker"], use_context=m["use_context"],
                    shared_layers=m["shared_layers"], trained=tuple(m["trained"]),
                    mark_targets=bool(m.get("mark_targets", False)), mark_topics=bool(m.get("mark_topics", True)),
                    pair_sentiment=bool(m.get("pair_sentiment", False)))


def progress_logger(log: Callable[[str], None], every: int = 50) -> Callable[[dict], None]:
    """A fit() callback that logs the running loss every `every` steps with an estimate of time left."""
    start, recent = time.time(), []

    def step(info: dict) -> None:
        recent.append(info["loss"])
        if info["step"] % every == 0 or info["step"] == info["of"]:
            rate = info["step"] / max(1e-9, time.time() - start)
            log(f"step {info['step']}/{info['of']} loss {sum(recent) / len(recent):.4f} "
                f"({(info['of'] - info['step']) / rate:.0f}s left)")
            recent.clear()
    return step


def decide(old: dict[str, dict], new: dict[str, dict], *, max_drop: float, old_version: str = "",
           new_version: str = "") -> dict[str, Any]:
    """The promote rule: not worse on the held-out human labels (mean of their scores), and no
    benchmark down by more than `max_drop` points. Without held-out labels, the benchmarks decide."""
    reasons: list[str] = []
    primary = [k for k in PRIMARY if k in new and k in old]
    figures = {k: {"old": old[k]["score"], "new": new[k]["score"]} for k in new if k in old}
    promote_it = True
    if primary:
        o, n = (sum(old[k]["score"] for k in primary) / len(primary), sum(new[k]["score"] for k in primary) / len(primary))
        ok = n >= o
        promote_it &= ok
        reasons.append(f"held-out human labels: new {n:.2f} {'>=' if ok else '<'} old {o:.2f}")
    else:
        reasons.append("no held-out human labels: the benchmarks alone decide")
    for k, f in figures.items():
        if k not in PRIMARY and f["old"] - f["new"] > max_drop:
            promote_it = False
            reasons.append(f"{k}: new {f['new']:.2f} is more than {max_drop} below old {f['old']:.2f}")
    return {"promote": promote_it, "old_version": old_version, "new_version": new_version,
            "figures": figures, "reasons": reasons}


def format_decision(decision: dict[str, Any]) -> str:
    lines = [f"{'PROMOTED' if decision['promote'] else 'NOT promoted'}: {decision['new_version']} "
             f"(old: {decision['old_version']})"]
    lines += [f"  {k:20} old {f['old']:6.2f}  new {f['new']:6.2f}" for k, f in decision["figures"].items()]
    lines += [f"  - {r}" for r in decision["reasons"]]
    return "\n".join(lines)


def promote(model_dir: Path) -> Path:
    """Copy a checkpoint to `$STANCE_HOME/models/current`, keeping the one it replaces as `previous`."""
    current = current_model_path()
    models = current.parent
    models.mkdir(parents=True, exist_ok=True)
    incoming = models / f".incoming-{os.getpid()}"
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(model_dir, incoming)
    version = load_model(incoming).model_version  # refuse to promote a checkpoint that does not load
    previous = models / "previous"
    if current.exists():
        shutil.rmtree(previous, ignore_errors=True)
        current.rename(previous)
    incoming.rename(current)
    with open(models / "history.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"promoted": version, "from": str(model_dir),
                             "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}) + "\n")
    return current


def write_run(run_dir: Path, cfg: dict[str, Any], metrics: dict, decision: dict | None, losses: list[float]) -> None:
    """The run folder's files beside the model: config used, metrics, loss log, model card."""
    from .modelcard import model_card

    (run_dir / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    (run_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (run_dir / "losses.json").write_text(json.dumps([round(x, 5) for x in losses]) + "\n", encoding="utf-8")
    card = model_card(metrics, cfg, decision)
    (run_dir / "model_card.md").write_text(card, encoding="utf-8")
    (run_dir / "model" / "model_card.md").write_text(card, encoding="utf-8")

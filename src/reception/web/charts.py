"""Charts drawn on the server as SVG: no script, no CDN, readable by screen readers (each
has a title and a description), and printable."""

from __future__ import annotations

from django.utils.html import escape

from ..scores.periods import month_index, month_label

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


def reception_timeline(timeline: list[dict], releases: list[dict]) -> str:
    """A time axis: each month's reviews as marks (positive above the plot, negative below; a
    mark's area grows with its count; hollow when dated by its year alone or by a rule), the
    running % positive as a line (drawn from the minimum number of reviews), and the film's
    release events on the axis."""
    width, height, left, right = 640, 250, 36, 14
    top, bottom = 34, 168  # the plot of the running %; marks above and below it
    events = [(r["kind"], month_index(r["date"][:7]), r.get("title") or "") for r in releases if r.get("date")]
    months = [month_index(t["month"]) for t in timeline]
    if not months:
        return _svg(width, 60, "Reception over time: no dated reviews", "No review has a date.",
                    [_text(width / 2, 34, "No dated reviews")], "timeline")
    start = min(months + [m for _, m, _ in events]) - 2
    end = max(months + [m for _, m, _ in events]) + 3
    x = lambda m: left + (width - left - right) * (m - start) / max(1, end - start)  # noqa: E731
    y = lambda pct: bottom - (bottom - top) * pct / 100  # noqa: E731
    body = [f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{bottom - top}" fill="#fafafa"/>']
    for pct in (0, 50, 100):
        body.append(f'<line x1="{left}" y1="{y(pct):.1f}" x2="{width - right}" y2="{y(pct):.1f}" stroke="#ddd"/>')
        body.append(_text(left - 4, y(pct) + 4, f"{pct}%", anchor="end", size=9))
    axis = height - 52
    body.append(f'<line x1="{left}" y1="{axis}" x2="{width - right}" y2="{axis}" stroke="{INK}"/>')
    first_year, last_year = start // 12 + 1, (end - 1) // 12
    step = max(1, -(-(last_year - first_year + 1) // 8))  # at most about eight year labels
    for year in range(first_year, last_year + 1):
        if (year - first_year) % step == 0:
            body.append(f'<line x1="{x(year * 12):.1f}" y1="{axis}" x2="{x(year * 12):.1f}" y2="{axis + 4}" '
                        f'stroke="{INK}"/>')
            body.append(_text(x(year * 12), axis + 15, year, size=9))
    peak = max(max(t["positive"], t["negative"]) for t in timeline)
    for t in timeline:
        cx = x(month_index(t["month"]) + (6 if t["precision"] == "year" else 0.5))
        hollow = t["precision"] == "year" or t["inferred"]
        for count, colour, cy, word in ((t["positive"], POSITIVE, top - 14, "positive"),
                                         (t["negative"], NEGATIVE, bottom + 14, "negative")):
            if count:
                r = 2.5 + 6 * (count / peak) ** 0.5
                fill = "none" if hollow else colour
                when = t["month"][:4] if t["precision"] == "year" else t["month"]
                body.append(f'<circle class="mark mark-{word}" cx="{cx:.1f}" cy="{cy}" r="{r:.1f}" fill="{fill}" '
                            f'stroke="{colour}"><title>{when}: {count} {word}'
                            f'{" (dated by rule)" if t["inferred"] else ""}</title></circle>')
    points = [(x(month_index(t["month"]) + 0.5), y(t["percent_positive"])) for t in timeline
              if t["percent_positive"] is not None]
    if points:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        body.append(f'<polyline class="running" points="{path}" fill="none" stroke="{NEUTRAL}" stroke-width="2"/>')
        body.append(_text(points[-1][0], points[-1][1] - 6, f"{timeline[-1]['percent_positive']:.0f}%",
                          anchor="end", size=10))
    for i, (kind, month, title) in enumerate(sorted(events, key=lambda e: e[1])):
        ex = x(month)
        body.append(f'<path class="event" d="M{ex:.1f},{axis - 1} l-4,-7 h8 z" fill="{INK}">'
                    f'<title>{escape(kind)} {month_label(month)} {escape(title)}</title></path>')
        # Labels near an edge grow inwards, so none is cut off.
        anchor = "start" if ex < left + 40 else "end" if ex > width - right - 40 else "middle"
        body.append(_text(ex, axis + 28 + 11 * (i % 2), f"{kind} {month // 12}", anchor=anchor, size=9))
    last = timeline[-1]
    desc = (f"{last['reviews']} dated reviews from {timeline[0]['month'][:4]} to {last['month'][:4]}; "
            f"running % positive {last['percent_positive']:.0f}% at the end. " if last["percent_positive"] is not None
            else f"{last['reviews']} dated reviews from {timeline[0]['month'][:4]} to {last['month'][:4]}. ")
    desc += "Events: " + ", ".join(f"{kind} {month_label(month)}" for kind, month, _ in events) if events else ""
    return _svg(width, height, "Reception over time: reviews on a time axis", desc, body, "timeline")


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

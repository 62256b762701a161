"""Dates as precise as their source: a review known only as "a 1986 episode" is stored as
1986-01-01 with precision "year", and shown as 1986, never as a day nobody stated."""

from __future__ import annotations

import datetime as dt

# ISO text cut to what each precision states: '1986', '1981-08', '1982-02-11'.
_LENGTH = {"year": 4, "month": 7, "day": 10}


def as_said(value: dt.date | str | None, precision: str | None) -> str:
    """The date (a date or ISO text) as far as its precision goes; '' for none."""
    if not value:
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text[:_LENGTH.get(precision or "day", 10)]

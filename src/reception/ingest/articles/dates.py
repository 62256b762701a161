"""Dates as articles write them, with the precision they state: 'January 19, 2024' and
'19 January 2024' a day, 'August 1981' a month, '1981' a year; months in full or cut short
('Nov 1, 1957', 'Sept. 1982'). A date without its year ('10 September') states none."""

from __future__ import annotations

import datetime as dt
import re

from ..records import MONTHS

_MONTH_OF = {name.lower(): n for n, name in enumerate(MONTHS, 1)} | {
    name[:3].lower(): n for n, name in enumerate(MONTHS, 1)} | {"sept": 9}
MONTH_NAME = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
# A date in the text, longest form first.
DATE_TEXT = re.compile(
    rf"\b(?:{MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_NAME},?\s+\d{{4}}|"
    rf"{MONTH_NAME},?\s+\d{{4}}|(?<![\d,.$£€])(?:1[89]|20)\d\d(?![\d%]|,\d))\b")
# A day and month without a year ("on 10 September", "September 22"): its year is the sentence's.
DAY_MONTH = re.compile(rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_NAME}|{MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?)(?![\d,]*\s*\d{{4}})\b")


def _month(word: str) -> int | None:
    return _MONTH_OF.get(word.lower().rstrip("."))


def parse_article_date(text: str) -> tuple[dt.date, str] | None:
    """The date and its precision ('day', 'month' or 'year'), or None for text that states no
    year or no date."""
    text = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text.strip().removeprefix("the ").strip())
    try:
        match = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", text)
        if match and _month(match.group(1)):
            return dt.date(int(match.group(3)), _month(match.group(1)), int(match.group(2))), "day"
        match = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})", text)
        if match and _month(match.group(2)):
            return dt.date(int(match.group(3)), _month(match.group(2)), int(match.group(1))), "day"
        match = re.fullmatch(r"(?:(?:early|late|mid-?)\s*)?([A-Za-z]+)\.?,?\s+(\d{4})", text)
        if match and _month(match.group(1)):
            return dt.date(int(match.group(2)), _month(match.group(1)), 1), "month"
    except ValueError:  # "February 30, 1999"
        return None
    match = re.fullmatch(r"(\d{4})", text)
    if match:
        return dt.date(int(match.group(1)), 1, 1), "year"
    return None

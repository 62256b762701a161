"""Our badge rules against Rotten Tomatoes' published statuses.

    python -m bench.badges [--data ../shared/data]

For each film of rt-movies, our rules (scores.badges, defaults) get RT's published counts —
positive = fresh reviews, negative = rotten reviews, top critics = top-critic reviews — and the
status we give is compared with `tomatometer_status`. Prints JSON: the confusion table and each
disagreement's likely reason, counted. RT's own history (was it certified before? a limited
release?) is not in the data, which is what most disagreements come down to.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

from reception.scores.badges import CERTIFIED, FRESH, ROTTEN, BadgeRules, badge

ROOT = Path(__file__).resolve().parent.parent
RT = {"Rotten": ROTTEN, "Fresh": FRESH, "Certified Fresh": CERTIFIED}


def reason(ours: str, theirs: str, pos: int, total: int, top: int, rules: BadgeRules) -> str:
    share = 100 * pos / total if total else 0
    if theirs == CERTIFIED and ours == FRESH:
        if share >= rules.certified and rules.certified_reviews_limited <= total < rules.certified_reviews \
                and top >= rules.certified_top_critics:
            return "limited release? (certified with 40-79 reviews)"
        if rules.keep <= share < rules.certified:
            return "kept: certified earlier, still at or above 70%"
        if top < rules.certified_top_critics:
            return "fewer than 5 top-critic reviews in the counts"
        return "certified below the published minimums"
    if theirs == FRESH and ours == CERTIFIED:
        return "meets the published rules, not certified by RT (e.g. the score was not yet steady)"
    if {ours, theirs} == {FRESH, ROTTEN}:
        return "at the 60% boundary: counts and status published at different times"
    if ours == "":
        return "fewer than 5 reviews in the counts"
    return "other"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    args = parser.parse_args(argv)
    path = Path(args.data) / "rt-movies" / "rotten_tomatoes_movies.csv"
    if not path.exists():
        sys.exit(f"bench.badges: {path} not found; pass --data")
    rules = BadgeRules()
    table, reasons, skipped = Counter(), Counter(), 0
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            theirs = RT.get(row["tomatometer_status"].strip())
            try:
                pos = int(float(row["audience_fresh_critics_count"]))
                neg = int(float(row["audience_rotten_critics_count"]))
                top = int(float(row["audience_top_critics_count"]))
            except ValueError:
                skipped += 1
                continue
            if theirs is None:
                skipped += 1
                continue
            ours = badge(pos, pos + neg, top, False, False, rules)
            table[(theirs, ours or "none")] += 1
            if ours != theirs:
                reasons[reason(ours, theirs, pos, pos + neg, top, rules)] += 1
    films = sum(table.values())
    agree = sum(n for (theirs, ours), n in table.items() if theirs == ours)
    statuses = [ROTTEN, FRESH, CERTIFIED]
    print(json.dumps({
        "bench": "badges", "films": films, "skipped": skipped, "agreement": round(agree / films, 4),
        "confusion": {f"rt {t}": {f"ours {o}": table[(t, o)] for o in statuses + ["none"]} for t in statuses},
        "disagreements": dict(reasons.most_common()),
        # Had the data said which films were limited releases or certified before.
        "agreement_with_history": round((agree + sum(n for r, n in reasons.items()
                                                     if r.startswith(("limited", "kept")))) / films, 4),
        "rules": rules.as_dict(),
    }, indent=2))


if __name__ == "__main__":
    main()

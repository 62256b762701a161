"""Per-film figures: % positive with an interval, averages, badges, audience score, history."""

"""Verdicts: each review positive or negative, from its rating, its source's label or its text."""

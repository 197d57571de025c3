"""Kroner as Norwegians write them, in both languages' cards."""

from __future__ import annotations


def nok(amount: int) -> str:
    """12 500: a no-break space between thousands, so an amount never breaks across lines."""
    return f"{amount:,}".replace(",", "\u00a0")

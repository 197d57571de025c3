"""The keys the bot's cards put in an action's data."""

from __future__ import annotations

from domain.catalog import round_items

#: The keys the bot's cards submit, so that garbage lands where the bot looks.
DATA_KEYS = ["verb", "round_id", "step", "choice", "employee", "followup", "version",
             "decision", "comment", "note", "language", "age_band", "share", "contact_me", "home",
             "office", "expectations", "days", "fixed", "weekdays", "reason", "place", "has",
             "discomfort", "occupational_health", "package", "it_items", "furniture_items",
             "page", "day", "where", "monday", "unit", "team_days", "monday_card",
             "week_visibility",
             "special_needs", "network", "hours", "agreed_hours", "reachable", "duration",
             "end_on", "notice_months", "trial_months", "confirm", *round_items()]  # fmt: skip

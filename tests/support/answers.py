"""Answers people give in the tests: the agreement's steps and check-in scores."""

from __future__ import annotations

# The agreement's steps, filled in as a person would.
TASKS = {
    "home": "concentration,writing",
    "office": "physical_meetings",
    "expectations": "Svar innen en dag",
}
EXTENT = {"days": "2", "fixed": "fixed", "weekdays": "mon,wed", "reason": ""}
ERGONOMICS = {"place": "own_room", "has": "desk,office_chair,external_screen", "discomfort": ""}
EQUIPMENT = {"package": "2"}
# From the standard package: kr 500 of IT, kr 2 000 of furniture (domain/agreement.py PRICES).
EQUIPMENT_ITEMS = {"it_items": "keyboard,mouse", "furniture_items": "office_chair"}
NETWORK = {"network": "private"}
LEGAL = {"choice": "accept"}  # the § 2 terms' defaults, accepted with one tap

# Check-in scores.
FINE = {"stress": "2", "social": "4", "focus": "4", "workload": "4", "balance": "4",
        "leader": "4", "learning": "4", "strain": "1"}  # fmt: skip
ALL_FOURS = FINE  # what tests/integration/test_bot_turns.py calls them
STRESSED = {**FINE, "stress": "5"}

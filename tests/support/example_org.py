"""People from the example organisation (examples/org.csv) as Teams users: Kari Nordmann, Ole
Bakken and Sigrid Lunde report to Lars Haugen, who reports to Ingrid Solberg at the top
(tests/support/turns.py imports the organisation into a host)."""

from __future__ import annotations

from pathlib import Path

from tests.support.teams import TeamsUser

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.csv"
KARI = TeamsUser("9f7891b5-6b95-5e8f-9507-6a827ed7e89f", "Kari Nordmann")
LARS = TeamsUser("5b121acf-6d21-5486-aa51-8f0424df73dc", "Lars Haugen")
INGRID = TeamsUser("00d73c0c-0147-5ee0-a8a9-6916734a0b02", "Ingrid Solberg")
OLE = TeamsUser("6d20782b-0ceb-530c-bd69-23bfa3c1a583", "Ole Bakken")
NINA = TeamsUser("ca8225cc-96e0-5607-aa58-1b5fe93b2b47", "Nina Strand")
SIGRID = TeamsUser("dd3f78ca-fefd-5b90-b754-dfd9fb414953", "Sigrid Lunde")

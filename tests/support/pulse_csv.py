"""Reading the pulse's CSV download as a spreadsheet in the requester's language would."""

from __future__ import annotations

import csv
import io

from cards.pulse import BOM, CSV_DELIMITER
from domain.language import Language


def pulse_csv_rows(text: str, lang: Language) -> list[dict[str, str]]:
    """The rows by their header; the file starts with the byte-order mark Excel needs."""
    assert text.startswith(BOM), text[:20]
    rows = io.StringIO(text.removeprefix(BOM))
    return list(csv.DictReader(rows, delimiter=CSV_DELIMITER[lang]))

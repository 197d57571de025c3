"""Cards read on a phone too (issue 20): Teams on iOS draws no `Chart.Line`, so every chart
carries its numbers as a fallback; a wide table is unreadable in a narrow view, so tables keep to
a few columns; and Teams ignores `firstRowAsHeaders`, so a header is bold by itself. Checked on
every card of the gallery; tests/e2e/test_playground.py also draws them at a phone's width, in
Teams' renderer, whose rule of four data sets a bar chart is checked for here too.
"""

from __future__ import annotations

from typing import Any

import pytest

from cards.elements import MAX_COLUMNS
from tests.support.gallery import elements, gallery

GALLERY = gallery()


def _texts(node: Any) -> str:
    return " ".join(
        str(e.get(key, "")) for e in elements(node) for key in ("text", "title", "value")
    )


def _numbers(chart: dict[str, Any], lang: str) -> set[str]:
    ys = [e["y"] for e in elements(chart["data"]) if "y" in e]
    return {f"{y:g}".replace(".", "," if lang == "nb" else ".") for y in ys}


def test_the_gallery_has_charts_and_tables_to_check() -> None:
    found = [e.get("type", "") for card in GALLERY.values() for e in elements(card["body"])]
    assert any(kind.startswith("Chart.") for kind in found) and "Table" in found


@pytest.mark.parametrize("name", list(GALLERY))
def test_every_chart_has_a_fallback_with_its_numbers(name: str) -> None:
    for chart in (
        e for e in elements(GALLERY[name]["body"]) if e.get("type", "").startswith("Chart.")
    ):
        fallback = chart.get("fallback")
        assert isinstance(fallback, dict), f"{name}: {chart['type']} without a fallback"
        shown = _texts(fallback)
        numbers = _numbers(chart, "en" if name.endswith("-en") else "nb")
        assert all(n in shown for n in numbers), (name, numbers, shown)


@pytest.mark.parametrize("name", list(GALLERY))
def test_tables_fit_a_phone_and_bold_their_own_header(name: str) -> None:
    for table in (e for e in elements(GALLERY[name]["body"]) if e.get("type") == "Table"):
        assert len(table["columns"]) <= MAX_COLUMNS, f"{name}: {len(table['columns'])} columns"
        assert "firstRowAsHeaders" not in table
        header = table["rows"][0]["cells"]
        assert all(b["weight"] == "Bolder" for c in header for b in c["items"]), name


@pytest.mark.parametrize("name", list(GALLERY))
def test_bar_charts_keep_to_four_data_sets(name: str) -> None:
    """Teams' renderer refuses a bar chart with more than four data sets (one a bar)."""
    for bars in (e for e in elements(GALLERY[name]["body"]) if "Bar" in e.get("type", "")):
        assert len(bars["data"]) <= 4, f"{name}: {bars['type']} with {len(bars['data'])} data sets"

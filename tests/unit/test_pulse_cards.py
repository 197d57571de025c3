"""The pulse laid out for a card (issue 14): an item a row in a table of at most four columns,
the label column the widest, a bar chart of the means when the round's items fit Teams' four
bars, every number of the view on the cards or in the CSV; and the CSV in the requester's
language with numbers only in its number columns."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from cards.elements import MAX_COLUMNS
from cards.i18n import t, tn
from cards.pulse import BOM, MAX_BARS, pulse_cards, pulse_csv, scope_label
from domain.catalog import SCALE
from domain.language import Language
from domain.pulse import NO_BAND, PulseReport, Scope, Summary, TrendPoint, View
from tests.support.gallery import ITEMS, SHORT_ITEMS, elements
from tests.support.pulse_csv import pulse_csv_rows

SPREAD = (1, 2, 9, 14, 4)


def report(
    items: tuple[str, ...], *, hidden_area: bool = False, spread: bool = True
) -> PulseReport:
    total = Summary(30, {i: 30 * 3 + n for n, i in enumerate(items)})
    view = View(
        "r1",
        items,
        invited=40,
        scope_total=total,
        distribution={i: SPREAD for i in items} if spread else None,
        by_area={
            "Oppvekst": Summary(25, {i: 25 * 4 - n for n, i in enumerate(items)}),
            "=Kultur": None if hidden_area else Summary(5, {i: 10 for i in items}),
        },
        by_band={NO_BAND: Summary(30, dict(total.sums))},
    )
    return PulseReport(Scope(None), view, "17.11.2025", [])


def cards(lang: Language, r: PulseReport) -> list[dict[str, Any]]:
    return pulse_cards(lang, r, scope_label(lang, None), 5, 10)


def tables(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in elements(card["body"]) if e.get("type") == "Table"]


def cell_texts(table: dict[str, Any]) -> list[list[str]]:
    return [[c["items"][0]["text"] for c in row["cells"]] for row in table["rows"]]


@pytest.mark.parametrize("items", [ITEMS, SHORT_ITEMS], ids=["every-item", "short-round"])
def test_an_item_a_row_with_its_mean_respondents_and_spread(items: tuple[str, ...]) -> None:
    summary = cards("nb", report(items))[0]
    (table,) = tables(summary)
    widths = [c["width"] for c in table["columns"]]
    # The question's column takes the room the fixed number columns leave, the most of it.
    fixed = [w for w in widths if isinstance(w, str)]
    weights = [w for w in widths if isinstance(w, int)]
    assert len(widths) <= MAX_COLUMNS and widths[0] == max(weights)
    assert fixed and all(w.endswith("px") and int(w[:-2]) <= 68 for w in fixed)
    header, *rows = cell_texts(table)
    assert header == [t("nb", k) for k in ("pulse.item", "pulse.mean", "pulse.answered")] + [
        t("nb", "pulse.spread")
    ]
    assert [r[0] for r in rows] == [t("nb", f"item.short.{i}") for i in items]
    assert rows[1][1:] == ["3,0", "30", "1 · 2 · 9 · 14 · 4"]  # (30·3 + 1) / 30


def test_a_chart_of_the_means_only_when_the_bars_fit() -> None:
    def bars(items: tuple[str, ...]) -> list[dict[str, Any]]:
        summary = cards("en", report(items))[0]
        return [e for e in elements(summary["body"]) if e.get("type", "").startswith("Chart.")]

    (chart,) = bars(SHORT_ITEMS)
    assert chart["type"] == "Chart.HorizontalBar" and len(chart["data"]) <= MAX_BARS
    assert [d["x"] for d in chart["data"]] == [t("en", f"item.short.{i}") for i in SHORT_ITEMS]
    assert chart["data"][1]["y"] == 3.0
    assert len(ITEMS) > MAX_BARS and not bars(ITEMS)


def test_without_the_spread_the_table_has_three_columns() -> None:
    (table,) = tables(cards("nb", report(ITEMS, spread=False))[0])
    assert len(table["columns"]) == 3
    assert t("nb", "pulse.spread") not in cell_texts(table)[0]


def test_every_number_of_the_view_is_on_the_cards() -> None:
    r = report(ITEMS)
    assert r.view is not None
    shown = " ".join(
        str(e.get(k, "")) for c in cards("nb", r) for e in elements(c) for k in ("text", "value")
    )
    groups = [r.view.scope_total, *r.view.by_area.values(), *r.view.by_band.values()]
    for stats in groups:
        assert stats is not None
        assert str(stats.n) in shown
        for item in ITEMS:
            mean = stats.mean(item)
            assert mean is not None and f"{mean:.1f}".replace(".", ",") in shown
    assert " · ".join(str(c) for c in SPREAD) in shown


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_csv_speaks_the_requesters_language_with_numbers_in_number_columns(
    lang: Language,
) -> None:
    r = report(ITEMS, hidden_area=True)
    text = pulse_csv(lang, r, scope_label(lang, None), 10)
    rows = pulse_csv_rows(text, lang)
    n, mean, note = (t(lang, k) for k in ("pulse.answered", "pulse.mean", "pulse.csv.note"))
    spread = [t(lang, "pulse.csv.answered_score", score=s) for s in SCALE]
    assert list(rows[0]) == [
        *(t(lang, f"pulse.csv.{c}") for c in ("round", "scope", "breakdown", "area", "band")),
        t(lang, "pulse.csv.item"),
        n,
        mean,
        *spread,
        note,
    ]
    decimal = "," if lang == "nb" else "."
    for row in rows:
        assert row[n] == "" or row[n].isdigit()
        assert row[mean] == "" or float(row[mean].replace(decimal, ".")) > 0
        assert row[mean] == "" or decimal in row[mean]
        assert all(row[c] == "" or row[c].isdigit() for c in spread)
    hidden = [row for row in rows if row[t(lang, "pulse.csv.area")] == "'=Kultur"]
    assert len(hidden) == len(ITEMS)
    assert all(
        row[n] == row[mean] == "" and row[note] == t(lang, "pulse.too_few") for row in hidden
    )
    total = [
        row
        for row in rows
        if row[t(lang, "pulse.csv.breakdown")] == t(lang, "pulse.csv.breakdown.total")
    ]
    assert [row[c] for c in spread for row in total[:1]] == [str(c) for c in SPREAD]
    assert rows[0][t(lang, "pulse.csv.item")] == t(lang, f"item.short.{ITEMS[0]}")


def test_the_csv_is_for_the_spreadsheet_of_its_language() -> None:
    """Norwegian Excel reads `;` and a decimal comma; English `,` and a decimal point; both
    need the byte-order mark to read æøå."""
    r = report(ITEMS)
    formats: tuple[tuple[Language, str], ...] = (("nb", ";"), ("en", ","))
    for lang, delimiter in formats:
        text = pulse_csv(lang, r, scope_label(lang, None), 10)
        assert text.startswith(BOM)
        first = next(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=delimiter))
        assert first[0] == t(lang, "pulse.csv.round")
    nb = pulse_csv("nb", r, scope_label("nb", None), 10)
    assert t("nb", "pulse.csv_format") in " ".join(
        e.get("text", "") for e in elements(cards("nb", r)[0]["body"])
    )
    assert ";3,0;" in nb


def test_a_scope_total_under_the_spread_threshold_says_why_it_has_no_spread() -> None:
    rows = pulse_csv_rows(pulse_csv("nb", report(ITEMS, spread=False), "x", 10), "nb")
    total = rows[0]
    assert total[t("nb", "pulse.csv.answered_score", score=1)] == ""
    assert total[t("nb", "pulse.csv.note")] == tn("nb", "pulse.rule.spread", 10)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_pulse_trend_is_on_the_scale_in_two_colours_and_says_which_end_is_good(
    lang: Language,
) -> None:
    points = [
        TrendPoint(label, Summary(20, {"stress": 20 * score, "social": 20 * (6 - score)}))
        for label, score in (("03.11.", 2), ("10.11.", 3), ("17.11.", 4))
    ]
    r = report(SHORT_ITEMS)
    summary = cards(lang, PulseReport(r.scope, r.view, r.round_label, points))[0]
    (line,) = [e for e in elements(summary["body"]) if e.get("type") == "Chart.Line"]
    assert (line["yMin"], line["yMax"]) == (SCALE[0], SCALE[-1])
    legends = [series["legend"] for series in line["data"]]
    assert legends == [
        t(lang, "item.good.low", item=t(lang, "item.short.stress")),
        t(lang, "item.good.high", item=t(lang, "item.short.social")),
    ]
    colours = {series["color"] for series in line["data"]}
    assert len(colours) == 2

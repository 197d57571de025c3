"""`min utvikling`: a person's own answers over the last rounds, as a chart and a table."""

from __future__ import annotations

from cards.checkin import item_label
from cards.command_words import Command
from cards.elements import (
    MAX_COLUMNS,
    Card,
    Element,
    adaptive_card,
    chart,
    command_button,
    table,
    text,
    title,
)
from cards.i18n import t, tn
from domain.catalog import CATALOG, ITEMS_BY_ID, SCALE, GoodEnd
from domain.language import Language
from domain.trend import TrendPoint, items_in

#: The charted items and their lines' colours: from the chart renderer's own named colours, two
#: that differ in hue (red, blue) and stand out at least 3:1 on a white card and about that on
#: Teams' dark one — the renderer's default colours for two series are two dark blues.
CHARTED_ITEMS = {"stress": "attention", "social": "categoricalLightBlue"}
NOT_ASKED = "–"


def trend_card(lang: Language, points: list[TrendPoint]) -> Card:
    if not points:
        return adaptive_card(
            [title(t(lang, "trend.title")), text(t(lang, "trend.empty"))],
            [command_button(lang, Command.CHECKIN, t(lang, "action.checkin"))],
        )
    items = items_in(points, tuple(item.id for item in CATALOG))
    body: list[Element] = [
        title(t(lang, "trend.title")),
        text(
            tn(lang, "trend.intro", len(points)),
            isSubtle=True,
        ),
    ]
    charted = [item_id for item_id in CHARTED_ITEMS if item_id in items]
    series = [
        {
            "legend": item_label(lang, item_id),
            "color": CHARTED_ITEMS[item_id],
            "values": [
                {"x": p.label, "y": p.scores[item_id]} for p in points if item_id in p.scores
            ],
        }
        for item_id in charted
    ]
    if len(points) > 1 and series:
        # Teams does not show a chart's own title, so the heading is a TextBlock above it.
        body.append(text(t(lang, "trend.chart.wellbeing"), weight="Bolder"))
        facts = [(t(lang, "trend.round"), " · ".join(p.label for p in points))] + [
            (
                item_label(lang, item_id),
                " · ".join(str(p.scores.get(item_id, NOT_ASKED)) for p in points),
            )
            for item_id in charted
        ]
        # The answers' own scale, so that the axis has the whole numbers 1 to 5 and no 0.
        line = {"type": "Chart.Line", "data": series, "yMin": SCALE[0], "yMax": SCALE[-1]}
        body.append(chart(line, facts))
    elif series:
        body.append(text(t(lang, "trend.chart.next"), isSubtle=True))
    body.append(text(t(lang, "trend.table"), weight="Bolder"))
    body.append(_table(lang, points, items))
    body.append(text(_reading(lang, points, items), size="Small", isSubtle=True))
    return adaptive_card(body, [command_button(lang, Command.CHECKIN, t(lang, "action.checkin"))])


def _table(lang: Language, points: list[TrendPoint], items: tuple[str, ...]) -> Element:
    """The latest rounds, as many as fit a phone's width; the chart above has them all."""
    points = points[-(MAX_COLUMNS - 1) :]
    header = [t(lang, "trend.round")] + [p.label for p in points]
    rows = [header] + [
        [t(lang, f"item.short.{item_id}")] + [str(p.scores.get(item_id, NOT_ASKED)) for p in points]
        for item_id in items
    ]
    return table(rows, [3] + [1 for _ in points])


def _reading(lang: Language, points: list[TrendPoint], items: tuple[str, ...]) -> str:
    """Which end is good for the table's items, and what a dash is where a round did not ask."""
    low = [
        t(lang, f"item.short.{i}").lower() for i in items if ITEMS_BY_ID[i].good_end is GoodEnd.LOW
    ]
    sentences = [
        t(lang, "trend.good.mixed", low=", ".join(low)) if low else t(lang, "trend.good.high")
    ]
    if any(i not in p.scores for p in points[-(MAX_COLUMNS - 1) :] for i in items):
        sentences.append(t(lang, "trend.not_asked", dash=NOT_ASKED))
    return " ".join(sentences)

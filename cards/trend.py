"""`min utvikling`: a person's own answers over the last rounds, as a chart and a table."""

from __future__ import annotations

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
from domain.catalog import CATALOG
from domain.language import Language
from domain.trend import TrendPoint, items_in

CHARTED_ITEMS = ("stress", "social")


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
            "legend": t(lang, f"item.short.{item_id}"),
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
                t(lang, f"item.short.{item_id}"),
                " · ".join(str(p.scores.get(item_id, "–")) for p in points),
            )
            for item_id in charted
        ]
        body.append(chart({"type": "Chart.Line", "data": series}, facts))
    body.append(text(t(lang, "trend.table"), weight="Bolder"))
    body.append(_table(lang, points, items))
    return adaptive_card(body, [command_button(lang, Command.CHECKIN, t(lang, "action.checkin"))])


def _table(lang: Language, points: list[TrendPoint], items: tuple[str, ...]) -> Element:
    """The latest rounds, as many as fit a phone's width; the chart above has them all."""
    points = points[-(MAX_COLUMNS - 1) :]
    header = [t(lang, "trend.round")] + [p.label for p in points]
    rows = [header] + [
        [t(lang, f"item.short.{item_id}")] + [str(p.scores.get(item_id, "–")) for p in points]
        for item_id in items
    ]
    return table(rows, [3] + [1 for _ in points])

"""`puls`: the aggregated pulse as a card (charts with tables beside them) and as CSV.

Both show exactly the numbers the view holds; a hidden cell reads "for få svar" in both. Every
CSV cell that a spreadsheet would read as a formula (`= + - @`, tab, CR first) gets a leading
apostrophe (OWASP CSV injection): service-area names come from the directory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from cards.elements import Card, Element, adaptive_card, md, table, text, title
from cards.i18n import t
from domain.catalog import SCALE
from domain.language import Language
from domain.pulse import NO_BAND, UNKNOWN_AREA, PulseReport, Summary


def _mean(stats: Summary | None, item: str) -> str:
    value = stats.mean(item) if stats else None
    return f"{value:.1f}".replace(".", ",") if value is not None else "–"


def _area(lang: Language, area: str) -> str:
    return t(lang, "pulse.unknown_area") if area == UNKNOWN_AREA else md(area)


def _band(lang: Language, band: str) -> str:
    return (
        t(lang, "settings.age_band.none")
        if band == NO_BAND
        else t(lang, f"settings.age_band.{band}")
    )


def _breakdown(
    lang: Language, heading: str, rows: Sequence[tuple[str, Summary | None]], items: Sequence[str]
) -> list[Element]:
    hidden = t(lang, "pulse.too_few")
    header = [heading, t(lang, "pulse.answered"), *(t(lang, f"item.short.{i}") for i in items)]
    body = [
        [label, str(stats.n), *(_mean(stats, i) for i in items)]
        if stats
        else [label, hidden, *("" for _ in items)]
        for label, stats in rows
    ]
    return [
        text(heading, weight="Bolder", spacing="Large"),
        table([header, *body], [3, 2, *(2 for _ in items)]),
    ]


def pulse_card(
    lang: Language,
    report: PulseReport,
    scope_label: str,
    csv_url: str,
    k: int,
    distribution_min: int,
) -> Card:
    body: list[Element] = [title(t(lang, "pulse.title", scope=md(scope_label)))]
    current = report.view
    if current is None:
        body.append(text(t(lang, "pulse.no_round")))
        return adaptive_card(body)
    items = current.items
    rate = current.response_rate
    body.append(
        text(
            t(
                lang,
                "pulse.round",
                round=report.round_label,
                answered=current.answered,
                invited=current.invited,
                rate=round(rate * 100),
            )
            if rate is not None and current.answered is not None
            else t(lang, "pulse.round_hidden", round=report.round_label),
            isSubtle=True,
        )
    )
    total = current.scope_total
    if total is not None:
        body.append(text(t(lang, "pulse.means"), weight="Bolder"))
        body.append(
            {
                "type": "Chart.VerticalBar",
                "data": [
                    {"x": t(lang, f"item.short.{i}"), "y": round(total.mean(i) or 0, 2)}
                    for i in items
                ],
            }
        )
        distribution = current.distribution
        if distribution is not None:
            header = [t(lang, "pulse.item"), t(lang, "pulse.mean"), *(str(s) for s in SCALE)]
            rows = [
                [t(lang, f"item.short.{i}"), _mean(total, i), *(str(c) for c in distribution[i])]
                for i in items
            ]
            body.append(table([header, *rows], [3, 2, 1, 1, 1, 1, 1]))
        else:
            header = [t(lang, "pulse.item"), t(lang, "pulse.mean")]
            rows = [[t(lang, f"item.short.{i}"), _mean(total, i)] for i in items]
            body.append(table([header, *rows], [3, 2]))
    else:
        body.append(text(t(lang, "pulse.total_hidden")))
    body += _breakdown(
        lang,
        t(lang, "pulse.by_area"),
        [(_area(lang, a), s) for a, s in current.by_area.items()],
        items,
    )
    if report.scope.areas is None:
        body += _breakdown(
            lang,
            t(lang, "pulse.by_band"),
            [(_band(lang, b), s) for b, s in current.by_band.items()],
            items,
        )
    else:
        body.append(text(t(lang, "pulse.no_bands"), size="Small", isSubtle=True))
    body += _trend(lang, report)
    body.append(text(t(lang, "pulse.rule", k=k, d=distribution_min), size="Small", isSubtle=True))
    return adaptive_card(
        body, [{"type": "Action.OpenUrl", "title": t(lang, "pulse.csv"), "url": csv_url}]
    )


def _trend(lang: Language, report: PulseReport) -> list[Element]:
    points = [p for p in report.trend if p.stats is not None]
    if len(points) < 2:
        return []
    charted = ("stress", "social")
    series = [
        {
            "legend": t(lang, f"item.short.{i}"),
            "values": [
                {"x": p.label, "y": round(p.stats.mean(i) or 0, 2)} for p in points if p.stats
            ],
        }
        for i in charted
    ]
    return [
        text(t(lang, "pulse.trend"), weight="Bolder", spacing="Large"),
        {"type": "Chart.Line", "data": series},
    ]


def pulse_csv(lang: Language, report: PulseReport, scope_label: str) -> str:
    """One row per breakdown cell and item; hidden cells say so and carry no numbers."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "round",
            "scope",
            "breakdown",
            "service_area",
            "age_band",
            "respondents",
            "item",
            "mean",
            *(f"answered_{s}" for s in SCALE),
        ]
    )
    current = report.view
    if current is None:
        return out.getvalue()
    rows: list[tuple[str, str, str, Summary | None]] = [("total", "", "", current.scope_total)]
    rows += [("service_area", a, "", s) for a, s in current.by_area.items()]
    rows += [("age_band", "", b, s) for b, s in current.by_band.items()]
    for breakdown, area, band, stats in rows:
        for item in current.items:
            head = [report.round_label, scope_label, breakdown, area, band]
            if stats is None:
                cells = [*head, t(lang, "pulse.too_few"), item, "", *("" for _ in SCALE)]
            else:
                mean = stats.mean(item)
                counts = current.distribution if breakdown == "total" else None
                cells = [
                    *head,
                    str(stats.n),
                    item,
                    f"{mean:.1f}" if mean is not None else "",
                    *(counts[item] if counts else ("" for _ in SCALE)),
                ]
            writer.writerow([_inert(str(c)) for c in cells])
    return out.getvalue()


def _inert(cell: str) -> str:
    """A cell a spreadsheet reads as text, never as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def scope_label(lang: Language, areas: frozenset[str] | None) -> str:
    return t(lang, "pulse.everyone") if areas is None else ", ".join(sorted(areas))

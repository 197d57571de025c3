"""`puls`: the aggregated pulse as cards (a summary with charts, then one card per breakdown)
and as CSV.

Both show exactly the numbers the view holds; a hidden cell reads "for få svar" in both. Every
CSV cell that a spreadsheet would read as a formula (`= + - @`, tab, CR first) gets a leading
apostrophe (OWASP CSV injection): service-area names come from the directory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from cards.elements import Card, Element, adaptive_card, chart, download, md, table, text, title
from cards.i18n import t, tn
from domain.catalog import SCALE
from domain.language import Language
from domain.pulse import NO_BAND, UNKNOWN_AREA, PulseReport, Summary

CSV_VERB = "pulse.csv_link"


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
    lang: Language,
    heading: str,
    scope: str,
    round_label: str,
    rows: Sequence[tuple[str, Summary | None]],
    items: Sequence[str],
) -> Card:
    """A breakdown as its own message: per group its answers and a mean per question, as facts
    (a table of every question is unreadable on a phone); the CSV has it all in one table."""
    body: list[Element] = [
        title(heading),
        text(t(lang, "pulse.breakdown_of", scope=md(scope), round=round_label), isSubtle=True),
    ]
    for label, stats in rows:
        body.append(text(label, weight="Bolder", spacing="Medium", separator=True))
        if stats is None:
            body.append(text(t(lang, "pulse.too_few"), isSubtle=True, spacing="None"))
            continue
        facts = [(t(lang, "pulse.answered"), str(stats.n))]
        facts += [(t(lang, f"item.short.{i}"), _mean(stats, i)) for i in items]
        body.append(_facts(facts))
    return adaptive_card(body)


def _facts(rows: Sequence[tuple[str, str]]) -> Element:
    return {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in rows]}


def _y(value: float | None) -> float:
    """A chart's number as the card shows it beside the chart: one decimal."""
    return round(value or 0, 1)


def pulse_cards(
    lang: Language,
    report: PulseReport,
    scope_label: str,
    k: int,
    distribution_min: int,
    csv_url: str = "",
) -> list[Card]:
    """The messages `puls` answers with: the summary, then a card per breakdown, so that each
    stays within Teams' message size limit with every service area and age band.

    The summary's CSV button asks the bot for a link; with `csv_url` it opens that link.
    """
    current = report.view
    summary = pulse_summary(lang, report, scope_label, k, distribution_min, csv_url)
    if current is None:
        return [summary]
    items = current.items
    cards = [
        summary,
        _breakdown(
            lang,
            t(lang, "pulse.by_area"),
            scope_label,
            report.round_label,
            [(_area(lang, a), s) for a, s in current.by_area.items()],
            items,
        ),
    ]
    if report.scope.areas is None:
        cards.append(
            _breakdown(
                lang,
                t(lang, "pulse.by_band"),
                scope_label,
                report.round_label,
                [(_band(lang, b), s) for b, s in current.by_band.items()],
                items,
            )
        )
    return cards


def pulse_summary(
    lang: Language,
    report: PulseReport,
    scope_label: str,
    k: int,
    distribution_min: int,
    csv_url: str = "",
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
        means = [(t(lang, f"item.short.{i}"), _mean(total, i)) for i in items]
        # One series of bars: Teams draws at most four data sets in a bar chart, one a bar.
        bars = [
            {
                "legend": t(lang, "pulse.mean"),
                "values": [
                    {"x": label, "y": _y(total.mean(i))}
                    for (label, _), i in zip(means, items, strict=True)
                ],
            }
        ]
        body.append(chart({"type": "Chart.VerticalBar.Grouped", "data": bars}, means))
        distribution = current.distribution
        if distribution is not None:
            header = [t(lang, "pulse.item"), t(lang, "pulse.mean"), t(lang, "pulse.spread")]
            rows = [
                [label, mean, " · ".join(str(c) for c in distribution[i])]
                for (label, mean), i in zip(means, items, strict=True)
            ]
            body.append(table([header, *rows], [3, 2, 4]))
        else:
            header = [t(lang, "pulse.item"), t(lang, "pulse.mean")]
            body.append(table([header, *(list(m) for m in means)], [3, 2]))
    else:
        body.append(text(t(lang, "pulse.total_hidden")))
    if report.scope.areas is not None:
        body.append(text(t(lang, "pulse.no_bands"), size="Small", isSubtle=True))
    body += _trend(lang, report)
    body.append(
        text(
            " ".join(
                (
                    tn(lang, "pulse.rule.groups", k),
                    tn(lang, "pulse.rule.spread", distribution_min),
                    t(lang, "pulse.rule"),
                )
            ),
            size="Small",
            isSubtle=True,
        )
    )
    note, buttons = download(lang, CSV_VERB, t(lang, "pulse.csv"), csv_url)
    return adaptive_card(body + note, buttons)


def _trend(lang: Language, report: PulseReport) -> list[Element]:
    points = [p for p in report.trend if p.stats is not None]
    if len(points) < 2:
        return []
    charted = ("stress", "social")
    series = [
        {
            "legend": t(lang, f"item.short.{i}"),
            "values": [{"x": p.label, "y": _y(p.stats.mean(i))} for p in points if p.stats],
        }
        for i in charted
    ]
    facts = [(t(lang, "trend.round"), " · ".join(p.label for p in points))] + [
        (t(lang, f"item.short.{i}"), " · ".join(_mean(p.stats, i) for p in points)) for i in charted
    ]
    return [
        text(t(lang, "pulse.trend"), weight="Bolder", spacing="Large"),
        chart({"type": "Chart.Line", "data": series}, facts),
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

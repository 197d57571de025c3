"""`puls`: the aggregated pulse as cards (a summary with charts, then one card per breakdown)
and as CSV.

Both show exactly the numbers the view holds; a hidden cell reads "for få svar" on the card, and
in the CSV its numbers are empty with the reason in the note column. Every CSV text cell that a
spreadsheet would read as a formula (`= + - @`, tab, CR first) gets a leading apostrophe (OWASP
CSV injection): service-area names come from the directory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from cards.checkin import item_label
from cards.elements import Card, Element, adaptive_card, chart, download, md, table, text, title
from cards.i18n import t, tn
from cards.trend import CHARTED_ITEMS
from domain.catalog import SCALE
from domain.ergonomics_picture import ErgonomicsPicture, Shown
from domain.language import Language
from domain.pulse import NO_BAND, UNKNOWN_AREA, PulseReport, Summary

CSV_VERB = "pulse.csv_link"

#: The mean's and the respondents' columns: fixed, just wide enough for "Snitt" and "Answers"
#: in small text, so that on a phone (a card 343 px wide) neither breaks inside a word and the
#: question's column keeps the room.
NUMBER_COLUMNS = ("52px", "68px")

#: Bars a bar chart may have: Teams' renderer refuses more than four data sets, one a bar.
MAX_BARS = 4


#: The decimal mark of each language, on the card and in its CSV.
DECIMAL: dict[Language, str] = {"nb": ",", "en": "."}


def _decimal(lang: Language, value: float) -> str:
    return f"{value:.1f}".replace(".", DECIMAL[lang])


def _mean(lang: Language, stats: Summary | None, item: str) -> str:
    value = stats.mean(item) if stats else None
    return _decimal(lang, value) if value is not None else "–"


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
        facts += [(t(lang, f"item.short.{i}"), _mean(lang, stats, i)) for i in items]
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
        if len(items) <= MAX_BARS:
            body.append(_means_chart(lang, total, items))
        body.append(_items_table(lang, total, items, current.distribution))
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
                    t(lang, "pulse.csv_format"),
                )
            ),
            size="Small",
            isSubtle=True,
        )
    )
    note, buttons = download(lang, CSV_VERB, t(lang, "pulse.csv"), csv_url)
    return adaptive_card(body + note, buttons)


def _means_chart(lang: Language, total: Summary, items: Sequence[str]) -> Element:
    """A bar per item, its label beside it in full: the short round's items fit one chart.
    No axis: Teams draws one from 0, where the scale starts at 1; the value is on the bar."""
    labels = [t(lang, f"item.short.{i}") for i in items]
    return chart(
        {
            "type": "Chart.HorizontalBar",
            "displayMode": "AbsoluteNoAxis",
            "data": [{"x": x, "y": _y(total.mean(i))} for x, i in zip(labels, items, strict=True)],
        },
        [(x, _mean(lang, total, i)) for x, i in zip(labels, items, strict=True)],
    )


def _items_table(
    lang: Language,
    total: Summary,
    items: Sequence[str],
    distribution: Mapping[str, tuple[int, ...]] | None,
) -> Element:
    """An item a row: its mean, how many answered it and, for a large enough scope, the
    answers per step of the scale. The label column gets the room, so no word breaks."""
    header = [t(lang, "pulse.item"), t(lang, "pulse.mean"), t(lang, "pulse.answered")]
    rows = [
        [t(lang, f"item.short.{i}"), _mean(lang, total, i), str(total.answered(i))] for i in items
    ]
    if distribution is None:
        return table([header, *rows], [1, *NUMBER_COLUMNS])
    header.append(t(lang, "pulse.spread"))
    for row, i in zip(rows, items, strict=True):
        row.append(" · ".join(str(c) for c in distribution[i]))
    return table([header, *rows], [3, *NUMBER_COLUMNS, 2])


def _trend(lang: Language, report: PulseReport) -> list[Element]:
    points = [p for p in report.trend if p.stats is not None]
    if len(points) < 2:
        return []
    # The same lines as a person's own trend: the scale's own axis, two distinct colours, and
    # each legend saying which end is good (low stress is good, high contact is).
    series = [
        {
            "legend": item_label(lang, i),
            "color": color,
            "values": [{"x": p.label, "y": _y(p.stats.mean(i))} for p in points if p.stats],
        }
        for i, color in CHARTED_ITEMS.items()
    ]
    facts = [(t(lang, "trend.round"), " · ".join(p.label for p in points))] + [
        (item_label(lang, i), " · ".join(_mean(lang, p.stats, i) for p in points))
        for i in CHARTED_ITEMS
    ]
    line = {"type": "Chart.Line", "data": series, "yMin": SCALE[0], "yMax": SCALE[-1]}
    return [
        text(t(lang, "pulse.trend"), weight="Bolder", spacing="Large"),
        chart(line, facts),
    ]


#: Per language, the field separator its spreadsheet reads a CSV with when it is opened
#: directly: Norwegian Excel writes decimals with a comma (`DECIMAL`), so it separates fields
#: with `;`; English Excel uses `,`. The card says which (`pulse.csv_format`).
CSV_DELIMITER: dict[Language, str] = {"nb": ";", "en": ","}

#: Excel reads a CSV as UTF-8 only with this mark first (else "Økonomi" shows as "Ã˜konomi").
BOM = "\ufeff"


def pulse_csv(lang: Language, report: PulseReport, scope_label: str, distribution_min: int) -> str:
    """One row per breakdown cell and item, in the requester's language: a number column holds
    numbers only, a hidden cell's numbers are empty, and the note column says why."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=CSV_DELIMITER[lang])
    writer.writerow(
        [
            *(
                t(lang, f"pulse.csv.{column}")
                for column in ("round", "scope", "breakdown", "area", "band", "item")
            ),
            t(lang, "pulse.answered"),
            t(lang, "pulse.mean"),
            *(t(lang, "pulse.csv.answered_score", score=s) for s in SCALE),
            t(lang, "pulse.csv.note"),
        ]
    )
    current = report.view
    if current is None:
        return out.getvalue()
    rows: list[tuple[str, str, str, Summary | None]] = [("total", "", "", current.scope_total)]
    rows += [("area", _area_cell(lang, a), "", s) for a, s in current.by_area.items()]
    rows += [("band", "", _band(lang, b), s) for b, s in current.by_band.items()]
    for breakdown, area, band, stats in rows:
        counts = current.distribution if breakdown == "total" else None
        kind = t(lang, f"pulse.csv.breakdown.{breakdown}")
        for item in current.items:
            head = [
                report.round_label,
                scope_label,
                kind,
                area,
                band,
                t(lang, f"item.short.{item}"),
            ]
            if stats is None:
                numbers = ["", "", *("" for _ in SCALE)]
                note = t(lang, "pulse.too_few")
            else:
                mean = stats.mean(item)
                numbers = [
                    str(stats.answered(item)),
                    _decimal(lang, mean) if mean is not None else "",
                    *((str(c) for c in counts[item]) if counts else ("" for _ in SCALE)),
                ]
                hidden_spread = breakdown == "total" and counts is None
                note = tn(lang, "pulse.rule.spread", distribution_min) if hidden_spread else ""
            writer.writerow([*(_inert(c) for c in head), *numbers, _inert(note)])
    return out.getvalue()


def _area_cell(lang: Language, area: str) -> str:
    """A service area as a CSV cell: as the directory has it (no Markdown escapes)."""
    return t(lang, "pulse.unknown_area") if area == UNKNOWN_AREA else area


def _inert(cell: str) -> str:
    """A cell a spreadsheet reads as text, never as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def ergonomics_picture_card(
    lang: Language, picture: ErgonomicsPicture, scope_label: str, k: int
) -> Card:
    """The safety reps' ergonomics picture: per service area the workplaces assessed, those with
    a risk, and those who asked for BHT, with the rules that hide some of them."""
    header = [
        t(lang, "pulse.ergonomics.area"),
        t(lang, "pulse.ergonomics.assessed"),
        t(lang, "pulse.ergonomics.risk"),
        t(lang, "pulse.ergonomics.bht"),
    ]
    rows = [[_area(lang, area), *_counts(shown)] for area, shown in picture.by_area.items()]
    body: list[Element] = [
        title(t(lang, "pulse.ergonomics.title", scope=md(scope_label))),
        text(
            t(
                lang,
                "pulse.ergonomics.quarter",
                quarter=picture.quarter.number,
                year=picture.quarter.year,
            ),
            isSubtle=True,
        ),
    ]
    if not rows:
        body.append(text(t(lang, "pulse.ergonomics.none")))
        return adaptive_card(body)
    total = [t(lang, "pulse.ergonomics.total"), *_counts(picture.total)]
    body += [
        table([header, *rows, total], [3, "64px", "52px", "52px"]),
        text(t(lang, "pulse.ergonomics.rules", k=k), size="Small", isSubtle=True),
    ]
    return adaptive_card(body)


def _counts(shown: Shown) -> list[str]:
    return ["–" if n is None else str(n) for n in (shown.assessed, shown.risk, shown.bht)]


def scope_label(lang: Language, areas: frozenset[str] | None) -> str:
    return t(lang, "pulse.everyone") if areas is None else ", ".join(sorted(areas))

"""The agreement conversation (docs/product.md#home-office-agreement) on botbuilder-dialogs.

One waterfall walks a list of parts — all of them then a summary for `avtale`, one part then
the summary for a part changed from the summary, or one part for `ergonomi` and `utstyr` — and
replaces itself with the next part after each answer. A part may be followed by a card that
depends on its answer (the weekdays after fixed days, the BHT offer after a risky workplace,
the items of a package that has them): that card is the waterfall's `follow`, never added to
the list, so going through a part again asks it once. Every answer is saved to the agreement
draft at once, so the draft never depends on the dialog state: a user who comes back after the
state is gone starts at the first part still missing. The dialog state
(in storage, see storage/bot_state.py) only remembers which step is on screen, so a restart of
the host continues at that step.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, assert_never

from botbuilder.core import ConversationState, TurnContext
from botbuilder.dialogs import (
    DialogSet,
    DialogTurnResult,
    DialogTurnStatus,
    WaterfallDialog,
    WaterfallStepContext,
)

from cards.agreement import (
    EQUIPMENT_ITEMS,
    OTHER_PACKAGE,
    STEP_NUMBERS,
    advice_card,
    annotated,
    equipment_card,
    equipment_items_card,
    ergonomics_card,
    extent_card,
    network_card,
    notice,
    summary_card,
    tasks_card,
    weekdays_card,
)
from cards.agreement_submit import (
    EquipmentChoice,
    ExtentChoice,
    Parsed,
    parse_extent,
    parse_items,
    parse_network,
    parse_package,
    parse_tasks,
    parse_terms,
    parse_terms_choice,
    parse_weekdays,
    parse_workplace,
    parse_yes_no,
)
from cards.agreement_terms import (
    TERMS,
    TERMS_EDIT,
    occasional_card,
    terms_card,
    terms_edit_card,
    terms_values,
)
from cards.elements import Card, md
from cards.i18n import t
from dialogs.card_step import SUBMITTED, CardStep, language_of, send_card, step_id, user_of
from domain.agreement import (
    FURNITURE_ITEMS,
    IT_ITEMS,
    EquipmentRequest,
    Extent,
    Mode,
    Package,
    assess_workplace,
    items_of,
)
from domain.agreement_record import Agreement, Terms, parts_for, proposal_version
from domain.language import Language
from domain.legal_terms import LegalTerms, TermDefaults
from services.agreements import (
    AgreementService,
    Refused,
    Submitted,
    Unchanged,
    WaitingForLeader,
)

FLOW = "agreement"
BHT = "occupational_health"
WEEKDAYS = "weekdays"
SUMMARY = "summary"
BACK: Parsed[str] = Parsed("back")  # from the weekdays to the number of days


class AgreementDialogs:
    def __init__(self, service: AgreementService, state: ConversationState) -> None:
        self._service = service
        self._state = state
        self._dialogs = DialogSet(state.create_property("dialog_state"))
        policy = service.policy
        self._mode = policy.mode
        self._full = (*parts_for(policy.mode), SUMMARY)
        self._entries = {
            "agreement": self._full,
            "ergonomics": ("ergonomics",),
            "equipment": ("equipment",),
        }
        steps: list[tuple[str, Any, Any]] = [
            (
                "tasks",
                lambda lang, v, e, n, c: tasks_card(lang, v, e, n),
                lambda d, c: parse_tasks(d),
            ),
            (
                "extent",
                lambda lang, v, e, n, c: extent_card(
                    lang, v, policy.mode, e, n, c.get("team_days", ())
                ),
                lambda d, c: parse_extent(d, policy.mode),
            ),
            (
                WEEKDAYS,
                lambda lang, v, e, n, c: weekdays_card(
                    lang, c["days"], v, e, n, c.get("team_days", ())
                ),
                lambda d, c: (
                    BACK
                    if d.get("back") is True
                    else parse_weekdays(d, Extent(c["days"], (), c["reason"]), policy.mode)
                ),
            ),
            (
                "ergonomics",
                lambda lang, v, e, n, c: ergonomics_card(lang, v, e, n),
                lambda d, c: parse_workplace(d),
            ),
            (
                BHT,
                lambda lang, v, e, n, c: advice_card(lang, c["advice"], v, e, n),
                lambda d, c: parse_yes_no(d, BHT),
            ),
            (
                "equipment",
                lambda lang, v, e, n, c: equipment_card(lang, v, policy.amounts, e, n, policy.mode),
                lambda d, c: parse_package(d, c["days"], policy.mode),
            ),
            (
                EQUIPMENT_ITEMS,
                lambda lang, v, e, n, c: equipment_items_card(
                    lang, Package(c["package"]), v, policy.amounts, e, n
                ),
                lambda d, c: (
                    Parsed(OTHER_PACKAGE)
                    if d.get("choice") == OTHER_PACKAGE
                    else parse_items(
                        d, Package(c["package"]), c["days"], policy.mode, policy.amounts
                    )
                ),
            ),
            (
                "network",
                lambda lang, v, e, n, c: network_card(lang, v, e, n),
                lambda d, c: parse_network(d),
            ),
            (
                TERMS,
                lambda lang, v, e, n, c: terms_card(lang, _shown(c["terms"], policy.terms), e, n),
                lambda d, c: parse_terms_choice(d, c["terms"], policy.terms, service.today()),
            ),
            (
                TERMS_EDIT,
                lambda lang, v, e, n, c: terms_edit_card(lang, v, policy.terms, e, n),
                lambda d, c: parse_terms(d, policy.terms, service.today()),
            ),
            (
                "summary",
                lambda lang, v, e, n, c: annotated(c["cards"][lang], lang, n, e),
                lambda d, c: _summary_choice(d, c, policy.mode),
            ),
        ]
        for step, render, parse in steps:
            if policy.mode is Mode.ORDERED and step in STEP_NUMBERS:
                render = _numbered(step, render, len(parts_for(policy.mode)))
            self._dialogs.add(CardStep(step, render, parse))
        self._dialogs.add(WaterfallDialog(FLOW, [self._ask, self._save]))

    # -- entry points for the bot -------------------------------------------------------------

    async def start(self, context: TurnContext, entry: str, at_summary: bool = False) -> None:
        """Begin `entry`; `avtale` during the whole conversation shows the step on screen."""
        dc = await self._dialogs.create_context(context)
        parts = self._entries[entry]
        if entry == "agreement" and not at_summary and self._in_agreement(dc):
            await dc.reprompt_dialog()
        else:
            await dc.cancel_all_dialogs()
            index = len(parts) - 1 if at_summary else 0
            if entry == "agreement" and not at_summary:
                current = await self._service.current(user_of(context))
                missing = current.terms.missing(self._mode)
                index = parts.index(missing[0] if missing else SUMMARY)
            await dc.begin_dialog(FLOW, {"parts": list(parts), "index": index})
        await self._state.save_changes(context)

    async def resume(self, context: TurnContext) -> bool:
        """Hand a step card's submit to the dialog; False when no conversation is going on."""
        dc = await self._dialogs.create_context(context)
        result = await dc.continue_dialog()
        await self._state.save_changes(context)
        return result.status is not DialogTurnStatus.Empty

    async def change_part(self, context: TurnContext) -> bool:
        """A summary's "change" pressed after its conversation ended (another command came in
        between): taken while the agreement is still the version that summary showed."""
        data = context.turn_state.get(SUBMITTED)
        if not isinstance(data, dict) or data.get("step") != SUMMARY:
            return False
        part = data.get("part")
        agreement = await self._service.current(user_of(context))
        if (
            data.get("choice") != "edit"
            or part not in parts_for(self._mode)
            or not agreement.editable
            or data.get("version") != proposal_version(agreement)
        ):
            return False
        dc = await self._dialogs.create_context(context)
        await dc.begin_dialog(FLOW, {"parts": [part, SUMMARY], "index": 0})
        await self._state.save_changes(context)
        return True

    async def in_conversation(self, context: TurnContext) -> bool:
        dc = await self._dialogs.create_context(context)
        return dc.active_dialog is not None

    # -- the waterfall ------------------------------------------------------------------------

    async def _ask(self, step: WaterfallStepContext) -> DialogTurnResult:
        parts, index = step.options["parts"], step.options["index"]
        part = step.options.get("follow") or parts[index]
        agreement = await self._service.current(user_of(step.context))
        if part == SUMMARY:
            context = {
                "cards": await self._summary_cards(agreement),
                "version": proposal_version(agreement),
            }
            return await step.begin_dialog(step_id(part), {"context": context})
        values, context = _prefill(part, agreement.terms, self._service.policy.terms)
        values = step.options.get("values") or values
        if part == WEEKDAYS:
            context = dict(step.options["carry"])
        if part in ("extent", WEEKDAYS):
            # The team's office days, so that a fixed day at home can avoid them.
            team_days = await self._service.team_days_for(user_of(step.context))
            context = {**context, "team_days": list(team_days)}
        return await step.begin_dialog(step_id(part), {"values": values, "context": context})

    async def _save(self, step: WaterfallStepContext) -> DialogTurnResult:
        parts, index = list(step.options["parts"]), step.options["index"]
        part, value = step.options.get("follow") or parts[index], step.result
        context, user = step.context, user_of(step.context)
        if part == SUMMARY:
            if value != "send":
                # One part, then back to the summary; the other parts stay as saved.
                return await step.replace_dialog(FLOW, {"parts": [value, SUMMARY], "index": 0})
            outcome = await self._service.submit(user)
            match outcome:
                case Refused():
                    return await step.replace_dialog(FLOW, {"parts": parts, "index": index})
                case Submitted() | WaitingForLeader() | Unchanged():
                    await send_card(context, _outcome_card(language_of(context), outcome))
                    return await step.end_dialog()
                case _:
                    assert_never(outcome)
        if part == WEEKDAYS and value == "back":
            # The days card again as the user left it, not as the draft has it.
            carry = step.options["carry"]
            values = {"days": str(carry["days"]), "fixed": "fixed", "reason": carry["reason"]}
            return await step.replace_dialog(
                FLOW, {"parts": parts, "index": index, "values": values}
            )
        if part == EQUIPMENT_ITEMS and value == OTHER_PACKAGE:
            return await step.replace_dialog(FLOW, {"parts": parts, "index": index})
        if part == "extent" and self._occasional(value):
            # Less than a day a week: § 2 asks for no written agreement, so nothing is kept.
            lang = language_of(context)
            in_force = await self._service.approved(user) is not None
            await send_card(context, occasional_card(lang, in_force))
            return await step.end_dialog()
        if part == TERMS and value == "edit":
            return await step.replace_dialog(
                FLOW, {"parts": parts, "index": index, "follow": TERMS_EDIT}
            )
        if isinstance(value, ExtentChoice) and value.choose_weekdays:
            # Saved with its weekdays: until then the draft keeps the days it had.
            carry = {"days": value.extent.days, "reason": value.extent.reason}
            return await step.replace_dialog(
                FLOW, {"parts": parts, "index": index, "follow": WEEKDAYS, "carry": carry}
            )
        agreement = await self._service.change_terms(user, lambda terms: _apply(part, value, terms))
        if part == "ergonomics" and _ergonomic_advice(agreement.terms):
            return await step.replace_dialog(FLOW, {"parts": parts, "index": index, "follow": BHT})
        if part == "equipment" and _asks_more(value):
            # Items to pick, or special needs to describe, on the package's own card.
            return await step.replace_dialog(
                FLOW, {"parts": parts, "index": index, "follow": EQUIPMENT_ITEMS}
            )
        if index + 1 < len(parts):
            return await step.replace_dialog(FLOW, {"parts": parts, "index": index + 1})
        lang = language_of(context)
        await send_card(
            context, notice(lang, t(lang, "agreement.saved.title"), [t(lang, "agreement.saved")])
        )
        return await step.end_dialog()

    async def _summary_cards(self, agreement: Agreement) -> dict[Language, Card]:
        """The summary in both languages, built once: the step shows it again without storage."""
        leader = await self._service.leader_of(agreement.employee_id)
        problems = self._service.problems(agreement)
        flags = list(await self._service.flags(agreement))
        return {
            lang: summary_card(
                lang,
                agreement,
                problems.missing,
                problems.errors,
                flags,
                leader.name if leader else "",
                self._mode,
            )
            for lang in ("nb", "en")
        }

    def _occasional(self, value: object) -> bool:
        return (
            self._mode is Mode.ORDINARY
            and isinstance(value, ExtentChoice)
            and value.extent.days == 0
        )

    def _in_agreement(self, dc: Any) -> bool:
        """Whether the conversation on screen is `avtale`'s: it ends with the summary."""
        if not dc.stack:
            return False
        options = dc.stack[-1].state.get("options") or {}
        parts = options.get("parts") or []
        return bool(parts) and parts[-1] == SUMMARY


def _summary_choice(data: dict[str, Any], context: dict[str, Any], mode: Mode) -> Parsed[str]:
    """ "send", or the part to change. A summary of another version than the one on screen (the
    agreement has moved on since) changes nothing: the current summary shows why."""
    if data.get("version", context["version"]) != context["version"]:
        return Parsed(None, ["agreement.summary.stale"])
    choice = data.get("choice")
    if choice == "send":
        return Parsed("send")
    parts = parts_for(mode)
    part = data.get("part", parts[0])
    if choice == "edit" and part in parts:
        return Parsed(str(part))
    return Parsed(None, ["agreement.choose_one"])


def _asks_more(package: Package) -> bool:
    """Whether the package is more than a choice: items to pick, or special needs to describe."""
    return bool(items_of(package)) or package is Package.SPECIAL


def _ergonomic_advice(terms: Terms) -> list[str]:
    if terms.workplace is None:
        return []
    days = terms.extent.days if terms.extent else 0
    assessment = assess_workplace(terms.workplace, days)
    return list(assessment.advice) if assessment.offer_occupational_health else []


def _shown(values: dict[str, Any], defaults: TermDefaults) -> LegalTerms:
    """The terms the step shows, from the inputs they would fill (kept in the dialog state)."""
    return parse_terms(values, defaults, date.min).value or defaults.proposal()


def _numbered(step: str, render: Any, total: int) -> Any:
    """A step card counting to `total` steps: the ordered mode asks no § 2 terms."""

    def numbered(lang: Language, *args: Any) -> Card:
        card: Card = render(lang, *args)
        counter = {
            **card["body"][0],
            "text": t(lang, "agreement.step_of", n=STEP_NUMBERS[step], total=total),
        }
        return {**card, "body": [counter, *card["body"][1:]]}

    return numbered


def _prefill(
    part: str, terms: Terms, defaults: TermDefaults
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The card's inputs as the draft has them, and what the step needs to know besides."""
    if part == "tasks" and terms.tasks:
        tasks = terms.tasks
        return {
            "home": ",".join(tasks.home),
            "office": ",".join(tasks.office),
            "expectations": tasks.expectations,
        }, {}
    if part == "extent" and terms.extent:
        extent = terms.extent
        return {
            "days": str(extent.days),
            "fixed": "fixed" if extent.fixed_days else "flexible",
            "reason": extent.reason,
        }, {}
    if part == WEEKDAYS and terms.extent:
        return {"weekdays": ",".join(terms.extent.fixed_days)}, {}
    if part == "ergonomics" and terms.workplace:
        workplace = terms.workplace
        return {
            "place": workplace.place.value,
            "has": ",".join(sorted(workplace.has)),
            "discomfort": ",".join(sorted(workplace.discomfort)),
        }, {}
    if part == BHT:
        answer = "yes" if terms.wants_occupational_health else ""
        return {BHT: answer}, {"advice": _ergonomic_advice(terms)}
    if part in ("equipment", EQUIPMENT_ITEMS):
        equipment = terms.equipment
        context: dict[str, Any] = {"days": terms.extent.days if terms.extent else 0}
        if equipment is None:
            return {}, context
        if part == "equipment":
            return {"package": str(equipment.package.value)}, context
        keys = {item.key for item in equipment.items}
        return {
            "it_items": ",".join(k for k in IT_ITEMS if k in keys),
            "furniture_items": ",".join(k for k in FURNITURE_ITEMS if k in keys),
            "special_needs": terms.special_needs,
        }, {**context, "package": equipment.package.value}
    if part == "network" and terms.network:
        return {"network": terms.network.value}, {}
    if part == TERMS:
        return {}, {"terms": terms_values(terms.legal or defaults.proposal())}
    if part == TERMS_EDIT:
        return terms_values(terms.legal or defaults.proposal()), {}
    return {}, {}


def _apply(part: str, value: Any, terms: Terms) -> Terms:
    if part == "tasks":
        return replace(terms, tasks=value)
    if part == "extent":
        assert isinstance(value, ExtentChoice)
        return replace(terms, extent=value.extent)
    if part == WEEKDAYS:
        return replace(terms, extent=value)
    if part == "ergonomics":
        changed = replace(terms, workplace=value)
        # The wish for BHT stands only while the workplace still calls for it.
        wants = terms.wants_occupational_health and bool(_ergonomic_advice(changed))
        return replace(changed, wants_occupational_health=wants)
    if part == BHT:
        return replace(terms, wants_occupational_health=bool(value))
    if part == "equipment":
        assert isinstance(value, Package)
        if terms.equipment is not None and terms.equipment.package is value:
            return terms  # the same package: what was picked from it stands
        # Only what the chosen package needs: the items or needs of another package go.
        return replace(terms, equipment=EquipmentRequest(value), special_needs="")
    if part == EQUIPMENT_ITEMS:
        assert isinstance(value, EquipmentChoice)
        return replace(terms, equipment=value.request, special_needs=value.special_needs)
    if part == "network":
        return replace(terms, network=value)
    if part in (TERMS, TERMS_EDIT):
        assert isinstance(value, LegalTerms)
        return replace(terms, legal=value)
    raise ValueError(f"unknown part {part!r}")


def _outcome_card(lang: Language, outcome: Submitted | WaitingForLeader | Unchanged) -> Card:
    match outcome:
        case Submitted(agreement, leader, delivered):
            key = "agreement.sent" if delivered else "agreement.sent_not_reachable"
            return notice(
                lang,
                t(lang, "agreement.sent.title"),
                [t(lang, key, leader=md(leader.name), version=agreement.version)],
            )
        case WaitingForLeader():
            return notice(
                lang, t(lang, "agreement.no_leader.title"), [t(lang, "agreement.no_leader")]
            )
        case Unchanged(since, approved):
            sent = since.submitted_at.strftime("%d.%m.%Y") if since.submitted_at else "–"
            key = "agreement.unchanged.approved" if approved else "agreement.unchanged.pending"
            return notice(
                lang,
                t(lang, "agreement.unchanged.title"),
                [t(lang, key, version=since.version, day=sent)],
            )
        case _:
            assert_never(outcome)

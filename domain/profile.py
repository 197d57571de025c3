"""What the bot keeps about a person besides their answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.language import Language, resolve_language

# The survey's age bands (docs/checkin-catalog.md#age-bands); aggregates break answers down by them.
AGE_BANDS: tuple[str, ...] = ("-30", "31-40", "41-50", "51-60", "61-")


@dataclass(frozen=True)
class Profile:
    user_id: str  # Entra object id
    tenant_id: str = ""
    name: str = ""
    teams_locale: str = ""
    language: Language | None = None  # the user's own choice in `innstillinger`
    age_band: str = ""  # self-reported, optional (AGE_BANDS); "" = not given
    # The roster holds them as unreachable (Teams answered 403 or 404: they blocked or removed
    # the app, or left): no proactive card until they come back. Kept here as well, in the
    # document every turn reads anyway, so that their next turn takes the mark away without
    # reading the roster.
    unreachable: bool = False
    # JSON form of the botbuilder ConversationReference, for proactive messages.
    conversation_reference: dict[str, Any] | None = field(default=None, compare=True)

    @property
    def effective_language(self) -> Language:
        return resolve_language(self.language, self.teams_locale)

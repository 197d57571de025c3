"""A user's own choices (`innstillinger`): language, age band, and the standing consent to let
signals go to their leader. Not to be confused with bot/settings.py, the process's configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.followup import StandingConsent, kinds_of
from domain.language import LANGUAGES, resolve_language
from domain.profile import AGE_BANDS, Profile
from services.followups import FollowUpService
from services.people import PeopleService


@dataclass(frozen=True)
class Saved:
    profile: Profile
    consent: StandingConsent


@dataclass(frozen=True)
class Rejected:
    """A language or age band the settings card does not offer: nothing is saved."""

    consent: StandingConsent


SaveOutcome = Saved | Rejected


class UserSettingsService:
    def __init__(self, people: PeopleService, followups: FollowUpService) -> None:
        self._people = people
        self._followups = followups

    async def consent(self, user_id: str) -> StandingConsent:
        return await self._followups.consent(user_id)

    async def save(
        self, profile: Profile, language: object, age_band: object, share: object
    ) -> SaveOutcome:
        """Save what the settings card submitted: `age_band` "" for none given, `share` the
        consented kinds comma-separated."""
        if language not in LANGUAGES or age_band not in ("", *AGE_BANDS):
            return Rejected(await self.consent(profile.user_id))
        updated = await self._people.save_settings(
            profile, resolve_language(str(language), None), str(age_band)
        )
        return Saved(updated, await self._save_consent(profile.user_id, share))

    async def _save_consent(self, user_id: str, share: object) -> StandingConsent:
        """Saved (with its time) only when it changed: the history holds real choices."""
        values = share.split(",") if isinstance(share, str) else []
        kinds = kinds_of(v.strip() for v in values)
        current = await self.consent(user_id)
        if kinds == current.kinds and current.changed_at is not None:
            return current
        if not kinds and current.changed_at is None:
            return current  # nothing given, nothing withdrawn
        return await self._followups.save_consent(user_id, kinds)

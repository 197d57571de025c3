"""A user's own choices (`innstillinger`): language, age band, and the standing consent to let
signals go to their leader. Not to be confused with bot/settings.py, the process's configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.followup import StandingConsent, kinds_of
from domain.language import LANGUAGES, resolve_language
from domain.profile import AGE_BANDS, Profile
from domain.week import Visibility
from services.followups import FollowUpService
from services.people import PeopleService
from services.weeks import WeekService


@dataclass(frozen=True)
class Saved:
    profile: Profile
    consent: StandingConsent
    visibility: Visibility = Visibility.TEAM


@dataclass(frozen=True)
class Rejected:
    """A language, age band or visibility the settings card does not offer: nothing is saved."""

    consent: StandingConsent
    visibility: Visibility = Visibility.TEAM


SaveOutcome = Saved | Rejected


class UserSettingsService:
    def __init__(
        self, people: PeopleService, followups: FollowUpService, weeks: WeekService
    ) -> None:
        self._people = people
        self._followups = followups
        self._weeks = weeks

    async def consent(self, user_id: str) -> StandingConsent:
        return await self._followups.consent(user_id)

    async def visibility(self, user_id: str) -> Visibility:
        """Who sees the person's week plan by name (services/weeks.py)."""
        return await self._weeks.visibility(user_id)

    async def save(
        self,
        profile: Profile,
        language: object,
        age_band: object,
        share: object,
        visibility: object = None,
    ) -> SaveOutcome:
        """Save what the settings card submitted: `age_band` "" for none given, `share` the
        consented kinds comma-separated, `visibility` who sees the week plan (None: unchanged,
        as from a card drawn before the choice existed)."""
        offered = {v.value for v in Visibility}
        if (
            language not in LANGUAGES
            or age_band not in ("", *AGE_BANDS)
            or (visibility is not None and visibility not in offered)
        ):
            return Rejected(
                await self.consent(profile.user_id), await self.visibility(profile.user_id)
            )
        updated = await self._people.save_settings(
            profile, resolve_language(str(language), None), str(age_band)
        )
        consent = await self._save_consent(profile.user_id, share)
        if visibility is not None:
            await self._weeks.set_visibility(profile.user_id, visibility)
        return Saved(updated, consent, await self.visibility(profile.user_id))

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

"""Configuration from the environment (and `.env`, loaded by app.py), checked at start-up.

Names follow docs/product.md#configuration; a bad value stops the host with a message that names it.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from cards.agreement_pdf import FONT_FILES
from domain.agreement import PRICES
from domain.legal_terms import MAX_TERM_TEXT, Hours, TermDefaults
from domain.retry import TURN_BUDGET
from domain.rotation import Rotation, rotation

MIN_ANONYMITY_K = 3
TEAMS_PATIENCE_SECONDS = 15
#: The override of local mode's exposure checks, for tests against a local Cosmos DB server.
UNSAFE_EXPOSE = "LOCAL_MODE_UNSAFE_EXPOSE"
UNSAFE_EXPOSE_VALUE = "yes-i-know"
#: CHECKIN_CRON for no scheduled rounds at all (tests, demos): the tick would otherwise open
#: the latest scheduled one, up to ROUND_DAYS late, whenever a host starts.
SCHEDULE_OFF = "off"
#: User properties in Graph that may name a person's service area or unit: plain string
#: properties, and the 15 extension attributes synchronised from an on-premises directory.
GRAPH_USER_FIELDS: tuple[str, ...] = (
    "department",
    "officeLocation",
    "companyName",
    "jobTitle",
    "city",
    "employeeType",
    *(f"extensionAttribute{n}" for n in range(1, 16)),
)


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    port: int = 3978
    host: str = "127.0.0.1"
    app_id: str = ""
    app_password: str = ""
    app_type: str = "SingleTenant"
    app_tenant_id: str = ""
    storage: str = "sqlite"
    sqlite_path: str = ".data/homeoffice.sqlite3"
    cosmos_endpoint: str = ""
    cosmos_key: str = ""
    cosmos_database: str = "homeoffice"
    storage_retry_budget_seconds: float = TURN_BUDGET
    turn_budget_seconds: float = TURN_BUDGET
    allowed_tenants: tuple[str, ...] = ()
    org_source: str = "csv"
    org_csv: str = ""
    org_sync_cron: str = "0 3 * * *"
    graph_authority: str = "https://login.microsoftonline.com"
    graph_endpoint: str = "https://graph.microsoft.com"
    graph_service_area_field: str = "department"
    graph_unit_field: str = "officeLocation"
    # With ORG_SOURCE=graph: install the app for a leader something waits for (README).
    auto_install_for_leaders: bool = True
    teams_app_catalog_id: str = ""  # the app's id in the tenant's catalog; "" = look it up
    anonymity_k: int = 5
    pulse_distribution_min: int = 10  # a 1–5 distribution only from this many (never below k)
    checkin_cron: str = "0 9 * * mon"  # or SCHEDULE_OFF: rounds only by `round open`
    # The Monday card of the week plan, to teams whose leader turned it on; SCHEDULE_OFF: only
    # by `week send`.
    week_card_cron: str = "0 7 * * mon"
    round_days: int = 7
    lease_seconds: int = 60
    reminder_after_days: int = 2
    coffee_cron: str = "0 10 * * mon"  # kaffeprat's pairing; SCHEDULE_OFF: only `coffee pair`
    coffee_no_repeat_rounds: int = 8  # nobody meets anyone they met in this many rounds
    scheduler_tick_seconds: int = 300
    # Off in a staging slot, which shares production's store: no scheduled job and no command
    # that sends (docs/operations.md#upgrading-through-the-staging-slot).
    scheduler: bool = True
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Oslo"))
    checkin_rotation: Rotation = field(default_factory=rotation)
    response_ttl_days: int = 730
    home_office_mode: str = "ordinary"  # "ordered": e.g. a pandemic (docs/product.md#extent)
    equipment_it_nok: int = 3_000
    equipment_furniture_nok: int = 5_000
    equipment_prices: dict[str, int] = field(default_factory=lambda: dict(PRICES))
    agreement_review_months: int = 12
    # DejaVu Sans for the written agreement's PDF (cards/agreement_pdf.py): Debian's
    # fonts-dejavu-core puts it here; PDF/A embeds it, so the font must be on the host.
    agreement_pdf_font_dir: str = "/usr/share/fonts/truetype/dejavu"
    # The § 2 terms offered pre-filled (docs/product.md#the-law-hjemmekontorforskriften).
    agreement_terms: TermDefaults = field(default_factory=TermDefaults)
    agreement_end_reminder_days: int = 30  # before a temporary arrangement's end date
    followup_stress_high: int = 4
    followup_stress_max: int = 5
    followup_social_low: int = 2
    followup_strain_high: int = 4
    followup_reminder_days: int = 3
    admins: tuple[str, ...] = ()  # Entra object ids who see the whole organisation's pulse
    public_base_url: str = ""  # where users' browsers reach this host (CSV links); "" = local
    support_hr_contact: str = "se intranettet"  # e.g. "Hanne Berg, 55 55 55 55, hr@kommune.no"
    support_bht_contact: str = "se intranettet"
    pseudonym_key: str = ""
    pseudonym_key_file: str = ".data/pseudonym.key"
    local_mode_unsafe_expose: bool = False  # local mode's exposure checks overridden (tests)

    @property
    def checkin_items(self) -> tuple[str, ...]:
        """Every item some round asks (a round asks some of them: `checkin_rotation`)."""
        return self.checkin_rotation.all_items

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"

    @property
    def local_mode(self) -> bool:
        """No app id: no inbound authentication, as the Agents Playground and tests need."""
        return not self.app_id

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        d = cls()  # the defaults live in the fields above, and only there

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        storage = get("STORAGE", d.storage).lower()
        if storage not in ("sqlite", "cosmos"):
            raise ConfigError(f"STORAGE must be 'sqlite' or 'cosmos', not {storage!r}")
        k = _int(get("ANONYMITY_K", str(d.anonymity_k)), "ANONYMITY_K")
        if k < MIN_ANONYMITY_K:
            raise ConfigError(f"ANONYMITY_K must be at least {MIN_ANONYMITY_K}, not {k}")
        try:
            timezone = ZoneInfo(get("TIMEZONE", str(d.timezone)))
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ConfigError(f"TIMEZONE is not a known time zone: {get('TIMEZONE')!r}") from error
        org_source = get("ORG_SOURCE", d.org_source).lower()
        if org_source not in ("csv", "graph"):
            raise ConfigError(f"ORG_SOURCE must be 'csv' or 'graph', not {org_source!r}")
        rotating = _int(
            get("CHECKIN_ROTATING", str(d.checkin_rotation.per_round)), "CHECKIN_ROTATING"
        )
        try:
            checkin_rotation = rotation(
                _ids(get("CHECKIN_ITEMS")), _ids(get("CHECKIN_CORE_ITEMS")), rotating
            )
        except ValueError as error:
            raise ConfigError(
                f"CHECKIN_ITEMS/CHECKIN_CORE_ITEMS/CHECKIN_ROTATING: {error}"
            ) from error
        mode = get("HOME_OFFICE_MODE", d.home_office_mode).lower()
        if mode not in ("ordinary", "ordered"):
            raise ConfigError(f"HOME_OFFICE_MODE must be 'ordinary' or 'ordered', not {mode!r}")
        settings = cls(
            port=_int(get("PORT", str(d.port)), "PORT"),
            host=get("HOST", d.host),
            app_id=get("MicrosoftAppId"),
            app_password=get("MicrosoftAppPassword"),
            app_type=get("MicrosoftAppType", d.app_type),
            app_tenant_id=get("MicrosoftAppTenantId"),
            storage=storage,
            sqlite_path=get("SQLITE_PATH", d.sqlite_path),
            cosmos_endpoint=get("COSMOS_ENDPOINT"),
            cosmos_key=get("COSMOS_KEY"),
            cosmos_database=get("COSMOS_DATABASE", d.cosmos_database),
            storage_retry_budget_seconds=_float(
                get("STORAGE_RETRY_BUDGET_SECONDS", str(d.storage_retry_budget_seconds)),
                "STORAGE_RETRY_BUDGET_SECONDS",
            ),
            turn_budget_seconds=_float(
                get("TURN_BUDGET_SECONDS", str(d.turn_budget_seconds)), "TURN_BUDGET_SECONDS"
            ),
            allowed_tenants=tuple(
                x.strip() for x in get("ALLOWED_TENANTS").split(",") if x.strip()
            ),
            org_source=org_source,
            org_csv=get("ORG_CSV"),
            org_sync_cron=_cron(get("ORG_SYNC_CRON", d.org_sync_cron), timezone, "ORG_SYNC_CRON"),
            graph_authority=_https(get("GRAPH_AUTHORITY", d.graph_authority), "GRAPH_AUTHORITY"),
            graph_endpoint=_https(get("GRAPH_ENDPOINT", d.graph_endpoint), "GRAPH_ENDPOINT"),
            graph_service_area_field=_graph_field(
                get("GRAPH_SERVICE_AREA_FIELD", d.graph_service_area_field),
                "GRAPH_SERVICE_AREA_FIELD",
            ),
            graph_unit_field=_graph_field(
                get("GRAPH_UNIT_FIELD", d.graph_unit_field), "GRAPH_UNIT_FIELD"
            ),
            auto_install_for_leaders=_switch(
                get("AUTO_INSTALL_FOR_LEADERS", "on"), "AUTO_INSTALL_FOR_LEADERS"
            ),
            teams_app_catalog_id=get("TEAMS_APP_CATALOG_ID"),
            anonymity_k=k,
            pulse_distribution_min=max(
                k,
                _int(
                    get("PULSE_DISTRIBUTION_MIN", str(d.pulse_distribution_min)),
                    "PULSE_DISTRIBUTION_MIN",
                ),
            ),
            checkin_cron=_cron(
                get("CHECKIN_CRON", d.checkin_cron), timezone, "CHECKIN_CRON", may_be_off=True
            ),
            week_card_cron=_cron(
                get("WEEK_CARD_CRON", d.week_card_cron), timezone, "WEEK_CARD_CRON", may_be_off=True
            ),
            round_days=_int(get("ROUND_DAYS", str(d.round_days)), "ROUND_DAYS"),
            lease_seconds=_int(get("LEASE_SECONDS", str(d.lease_seconds)), "LEASE_SECONDS"),
            coffee_cron=_cron(
                get("COFFEE_CRON", d.coffee_cron), timezone, "COFFEE_CRON", may_be_off=True
            ),
            coffee_no_repeat_rounds=_at_least(
                get("COFFEE_NO_REPEAT_ROUNDS", str(d.coffee_no_repeat_rounds)),
                "COFFEE_NO_REPEAT_ROUNDS",
                1,
            ),
            reminder_after_days=_int(
                get("REMINDER_AFTER_DAYS", str(d.reminder_after_days)), "REMINDER_AFTER_DAYS"
            ),
            scheduler_tick_seconds=_int(
                get("SCHEDULER_TICK_SECONDS", str(d.scheduler_tick_seconds)),
                "SCHEDULER_TICK_SECONDS",
            ),
            scheduler=_switch(get("SCHEDULER", "on"), "SCHEDULER"),
            timezone=timezone,
            checkin_rotation=checkin_rotation,
            response_ttl_days=_int(
                get("RESPONSE_TTL_DAYS", str(d.response_ttl_days)), "RESPONSE_TTL_DAYS"
            ),
            home_office_mode=mode,
            equipment_it_nok=_int(
                get("EQUIPMENT_IT_NOK", str(d.equipment_it_nok)), "EQUIPMENT_IT_NOK"
            ),
            equipment_furniture_nok=_int(
                get("EQUIPMENT_FURNITURE_NOK", str(d.equipment_furniture_nok)),
                "EQUIPMENT_FURNITURE_NOK",
            ),
            equipment_prices=_prices(get("EQUIPMENT_PRICES"), d.equipment_prices),
            agreement_review_months=_int(
                get("AGREEMENT_REVIEW_MONTHS", str(d.agreement_review_months)),
                "AGREEMENT_REVIEW_MONTHS",
            ),
            agreement_pdf_font_dir=get("AGREEMENT_PDF_FONT_DIR", d.agreement_pdf_font_dir),
            agreement_terms=_terms(get, d.agreement_terms),
            agreement_end_reminder_days=_int(
                get("AGREEMENT_END_REMINDER_DAYS", str(d.agreement_end_reminder_days)),
                "AGREEMENT_END_REMINDER_DAYS",
            ),
            followup_stress_high=_scale(get, "FOLLOWUP_STRESS_HIGH", d.followup_stress_high),
            followup_stress_max=_scale(get, "FOLLOWUP_STRESS_MAX", d.followup_stress_max),
            followup_social_low=_scale(get, "FOLLOWUP_SOCIAL_LOW", d.followup_social_low),
            followup_strain_high=_scale(get, "FOLLOWUP_STRAIN_HIGH", d.followup_strain_high),
            followup_reminder_days=_int(
                get("FOLLOWUP_REMINDER_DAYS", str(d.followup_reminder_days)),
                "FOLLOWUP_REMINDER_DAYS",
            ),
            admins=tuple(x.strip().lower() for x in get("ADMINS").split(",") if x.strip()),
            public_base_url=get("PUBLIC_BASE_URL").rstrip("/"),
            support_hr_contact=get("SUPPORT_HR_CONTACT", d.support_hr_contact),
            support_bht_contact=get("SUPPORT_BHT_CONTACT", d.support_bht_contact),
            pseudonym_key=get("PSEUDONYM_KEY"),
            pseudonym_key_file=get("PSEUDONYM_KEY_FILE", d.pseudonym_key_file),
            local_mode_unsafe_expose=get(UNSAFE_EXPOSE) == UNSAFE_EXPOSE_VALUE,
        )
        # A production host must be able to make the written agreement; a local run (`./dev run`
        # on a machine without the font and without root to install it) starts all the same,
        # and the PDF button says what is missing.
        if not settings.local_mode:
            _require_fonts(settings.agreement_pdf_font_dir)
        if min(settings.equipment_it_nok, settings.equipment_furniture_nok) < 0:
            raise ConfigError("EQUIPMENT_IT_NOK and EQUIPMENT_FURNITURE_NOK cannot be negative")
        if settings.followup_reminder_days < 1:
            raise ConfigError("FOLLOWUP_REMINDER_DAYS must be at least 1")
        if not 1 <= settings.agreement_review_months <= 60:
            raise ConfigError("AGREEMENT_REVIEW_MONTHS must be from 1 to 60")
        if not 1 <= settings.agreement_end_reminder_days <= 365:
            raise ConfigError("AGREEMENT_END_REMINDER_DAYS must be from 1 to 365")
        if not 0 < settings.reminder_after_days < settings.round_days:
            raise ConfigError("REMINDER_AFTER_DAYS must be more than 0 and less than ROUND_DAYS")
        if settings.lease_seconds < 3:
            # Renewed every third of it: shorter, one slow store call would lose the lease.
            raise ConfigError("LEASE_SECONDS must be at least 3")
        if not 0 < settings.storage_retry_budget_seconds < TEAMS_PATIENCE_SECONDS:
            raise ConfigError(
                f"STORAGE_RETRY_BUDGET_SECONDS must be more than 0 and less than "
                f"{TEAMS_PATIENCE_SECONDS} (Teams stops waiting for the bot's answer then)"
            )
        if not 0 < settings.turn_budget_seconds < TEAMS_PATIENCE_SECONDS:
            raise ConfigError(
                f"TURN_BUDGET_SECONDS must be more than 0 and less than "
                f"{TEAMS_PATIENCE_SECONDS} (Teams stops waiting for the bot's answer then)"
            )
        if storage == "cosmos" and not settings.cosmos_endpoint:
            raise ConfigError("STORAGE=cosmos needs COSMOS_ENDPOINT")
        if (
            not settings.local_mode
            and not settings.app_password
            and settings.app_type != "UserAssignedMSI"
        ):
            raise ConfigError("MicrosoftAppId is set but MicrosoftAppPassword is empty")
        if (
            not settings.local_mode
            and settings.app_type in ("SingleTenant", "UserAssignedMSI")
            and not settings.app_tenant_id
        ):
            raise ConfigError(f"MicrosoftAppType={settings.app_type} needs MicrosoftAppTenantId")
        if org_source == "graph" and (settings.local_mode or not settings.app_tenant_id):
            # The sync signs in as the bot's own app registration (or managed identity).
            raise ConfigError(
                "ORG_SOURCE=graph needs MicrosoftAppId and MicrosoftAppTenantId "
                "(the app that reads the tenant's users)"
            )
        if not settings.local_mode and not settings.pseudonym_key:
            raise ConfigError("PSEUDONYM_KEY must be set in production (MicrosoftAppId is set)")
        if storage == "cosmos" and not settings.pseudonym_key:
            # A key made up here would file everyone under new pseudonyms (storage/keys.py).
            raise ConfigError(
                "STORAGE=cosmos needs PSEUDONYM_KEY, the key the store was first used with "
                "(in Azure: the Key Vault secret the app reads); only local SQLite use makes one"
            )
        if settings.pseudonym_key.startswith("@Microsoft.KeyVault("):
            # App Service passes an unresolved Key Vault reference through as text; used as a
            # key it would silently file everyone under pseudonyms of the wrong key.
            raise ConfigError(
                "PSEUDONYM_KEY is an unresolved Key Vault reference: check the identity's "
                "Key Vault Secrets User role and that the secret exists"
            )
        return settings

    def check_servable(self) -> None:
        """Local mode serves nobody but the developer: the host refuses to start otherwise.

        Only `serve` asks; the command line (`roles`, `org`, `round`) answers no requests.
        """
        exposed = self.local_mode_exposure()
        if exposed and not self.local_mode_unsafe_expose:
            raise ConfigError(
                f"local mode (no MicrosoftAppId) checks no token: anyone who reaches the host "
                f"can act as any employee, so it {exposed}. Set MicrosoftAppId to serve for "
                f"real; tests against a local Cosmos DB server may set "
                f"{UNSAFE_EXPOSE}={UNSAFE_EXPOSE_VALUE}"
            )

    def local_mode_exposure(self) -> str:
        """How local mode would be reachable or hold real data; "" when it is not."""
        if not self.local_mode:
            return ""
        if not _loopback(self.host):
            return f"listens only on a loopback address, not HOST={self.host!r}"
        if self.storage == "cosmos":
            return "keeps its data in SQLite, not STORAGE=cosmos"
        if self.public_base_url and not (
            urlparse(self.public_base_url).scheme == "http"
            and _loopback(urlparse(self.public_base_url).hostname or "")
        ):
            return (
                "takes no public PUBLIC_BASE_URL (only http://localhost or 127.x), "
                f"not {self.public_base_url!r}"
            )
        return ""

    def check_can_send(self, command: str) -> None:
        """A command that sends cards runs as the bot and where the scheduler runs, or not at
        all against Cosmos DB.

        Without the bot's identity every send to Teams fails 401 and is recorded as failed for
        good, so a rerun sends nothing: the round is lost. Local SQLite use keeps sending
        without a token, to the Agents Playground or a test connector.
        """
        if not self.scheduler:
            raise ConfigError(
                f"{command} sends cards, and SCHEDULER=off here: this is a staging slot (or a "
                "host kept from running jobs), which shares production's store. Run it in the "
                "production slot (`az webapp ssh --resource-group RG --name APP`)"
            )
        if self.storage == "cosmos" and self.local_mode:
            raise ConfigError(
                f"{command} sends cards as the bot, and MicrosoftAppId is not set: against "
                "STORAGE=cosmos every send would fail 401 and be recorded as failed. Run it "
                "with the bot's identity: inside the app (`az webapp ssh --resource-group RG "
                f"--name APP`, then `python app.py {command}`), or, for a bot registered with a "
                "client secret, with its MicrosoftAppId and MicrosoftAppPassword set. Commands "
                "that send nothing can run from a workstation with the Cosmos DB operator role "
                "(infra/main.bicep parameter cosmosOperatorPrincipalIds)"
            )

    def load_pseudonym_key(self) -> bytes:
        """The configured key; in local SQLite use a generated one kept in a file, so trends
        persist. Never made up for another store: bootstrap.py compares it with the store's."""
        if self.pseudonym_key:
            return self.pseudonym_key.encode("utf-8")
        if self.storage != "sqlite" or not self.local_mode:
            raise ConfigError(f"STORAGE={self.storage} needs PSEUDONYM_KEY")
        path = Path(self.pseudonym_key_file)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip().encode("utf-8")


def missing_fonts(directory: str) -> list[str]:
    return [name for name in FONT_FILES.values() if not (Path(directory) / name).is_file()]


def _require_fonts(directory: str) -> None:
    missing = missing_fonts(directory)
    if missing:
        raise ConfigError(
            f"AGREEMENT_PDF_FONT_DIR={directory!r} lacks {', '.join(missing)}: the written "
            "agreement's PDF embeds DejaVu Sans. Install it (Debian: apt-get install "
            "fonts-dejavu-core) or point AGREEMENT_PDF_FONT_DIR at a directory holding both files"
        )


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _cron(value: str, timezone: ZoneInfo, name: str, may_be_off: bool = False) -> str:
    if may_be_off and value == SCHEDULE_OFF:
        return value
    try:
        CronTrigger.from_crontab(value, timezone=timezone)
    except ValueError as error:
        raise ConfigError(f"{name} is not a crontab expression: {value!r} ({error})") from None
    return value


def _https(value: str, name: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.hostname:
        raise ConfigError(f"{name} must be an https:// URL, not {value!r}")
    return value.rstrip("/")


def _graph_field(value: str, name: str) -> str:
    if value not in GRAPH_USER_FIELDS:
        raise ConfigError(f"{name} must be one of {', '.join(GRAPH_USER_FIELDS)}, not {value!r}")
    return value


def _terms(get: Callable[[str, str], str], d: TermDefaults) -> TermDefaults:
    """The § 2 terms' defaults. Agreed times are each employee's own, so they are no default."""
    hours = get("AGREEMENT_HOURS", d.hours.value).lower()
    if hours not in (Hours.ORDINARY.value, Hours.FLEXITIME.value):
        raise ConfigError(f"AGREEMENT_HOURS must be 'ordinary' or 'flexitime', not {hours!r}")
    reachable = get("AGREEMENT_REACHABLE", d.reachable)
    if len(reachable) > MAX_TERM_TEXT:
        raise ConfigError(f"AGREEMENT_REACHABLE must be at most {MAX_TERM_TEXT} characters")
    numbers = {
        name: _int(get(name, str(default)), name)
        for name, default in (
            ("AGREEMENT_NOTICE_MONTHS", d.notice_months),
            ("AGREEMENT_MAX_NOTICE_MONTHS", d.max_notice_months),
            ("AGREEMENT_TRIAL_MONTHS", d.trial_months),
            ("AGREEMENT_MAX_TRIAL_MONTHS", d.max_trial_months),
        )
    }
    most_notice, most_trial = (
        numbers["AGREEMENT_MAX_NOTICE_MONTHS"],
        numbers["AGREEMENT_MAX_TRIAL_MONTHS"],
    )
    if not 1 <= most_notice <= 12:
        raise ConfigError("AGREEMENT_MAX_NOTICE_MONTHS must be from 1 to 12")
    if not 0 <= most_trial <= 12:
        raise ConfigError("AGREEMENT_MAX_TRIAL_MONTHS must be from 0 to 12")
    if not 0 <= numbers["AGREEMENT_NOTICE_MONTHS"] <= most_notice:
        raise ConfigError("AGREEMENT_NOTICE_MONTHS must be from 0 to AGREEMENT_MAX_NOTICE_MONTHS")
    if not 0 <= numbers["AGREEMENT_TRIAL_MONTHS"] <= most_trial:
        raise ConfigError("AGREEMENT_TRIAL_MONTHS must be from 0 to AGREEMENT_MAX_TRIAL_MONTHS")
    return TermDefaults(
        hours=Hours(hours),
        reachable=reachable,
        notice_months=numbers["AGREEMENT_NOTICE_MONTHS"],
        trial_months=numbers["AGREEMENT_TRIAL_MONTHS"],
        max_trial_months=most_trial,
        max_notice_months=most_notice,
    )


def _prices(value: str, defaults: dict[str, int]) -> dict[str, int]:
    """`EQUIPMENT_PRICES=desk=3500,headset=900`: catalogue prices that differ from the
    defaults (domain/agreement.py PRICES)."""
    prices = dict(defaults)
    for pair in (p.strip() for p in value.split(",") if p.strip()):
        item, _, price = pair.partition("=")
        if item.strip() not in prices:
            raise ConfigError(
                f"EQUIPMENT_PRICES: {item.strip()!r} is not an item; the items are "
                f"{', '.join(prices)}"
            )
        prices[item.strip()] = _int(price.strip(), f"EQUIPMENT_PRICES {item.strip()}")
        if prices[item.strip()] < 0:
            raise ConfigError(f"EQUIPMENT_PRICES: the price of {item.strip()} cannot be negative")
    return prices


def _scale(get: Callable[[str, str], str], name: str, default: int) -> int:
    """A threshold on the check-in's 1–5 scale."""
    value = _int(get(name, str(default)), name)
    if not 1 <= value <= 5:
        raise ConfigError(f"{name} must be on the 1–5 scale, not {value}")
    return value


def _switch(value: str, name: str) -> bool:
    switch = value.lower()
    if switch not in ("on", "off"):
        raise ConfigError(f"{name} must be 'on' or 'off', not {value!r}")
    return switch == "on"


def _ids(value: str) -> tuple[str, ...] | None:
    """A comma-separated list of ids; None when empty (the default applies)."""
    return tuple(i.strip() for i in value.split(",") if i.strip()) or None


def _at_least(value: str, name: str, least: int) -> int:
    number = _int(value, name)
    if number < least:
        raise ConfigError(f"{name} must be at least {least}, not {number}")
    return number


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def _float(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {value!r}") from None

"""Build the Teams app package: manifest.json, en.json and the two icons in one zip.

    python app.py package [--app-id GUID] [--domain HOST] [--out appPackage.zip]

The templates hold `${{NAME}}` placeholders. `${{command:NAME}}` is filled from the command
words (`cards/command_words.py`; bokmål in manifest.json, English in en.json), so the command
words in Teams' command menu are the very words `bot.commands.parse_command` understands. The other names come from
configuration (`placeholders`). A list item that fills to an empty string is left out: that is
how `validDomains` stays empty when no bot domain is configured.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from cards.command_words import Command, command_word
from domain.language import Language

HERE = Path(__file__).resolve().parent
PYPROJECT = HERE.parent / "pyproject.toml"
TEMPLATE = HERE / "manifest.template.json"
LOCALIZATIONS: dict[str, Language] = {"en.json": "en"}  # file in the zip → its language
ICONS = ("color.png", "outline.png")
DEFAULT_LANGUAGE: Language = "nb"  # manifest.json's defaultLanguageTag is nb-NO

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_PLACEHOLDER = re.compile(r"\$\{\{([A-Za-z0-9_.:]+)\}\}")
# Zip entries get a fixed time, so the same inputs give a byte-identical package.
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)

# Configuration placeholder → (environment variable, default). The URLs must be https and
# should point at the organisation's own pages before the app is published.
_CONFIG: dict[str, tuple[str, str]] = {
    "APP_NAME": ("TEAMS_APP_NAME", "Hjemmekontor"),
    "DEVELOPER_NAME": ("TEAMS_DEVELOPER_NAME", "Digitalt kontor"),
    "DEVELOPER_URL": ("TEAMS_DEVELOPER_URL", "https://www.example.com/"),
    "PRIVACY_URL": ("TEAMS_PRIVACY_URL", "https://www.example.com/privacy"),
    "TERMS_URL": ("TEAMS_TERMS_URL", "https://www.example.com/terms"),
}


class PackageError(ValueError):
    """The package cannot be built as configured; the message says what to change."""


class HasAppId(Protocol):
    @property
    def app_id(self) -> str: ...


def app_version() -> str:
    """The product version from pyproject.toml; Teams wants semver and a bump per upload."""
    with PYPROJECT.open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def _is_host(domain: str) -> bool:
    """A host name, optionally `*.`-wildcarded as validDomains allows; no scheme, port or path."""
    labels = domain.removeprefix("*.").split(".")
    return len(domain) <= 253 and all(_LABEL.match(label) for label in labels)


def placeholders(
    app_id: str, domain: str = "", env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The configuration values for the templates, checked the way Teams will check them."""
    env = os.environ if env is None else env
    app_id = app_id.strip()
    if not app_id:
        raise PackageError(
            "no app id: Teams needs the bot's Microsoft App ID (a GUID). "
            "Set MicrosoftAppId or pass --app-id."
        )
    if not _GUID.match(app_id):
        raise PackageError(f"the app id must be a GUID, not {app_id!r}")
    domain = domain.strip()
    if domain and not _is_host(domain):
        raise PackageError(
            f"the bot domain must be a host name like bot.example.no, not {domain!r}"
        )
    values = {"APP_ID": app_id, "APP_VERSION": app_version(), "BOT_DOMAIN": domain}
    for name, (variable, default) in _CONFIG.items():
        values[name] = env.get(variable, "").strip() or default
    return values


def fill(template: Any, values: Mapping[str, str], language: Language) -> Any:
    """`template` with every placeholder replaced; an unknown one is an error, not a leak."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("command:"):
            command = name.removeprefix("command:")
            if command not in {known.value for known in Command}:
                raise PackageError(f"template asks for unknown command {command!r}")
            return command_word(language, Command(command))
        if name not in values:
            raise PackageError(f"template has unknown placeholder {match.group(0)}")
        return values[name]

    if isinstance(template, str):
        return _PLACEHOLDER.sub(replace, template)
    if isinstance(template, list):
        filled = [fill(item, values, language) for item in template]
        return [item for item in filled if item != ""]
    if isinstance(template, dict):
        return {key: fill(value, values, language) for key, value in template.items()}
    return template


def package_files(values: Mapping[str, str]) -> dict[str, bytes]:
    """Zip entry name → content, all at the zip root as Teams requires."""

    def render(path: Path, language: Language) -> bytes:
        document = fill(json.loads(path.read_text(encoding="utf-8")), values, language)
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    files = {"manifest.json": render(TEMPLATE, DEFAULT_LANGUAGE)}
    files.update({name: render(HERE / name, language) for name, language in LOCALIZATIONS.items()})
    files.update({name: (HERE / name).read_bytes() for name in ICONS})
    return files


def build_package(
    settings: HasAppId,
    out_path: str | Path,
    *,
    app_id: str | None = None,
    domain: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Write the app package to `out_path`. `app_id` overrides the configured one; the
    domain defaults to BOT_DOMAIN from `env` (the process environment)."""
    env = os.environ if env is None else env
    values = placeholders(
        app_id or settings.app_id,
        env.get("BOT_DOMAIN", "") if domain is None else domain,
        env,
    )
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in package_files(values).items():
            entry = zipfile.ZipInfo(name, _ZIP_TIME)
            entry.external_attr = 0o644 << 16  # readable files when unzipped on Unix
            archive.writestr(entry, data, zipfile.ZIP_DEFLATED)
    return out


def example_pages(env: Mapping[str, str] | None = None) -> list[str]:
    """The page variables not set in `env`, so that the package links to example.com."""
    env = os.environ if env is None else env
    return [
        variable
        for variable, default in _CONFIG.values()
        if "example.com" in default and not env.get(variable)
    ]

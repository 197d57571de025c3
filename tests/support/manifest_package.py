"""The Teams app package as the tests build it: from fixed inputs, whatever the environment."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from manifest.package import build_package

APP_ID = "3f2b8c1e-5d4a-4e6b-9c7d-0a1b2c3d4e5f"
CONFIG_VARIABLES = (
    "MicrosoftAppId",
    "BOT_DOMAIN",
    "TEAMS_APP_NAME",
    "TEAMS_DEVELOPER_NAME",
    "TEAMS_DEVELOPER_URL",
    "TEAMS_PRIVACY_URL",
    "TEAMS_TERMS_URL",
)


def without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package's names and addresses come from these variables: none set."""
    for variable in CONFIG_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def build(folder: Path) -> Path:
    settings = SimpleNamespace(app_id=APP_ID)
    return build_package(settings, folder / "out" / "appPackage.zip", domain="bot.example.no")


def unpack(package: Path, folder: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    return folder


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))

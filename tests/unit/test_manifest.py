"""The Teams app package: what the zip holds, icons, command list. Its validation against the
schemas (Node.js): tests/integration/test_manifest_validation.py.
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import zipfile
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.commands import Command, parse_command
from cards.command_words import command_word
from cli.package import add_cli, run_cli
from manifest import make_icons
from manifest.package import PackageError, app_version, build_package
from tests.support.manifest_package import (
    APP_ID,
    build,
    read_json,
    unpack,
    without_configuration,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
FILES = {"manifest.json", "en.json", "color.png", "outline.png"}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    without_configuration(monkeypatch)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return build(tmp_path)


@pytest.fixture
def unpacked(package: Path, tmp_path: Path) -> Path:
    return unpack(package, tmp_path / "unpacked")


# -- the package -----------------------------------------------------------------------------


def test_the_package_holds_manifest_localization_and_icons_at_the_zip_root(package: Path) -> None:
    with zipfile.ZipFile(package) as archive:
        assert set(archive.namelist()) == FILES
        texts = {name: archive.read(name).decode("utf-8") for name in ("manifest.json", "en.json")}
        for icon in ("color.png", "outline.png"):
            assert archive.read(icon) == (REPO_ROOT / "manifest" / icon).read_bytes()
    for name, text in texts.items():
        assert "${{" not in text, f"{name} has an unfilled placeholder"

    manifest = json.loads(texts["manifest.json"])
    bot = manifest["bots"][0]
    assert manifest["id"] == bot["botId"] == APP_ID
    # No SSO: a webApplicationInfo would name an Entra resource (api://botid-...) nobody made.
    assert "webApplicationInfo" not in manifest
    assert manifest["validDomains"] == ["bot.example.no"]
    assert manifest["version"] == app_version()
    assert "personal" in bot["scopes"] and bot["supportsFiles"] is False
    assert manifest["localizationInfo"] == {
        "defaultLanguageTag": "nb-NO",
        "additionalLanguages": [{"languageTag": "en", "file": "en.json"}],
    }


def test_the_same_inputs_give_a_byte_identical_package(package: Path, tmp_path: Path) -> None:
    again = build_package(
        SimpleNamespace(app_id=APP_ID), tmp_path / "again.zip", domain="bot.example.no"
    )
    assert again.read_bytes() == package.read_bytes()


def test_names_and_developer_come_from_configuration(tmp_path: Path) -> None:
    env = {"TEAMS_APP_NAME": "Kontorvenn", "TEAMS_DEVELOPER_NAME": "Eksempel kommune"}
    env["TEAMS_PRIVACY_URL"] = "https://kommune.example.no/personvern"
    out = build_package(SimpleNamespace(app_id=APP_ID), tmp_path / "p.zip", env=env)
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        english = json.loads(archive.read("en.json"))
    assert manifest["name"]["short"] == english["name.short"] == "Kontorvenn"
    assert manifest["developer"]["name"] == "Eksempel kommune"
    assert manifest["developer"]["privacyUrl"] == "https://kommune.example.no/personvern"
    assert manifest["validDomains"] == []  # no BOT_DOMAIN in env: none listed, none invented


def test_without_an_app_id_the_package_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="MicrosoftAppId or pass --app-id"):
        build_package(SimpleNamespace(app_id=""), tmp_path / "p.zip")
    with pytest.raises(PackageError, match="GUID"):
        build_package(SimpleNamespace(app_id="my-bot"), tmp_path / "p.zip")
    with pytest.raises(PackageError, match="host name"):
        build_package(SimpleNamespace(app_id=APP_ID), tmp_path / "p.zip", domain="https://x.no/")
    assert not (tmp_path / "p.zip").exists()
    # --app-id stands in for a missing MicrosoftAppId.
    assert build_package(SimpleNamespace(app_id=""), tmp_path / "p.zip", app_id=APP_ID).exists()


def test_the_package_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = argparse.ArgumentParser()
    add_cli(parser.add_subparsers(dest="command"))
    out = tmp_path / "appPackage.zip"

    args = parser.parse_args(["package", "--out", str(out)])
    assert run_cli(args, SimpleNamespace(app_id="")) == 2
    assert "MicrosoftAppId" in capsys.readouterr().err and not out.exists()

    # Without settings the app id comes from the environment (no password needed).
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    assert run_cli(args) == 0 and out.exists()
    out.unlink()

    args = parser.parse_args(
        ["package", "--app-id", APP_ID, "--domain", "bot.example.no", "--out", str(out)]
    )
    assert run_cli(args, SimpleNamespace(app_id="")) == 0
    assert str(out) in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["validDomains"] == ["bot.example.no"]


# -- offline validation ----------------------------------------------------------------------


def test_the_manifest_is_on_a_current_schema_and_the_localization_on_the_same(
    unpacked: Path,
) -> None:
    manifest = read_json(unpacked / "manifest.json")
    version = manifest["manifestVersion"]
    assert tuple(int(part) for part in version.split(".")) >= (1, 24)
    assert f"/teams/v{version}/MicrosoftTeams.schema.json" in manifest["$schema"]
    localization = read_json(unpacked / "en.json")["$schema"]
    assert f"/teams/v{version}/MicrosoftTeams.Localization.schema.json" in localization


# -- icons -----------------------------------------------------------------------------------


def read_png(data: bytes) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """Width, height and pixel rows of an 8-bit RGB or RGBA PNG (any row filters)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, []
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length : at + 12 + length])[0] == zlib.crc32(
            kind + body
        )
        chunks.append((kind, body))
        at += 12 + length
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (chunks[0][0], depth, interlace) == (b"IHDR", 8, 0)
    channels = {2: 3, 6: 4}[color_type]
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride, rows, previous = width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            p = a + b - c
            paeth = min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth)[kind]) & 0xFF
        rows.append([tuple(line[x : x + channels]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def test_the_color_icon_is_192_square_and_in_full_colour() -> None:
    width, height, rows = read_png((REPO_ROOT / "manifest" / "color.png").read_bytes())
    assert (width, height) == (192, 192)
    colours = {pixel[:3] for row in rows for pixel in row}
    assert all(len(pixel) == 3 or pixel[3] == 255 for row in rows for pixel in row)
    assert len(colours) > 3 and make_icons.BACKGROUND in colours and make_icons.HEART in colours


def test_the_outline_icon_is_32_square_white_on_transparent() -> None:
    width, height, rows = read_png((REPO_ROOT / "manifest" / "outline.png").read_bytes())
    assert (width, height) == (32, 32)
    pixels = [pixel for row in rows for pixel in row]
    assert all(len(pixel) == 4 for pixel in pixels), "the outline icon needs an alpha channel"
    assert all(pixel[:3] == (255, 255, 255) for pixel in pixels if pixel[3] > 0)
    alphas = [pixel[3] for pixel in pixels]
    assert alphas.count(0) > 200 and alphas.count(255) > 200  # a shape, not a blank or a block


def test_the_committed_icons_are_what_make_icons_draws() -> None:
    for name, data in make_icons.icons().items():
        assert (REPO_ROOT / "manifest" / name).read_bytes() == data, (
            f"{name} is stale: run python manifest/make_icons.py"
        )


# -- the command list ------------------------------------------------------------------------


def test_the_command_list_is_exactly_the_commands_the_bot_answers(unpacked: Path) -> None:
    manifest = read_json(unpacked / "manifest.json")
    english = read_json(unpacked / "en.json")
    (command_list,) = manifest["bots"][0]["commandLists"]
    assert "personal" in command_list["scopes"]
    commands = command_list["commands"]

    seen = []
    for index, entry in enumerate(commands):
        command = parse_command(entry["title"])
        assert command is not None, f"the bot does not answer {entry['title']!r}"
        assert entry["title"] == command_word("nb", command) and entry["description"]
        key = f"bots[0].commandLists[0].commands[{index}]"
        assert english[f"{key}.title"] == command_word("en", command)
        assert parse_command(english[f"{key}.title"]) is command
        assert english[f"{key}.description"]
        seen.append(command)
    # Teams shows at most 10 commands; `slett mine data` is a button on the `mine data` card,
    # `kaffeprat` one in `innstillinger`, and `ergonomi` and `utstyr` are parts of `avtale` (all
    # of them in `hjelp`).
    unlisted = {Command.DELETE_DATA, Command.ERGONOMICS, Command.EQUIPMENT, Command.COFFEE}
    assert sorted(seen, key=str) == sorted(set(Command) - unlisted, key=str), "each listed once"

    # No English entry for a command the manifest does not have.
    indexed = {int(m.group(1)) for k in english if (m := re.search(r"commands\[(\d+)\]", k))}
    assert indexed == set(range(len(commands)))

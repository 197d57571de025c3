"""The Teams app package validated offline: `node manifest/validate.mjs` on the schemas that
@microsoft/app-manifest bundles, so it needs Node.js and the repository's npm packages
(`npm ci`), like the Cosmos test server does. What the package holds: tests/unit/test_manifest.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.manifest_package import build, read_json, unpack, without_configuration

REPO_ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = REPO_ROOT / "manifest" / "validate.mjs"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    without_configuration(monkeypatch)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return build(tmp_path)


@pytest.fixture
def unpacked(package: Path, tmp_path: Path) -> Path:
    return unpack(package, tmp_path / "unpacked")


def validate(path: Path) -> tuple[int, dict[str, Any]]:
    if shutil.which("node") is None or not (REPO_ROOT / "node_modules" / "@microsoft").exists():
        pytest.fail("manifest validation needs Node.js and the npm packages: run `npm ci`")
    done = subprocess.run(
        ["node", str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_the_package_validates_offline_with_its_localization(package: Path) -> None:
    code, result = validate(package)
    assert (code, result["errors"]) == (0, [])
    assert result["valid"] is True and result["checked"] == ["manifest.json", "en.json"]


def _drop_bot_id(folder: Path) -> None:
    manifest = read_json(folder / "manifest.json")
    del manifest["bots"][0]["botId"]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _number_version(folder: Path) -> None:
    manifest = read_json(folder / "manifest.json")
    manifest["manifestVersion"] = float(manifest["manifestVersion"])
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _long_english_name(folder: Path) -> None:
    english = read_json(folder / "en.json")
    english["name.short"] = "A name far longer than thirty characters"
    (folder / "en.json").write_text(json.dumps(english), encoding="utf-8")


def _no_outline_icon(folder: Path) -> None:
    (folder / "outline.png").unlink()


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (_drop_bot_id, r"manifest\.json: /bots/0 must have required property 'botId'"),
        (_number_version, r"manifest\.json: /manifestVersion must be string"),
        (_long_english_name, r"en\.json: /name\.short must NOT have more than 30 characters"),
        (_no_outline_icon, r"icon outline\.png is missing"),
    ],
)
def test_a_broken_package_fails_validation(
    unpacked: Path, breakage: Callable[[Path], None], expected: str
) -> None:
    breakage(unpacked)
    code, result = validate(unpacked / "manifest.json")
    assert code == 1 and result["valid"] is False
    assert any(re.search(expected, error) for error in result["errors"]), result["errors"]

"""Every template under infra/ compiles, where a Bicep compiler is installed.

None can be installed from the registries this project's machines reach (PyPI, npm, Debian's):
docs/operations.md#checking-the-templates says what was tried. An operator's workstation with
the Azure CLI has one (`az bicep install`), and there this compiles every .bicep and .bicepparam
file and fails on any error; here it skips, and tests/unit/test_infra.py reads the templates.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

INFRA = Path(__file__).resolve().parents[2] / "infra"
TEMPLATES = sorted(
    p.relative_to(INFRA).as_posix()
    for p in INFRA.rglob("*")
    if p.suffix in (".bicep", ".bicepparam")
)


def compiler(template: str) -> list[str] | None:
    """The command that compiles a template to standard output, or None without a compiler."""
    verb = "build-params" if template.endswith(".bicepparam") else "build"
    if shutil.which("bicep"):
        return ["bicep", verb, "--stdout", str(INFRA / template)]
    if shutil.which("az"):
        return ["az", "bicep", verb, "--stdout", "--file", str(INFRA / template)]
    return None


def test_every_template_is_found() -> None:
    assert {"main.bicep", "key.bicep", "modules/webapp.bicep"} <= set(TEMPLATES)


@pytest.mark.skipif(
    compiler("main.bicep") is None,
    reason="no Bicep compiler: none installs from PyPI, npm or Debian (docs/operations.md)",
)
@pytest.mark.parametrize("template", TEMPLATES)
def test_templates_compile(template: str) -> None:
    command = compiler(template)
    assert command is not None
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Error BCP" not in done.stderr and '"$schema"' in done.stdout

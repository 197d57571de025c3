"""infra/hooks/pseudonym-key.sh, azd's preprovision hook, against stand-ins for `az` and `azd`:
it writes the key once and pins the version it got; a redeployment writes nothing; a rotation's
new version pins nothing; the value never shows on a command line."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOOK = ROOT / "infra" / "hooks" / "pseudonym-key.sh"
VAULT_ID = (
    "/subscriptions/s/resourceGroups/rg-hjemmekontor-prod/providers/Microsoft.KeyVault/vaults/kv-x"
)

# Both stand-ins keep their state in one JSON file: the azd environment's values, the secret
# versions written, and every command line they were called with.
AZD = """
import json, sys
state_file = sys.argv[1]
state = json.load(open(state_file))
args = sys.argv[2:]
state["calls"].append(["azd", *args])
status = 0
if args[:2] == ["env", "get-value"]:
    if args[2] in state["env"]:
        print(state["env"][args[2]])
    else:
        print(f"ERROR: key '{args[2]}' not found in the environment values", file=sys.stderr)
        status = 1
elif args[:2] == ["env", "set"]:
    state["env"][args[2]] = args[3]
json.dump(state, open(state_file, "w"))
sys.exit(status)
"""
AZ = """
import json, os, stat, sys, uuid
state_file = sys.argv[1]
state = json.load(open(state_file))
args = sys.argv[2:]
state["calls"].append(["az", *args])
if args[:3] == ["deployment", "group", "create"]:
    print(state["vault"])
elif args[:3] == ["rest", "--method", "get"]:
    if not state["secrets"]:
        print("ERROR: (SecretNotFound) A secret with (name/id) pseudonym-key was not found", file=sys.stderr)
        json.dump(state, open(state_file, "w"))
        sys.exit(3)
    print(f"https://kv-x.vault.azure.net/secrets/pseudonym-key/{state['secrets'][-1]['version']}")
elif args[:3] == ["rest", "--method", "put"]:
    body = args[args.index("--body") + 1]
    path = body[1:]
    mode = stat.S_IMODE(os.stat(path).st_mode)
    version = uuid.uuid4().hex
    state["secrets"].append({
        "url": args[args.index("--url") + 1],
        "value": json.load(open(path))["properties"]["value"],
        "file": path,
        "mode": mode,
        "version": version,
    })
    print(f"https://kv-x.vault.azure.net/secrets/pseudonym-key/{version}")
json.dump(state, open(state_file, "w"))
"""


@dataclass
class Azure:
    """The stand-ins on PATH, and what they saw."""

    bin: Path
    state: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}"}
        return subprocess.run(
            ["sh", str(HOOK), *args], env=env, capture_output=True, text=True, timeout=60
        )

    def seen(self) -> dict[str, Any]:
        seen: dict[str, Any] = json.loads(self.state.read_text())
        return seen

    def az_calls(self) -> list[list[str]]:
        return [call for call in self.seen()["calls"] if call[0] == "az"]


@pytest.fixture
def azure(tmp_path: Path) -> Azure:
    bin = tmp_path / "bin"
    bin.mkdir()
    state = tmp_path / "state.json"
    env = {
        "AZURE_ENV_NAME": "prod",
        "AZURE_RESOURCE_GROUP": "rg-hjemmekontor-prod",
        "AZURE_LOCATION": "norwayeast",
    }
    state.write_text(json.dumps({"env": env, "calls": [], "secrets": [], "vault": VAULT_ID}))
    for name, program in (("azd", AZD), ("az", AZ)):
        (bin / f"{name}.py").write_text(textwrap.dedent(program))
        script = bin / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{bin / name}.py" "{state}" "$@"\n')
        script.chmod(0o755)
    return Azure(bin, state)


def test_the_first_provisioning_writes_the_key_once_and_pins_its_version(azure: Azure) -> None:
    done = azure.run()
    assert done.returncode == 0, done.stderr
    seen = azure.seen()
    (secret,) = seen["secrets"]
    assert secret["url"] == (
        f"https://management.azure.com{VAULT_ID}/secrets/pseudonym-key?api-version=2023-07-01"
    )
    assert len(secret["value"]) >= 43  # 32 random bytes
    assert seen["env"]["PSEUDONYM_KEY_VERSION"] == secret["version"]
    # The value went in a file only this user could read, gone now, never on a command line.
    assert secret["mode"] == stat.S_IRUSR | stat.S_IWUSR
    assert not Path(secret["file"]).exists()
    assert not any(secret["value"] in " ".join(call) for call in seen["calls"])
    assert secret["value"] not in done.stdout + done.stderr
    deployed = next(c for c in azure.az_calls() if c[1:4] == ["deployment", "group", "create"])
    assert deployed[deployed.index("--template-file") + 1] == "infra/key.bicep"


def test_a_redeployment_writes_nothing_and_keeps_the_pinned_version(azure: Azure) -> None:
    assert azure.run().returncode == 0
    pinned = azure.seen()["env"]["PSEUDONYM_KEY_VERSION"]
    calls = len(azure.az_calls())

    again = azure.run()
    assert again.returncode == 0, again.stderr
    assert pinned in again.stdout and "nothing written" in again.stdout
    assert len(azure.az_calls()) == calls
    assert len(azure.seen()["secrets"]) == 1
    assert azure.seen()["env"]["PSEUDONYM_KEY_VERSION"] == pinned


def test_a_new_version_for_a_rotation_pins_nothing(azure: Azure) -> None:
    refused = azure.run("new-version")
    assert refused.returncode != 0 and "no key yet" in refused.stderr
    assert azure.az_calls() == []

    assert azure.run().returncode == 0
    pinned = azure.seen()["env"]["PSEUDONYM_KEY_VERSION"]
    rotated = azure.run("new-version")
    assert rotated.returncode == 0, rotated.stderr
    first, second = azure.seen()["secrets"]
    assert second["value"] != first["value"]
    assert rotated.stdout.strip() == second["version"] != pinned
    assert azure.seen()["env"]["PSEUDONYM_KEY_VERSION"] == pinned


def test_without_a_resource_group_it_says_how_and_touches_nothing(azure: Azure) -> None:
    state = azure.seen()
    del state["env"]["AZURE_RESOURCE_GROUP"]
    azure.state.write_text(json.dumps(state))
    done = azure.run()
    assert done.returncode != 0
    assert "azd env set AZURE_RESOURCE_GROUP rg-hjemmekontor-prod" in done.stderr
    assert azure.az_calls() == []
    assert "PSEUDONYM_KEY_VERSION" not in azure.seen()["env"]


def test_an_environment_made_anew_does_not_write_a_second_key(azure: Azure) -> None:
    """Another machine, or a lost .azure/: the pin is gone but the vault has the key."""
    assert azure.run().returncode == 0
    state = azure.seen()
    pinned = state["env"].pop("PSEUDONYM_KEY_VERSION")
    azure.state.write_text(json.dumps(state))

    done = azure.run()
    assert done.returncode != 0
    assert pinned in done.stderr and "azd env set PSEUDONYM_KEY_VERSION" in done.stderr
    assert len(azure.seen()["secrets"]) == 1
    assert "PSEUDONYM_KEY_VERSION" not in azure.seen()["env"]

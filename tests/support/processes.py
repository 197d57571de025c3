"""The host's command line (app.py) run as its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_app(args: list[str], env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        cwd=cwd,  # no .env there: only what the test sets
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )

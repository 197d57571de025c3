"""The command line: `python app.py [serve|round|org|roles|package]`, one module per group.

cli/main.py holds the root parser and the set-up every command shares; each group module adds
its parser (`add_cli`) and runs it (`run_cli`).
"""

from __future__ import annotations

import argparse
from typing import TypeAlias

#: What `ArgumentParser.add_subparsers` returns; each group adds its parser to it.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

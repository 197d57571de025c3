"""Entry point: `python app.py [serve|round|org|roles|package]` (cli/main.py lists them).

bootstrap.py builds the parts; cli/ holds one module per command group.
"""

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main())

"""Frozen entry point: the same `headroom` command line (no argument opens the app)."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())

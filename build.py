#!/usr/bin/env python3
"""Build the explainer site: `python build.py` (see --help for the other commands)."""

import sys

from explainer.cli import main

if __name__ == "__main__":
    sys.exit(main())

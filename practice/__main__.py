"""`python -m practice ...`: see practice/cli.py."""

import sys

from practice.cli import main

sys.exit(main())

"""Entry point for `python -m ml`."""

from ml.cli import main

raise SystemExit(main())

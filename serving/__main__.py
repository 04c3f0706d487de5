import os
import sys

# One OpenMP thread, set before any library starts OpenMP: a request scores at most 500
# rows, and handing them to a second thread cost more than it saved (p50 of scoring 100
# candidates over HTTP: 3.8 ms with this, 4.7 ms with threadpoolctl's limit applied
# after start-up, measured at 1M events). OMP_NUM_THREADS set by the caller wins.
os.environ.setdefault("OMP_NUM_THREADS", "1")

from serving.cli import main

sys.exit(main())

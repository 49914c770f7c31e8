"""`python -m bench.interop` (`make interop`): run the round trip through doccano and Label Studio, write its
section of BENCHMARKS.md, and exit non-zero unless every span held in every tool."""

import os
import sys

from bench import bench_interop
from bench.__main__ import main

os.environ["INTEROP"] = "1"
main(["interop"])
sys.exit(0 if bench_interop.LAST_VERDICT else 1)

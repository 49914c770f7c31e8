"""Benchmark settings: the production settings on a scratch database chosen by BENCH_DATABASE_URL."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-key")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:///var/bench.sqlite3")

from annotator.settings import *  # noqa: E402,F403

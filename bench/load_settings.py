"""Settings of the server the load benchmark starts: the production settings plus the no-op baseline view."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_workbench"  # the project's URLs and /bench/noop/
ALLOWED_HOSTS = ["127.0.0.1"]

"""Benchmarks: each `bench/bench_<name>.py` has `run() -> str` returning a Markdown section.

`make bench` (python -m bench [name ...]) runs them and rewrites BENCHMARKS.md with the machine, the
versions and the command, then each section. Every section reports its figure beside a baseline measured in
the same run.
"""

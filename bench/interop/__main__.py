"""`python -m bench.interop` (`make interop`): run the round trip through doccano and Label Studio, write its
section (bench/results/interop.md and its place in BENCHMARKS.md), and exit non-zero unless every span held.

Only this section of BENCHMARKS.md is replaced: the rest of the file stays as it is, whatever run wrote it.
"""

import os
import sys
from pathlib import Path

from bench import bench_interop

REPO = Path(__file__).resolve().parents[2]
HEADING = "## Round trip through doccano and Label Studio"


def splice(document: str, section: str, following: list[str]) -> str:
    """Return the document with its round-trip section replaced by `section`, or `section` inserted before
    the first of the `following` headings present (else at the end)."""
    section = section.strip() + "\n"
    if HEADING in document:
        start = document.index(HEADING)
        end = document.find("\n## ", start + len(HEADING))
        return document[:start] + section + (document[end:] if end != -1 else "")
    for heading in following:
        if heading in document:
            index = document.index(heading)
            return document[:index] + section + "\n" + document[index:]
    return document.rstrip("\n") + "\n\n" + section


def main() -> int:
    os.environ["INTEROP"] = "1"
    section = bench_interop.run()
    print(section, flush=True)
    bench_interop.RESULTS.write_text(section.strip() + "\n")
    # The sections of the benches named after "interop", in BENCHMARKS.md's order (by name).
    results = sorted((REPO / "bench" / "results").glob("*.md"))
    following = [path.read_text().splitlines()[0] for path in results if path.stem > "interop"]
    benchmarks = REPO / "BENCHMARKS.md"
    benchmarks.write_text(splice(benchmarks.read_text(), section, following))
    return 0 if bench_interop.LAST_VERDICT else 1


if __name__ == "__main__":
    sys.exit(main())

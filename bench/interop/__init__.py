"""The round trip through doccano and Label Studio (see `bench/bench_interop.py`): the test data and its
exports (`fixture`), scratch installs and servers (`tools`), each tool's API (`doccano`, `label_studio`) and
the span-by-span comparison (`compare`)."""

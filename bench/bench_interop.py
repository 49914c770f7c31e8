"""Round trip through the real peer tools: our doccano and Label Studio exports imported into doccano 1.8.4
and Label Studio 1.23 through their APIs, read back and compared span by span with our database.

It installs both tools from PyPI into scratch virtual environments (`.interop/`, git-ignored) and runs
their servers on 127.0.0.1, so it runs only when asked: `make interop` (`python -m bench.interop`). A
plain `make bench` keeps the section of the last round trip as it is.

The steps: `bench.interop.fixture` stores three articles and twelve spans on a scratch SQLite database
with our own importer and span write path and downloads the exports from our API; each tool gets a fresh
data directory; each export goes into its own project; what the tool stored is compared with the spans our
database holds (`bench.interop.compare`): the text, the offsets in the unit the tool's labelling page
counts, what those offsets highlight, the label and the count.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.databases import run_child_on_scratch_sqlite
from bench.interop import compare, doccano, label_studio, tools
from bench.interop.fixture import EXPORTS
from bench.interop.http import HttpError

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "interop.md"
LABELS = ["reported_fact", "attributed_claim", "speculation", "boilerplate"]
# Whether the last round trip held for every target that should keep every span; read by `bench.interop`.
LAST_VERDICT: bool | None = None


def _short(text: str, width: int = 48) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _target(tool: str, version: str, setting: str, export: str, unit: str, ours: list[dict]) -> dict:
    return {"tool": tool, "version": version, "setting": setting, "export": export, "unit": unit,
            "ours": ours, "stored": [], "tool_said": "", "comparison": None, "error": ""}  # fmt: skip


def _run_doccano(work: Path, truth: list[dict], exports: dict) -> list[dict]:
    targets = []
    with doccano.Doccano(work) as tool:
        for name, settings in doccano.PROJECTS.items():
            keeps_all = settings["allow_overlapping"]
            export = "doccano" if settings["grapheme_mode"] else "doccano-utf16"
            if exports[export]["status"] != 200:  # an option our API lacks: the table shows the plain export
                export = "doccano"
            ours = truth if keeps_all else compare.kept_without_overlap(truth)
            target = _target("doccano", tool.version, name, export, doccano.unit(settings), ours)
            target["overlap_allowed"] = keeps_all
            if not keeps_all:
                target["refusal"] = exports["doccano-utf16-refuse"]
            project = tool.create_project(f"Provenance round trip ({name})", settings)
            try:
                result = tool.import_jsonl(project, exports[export]["body"].encode())
                target["stored"] = tool.stored_spans(project)
                errors = json.dumps(result.get("error", []), ensure_ascii=False)
                target["tool_said"] = f"{tool.example_count(project)} examples, errors: {errors}"
                imported = [json.loads(line) for line in exports[export]["body"].splitlines() if line.strip()]
                target["reexport"] = compare.doccano_lines_differ(imported, tool.export_jsonl(project))
            except (HttpError, RuntimeError) as error:
                target["error"] = str(error)
            targets.append(target)
    return targets


def _run_label_studio(work: Path, truth: list[dict], exports: dict) -> list[dict]:
    targets = []
    with label_studio.LabelStudio(work) as tool:
        for export, kind, how in (
            ("label-studio", "annotations", "API"),
            ("label-studio", "annotations", "import dialog"),
            ("label-studio-predictions", "predictions", "API"),
        ):
            target = _target("Label Studio", tool.version, f"labels config, as {kind}, by its {how}", export,
                             label_studio.UNIT, truth)  # fmt: skip
            target["overlap_allowed"] = True
            if exports[export]["status"] != 200:
                target["error"] = f"our API refused `{exports[export]['query']}`: {exports[export]['body']}"
                targets.append(target)
                continue
            project = tool.create_project(f"Provenance round trip ({kind}, {how})", LABELS)
            content = exports[export]["body"].encode()
            try:
                if how == "API":
                    summary = tool.import_tasks(project, content)
                else:
                    summary = tool.import_file_as_the_dialog_does(project, content)
                target["tool_said"] = (
                    f"{summary['task_count']} tasks, {summary['annotation_count']} annotations, "
                    f"{summary['prediction_count']} predictions"
                )
                target["stored"] = tool.stored_spans(project, kind=kind)
            except HttpError as error:
                detail = error.body
                with contextlib.suppress(json.JSONDecodeError, AttributeError):
                    detail = json.loads(error.body).get("detail", error.body)
                target["error"] = f"HTTP {error.status} `{_short(str(detail), 120)}`; no task created"
            targets.append(target)
    return targets


def measure(work: Path) -> dict:
    started, load = time.monotonic(), os.getloadavg()[0]
    fixture = run_child_on_scratch_sqlite("bench.interop.fixture", "interop")
    truth, exports = fixture["truth"], fixture["exports"]
    (work / "exports.json").write_text(json.dumps(fixture, ensure_ascii=False, indent=1))
    targets = []
    for run in (_run_doccano, _run_label_studio):
        try:
            targets += run(work, truth, exports)
        except (RuntimeError, OSError) as error:  # a tool that does not install or start: say so, go on
            name = {_run_doccano: "doccano", _run_label_studio: "Label Studio"}[run]
            targets.append({**_target(name, "(not run)", "", "", "", truth),
                            "error": f"could not run: {error}", "overlap_allowed": True})  # fmt: skip
    for target in targets:
        target["comparison"] = compare.compare(
            target["ours"], target["stored"], target["unit"] or "code points"
        )
        (work / f"stored-{target['tool']}-{target['setting']}.json".replace(" ", "_")).write_text(
            json.dumps(target["stored"], ensure_ascii=False, indent=1)
        )
    seconds = time.monotonic() - started
    return {"truth": truth, "exports": exports, "targets": targets, "seconds": seconds, "load": load}


def _verdict(target: dict) -> str:
    comparison, ours = target["comparison"], target["ours"]
    if target["error"]:
        return "**fails**: nothing stored"
    if comparison.holds and target["overlap_allowed"]:
        return "holds"
    if comparison.holds:
        # A target that cannot hold every span passes when our export, asked to, refuses and names them.
        if target["refusal"]["status"] == 400:
            return "holds for the spans it keeps; `overlap=refuse` names the others"
        return "**fails**: the spans it drops go unreported"
    return f"**fails**: {len(ours) - comparison.identical} of {len(ours)} differ"


def section(results: dict) -> str:
    truth, targets = results["truth"], results["targets"]
    versions = sorted({f"{t['tool']} {t['version']}" for t in targets})
    lines = [
        "## Round trip through doccano and Label Studio",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make interop` (`python -m bench.interop`, "
        f"never part of `make test` or CI) against {', '.join(versions)}, each installed from PyPI into "
        "a scratch virtual environment under `.interop/` and served on 127.0.0.1 from a scratch data "
        f"directory; {results['seconds']:.0f} s in all with the installs cached (load average "
        f"{results['load']:.1f} on {os.cpu_count()} cores when it started: a duration, not a measure). "
        "Our side: "
        f"{len({s['article'] for s in truth})} articles and {len(truth)} spans stored by our own "
        "importer and `annotator/spans.py` (an emoji outside the BMP inside one span and before others, "
        "accented words, two spans nested in others, two spans overlapping, two reviewers), exported by "
        "`GET /api/v1/export/spans` and imported through each tool's API (doccano: the upload endpoint "
        "and its import task; Label Studio: `POST /api/projects/<id>/import` with the tasks as its body, "
        "and as its import dialog sends them: a file upload, then `reimport`). Read back: doccano's spans "
        "per example, Label Studio's JSON export of the project. A span holds when the tool stored our "
        "article text, our label and offsets that, counted in the unit its labelling page uses, highlight "
        "exactly our quote (and Label Studio's own copy of the quote is ours too).",
        "",
        "| tool | project | our export | unit its page counts | tool's answer | spans stored / expected "
        "| identical | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for target in targets:
        comparison = target["comparison"]
        query = EXPORTS.get(target["export"], "")
        answer = target["error"] or target["tool_said"]
        lines.append(
            f"| {target['tool']} {target['version']} | {target['setting']} | `{query}` | {target['unit']} | "
            f"{_cell(_short(answer, 140))} | {comparison.stored_count} / {len(target['ours'])} | "
            f"{comparison.identical} | {_verdict(target)} |"
        )
    for target in targets:
        comparison = target["comparison"]
        if not target["overlap_allowed"]:
            dropped = [span for span in truth if span not in target["ours"]]
            lines += [
                "",
                f"{target['tool']}, {target['setting']} project: overlapping spans refused, so "
                f"{len(target['ours'])} of {len(truth)} can be kept; doccano drops the others without an "
                f"error ({target['tool_said'] or 'no answer'}): "
                + "; ".join(f"{s['label']} “{_short(s['quote'], 40)}”" for s in dropped)
                + ".",
            ]
            refusal = target["refusal"]
            answer = (
                f"answers {refusal['status']} `{_cell(_short(refusal['body'].strip(), 300))}`"
                if refusal["status"] != 200
                else "answers 200 and exports them anyway"
            )
            lines[-1] += f" Our export asked with `{refusal['query']}` {answer}."
        bad = [check for check in comparison.checks if not check.identical]
        if target["error"] or not bad and not comparison.extra:
            continue
        lines += ["", f"{target['tool']}, {target['setting']}: the spans that differ", "",
                  "| our span (code points) | label | what the tool stored |", "|---|---|---|"]  # fmt: skip
        for check in bad:
            span = check.ours
            lines.append(
                f"| {span['start']}–{span['end']} “{_cell(_short(span['quote'], 40))}” | {span['label']} | "
                f"{_cell('; '.join(check.problems))} |"
            )
        for extra in comparison.extra:
            lines.append(
                f"| none | {extra['label']} | {extra['start']}–{extra['end']}, shows "
                f"{_cell(repr(extra['shows']))} |"
            )
    for target in targets:
        if "reexport" in target:
            differences = target["reexport"]
            lines += [
                "",
                f"doccano's own JSONL export of the {target['setting']} project "
                + (
                    "equals the file we imported (each article's spans compared as a set)."
                    if not differences
                    else "differs from the file we imported: " + _cell("; ".join(differences)) + "."
                ),
            ]
    lines += [
        "",
        "Units, as each tool's own page code reads them: doccano stores the integers it is given, and its "
        "labelling page (the bundle in doccano's `backend/client/dist`) reads them as grapheme clusters "
        "when the project counts grapheme clusters, else as JavaScript string indices (UTF-16 code units); "
        "Label Studio 1.23.2's editor takes a text region's offsets in code points "
        "(`libs/editor/src/tags/object/RichText/model.js` in its bundled source map; its PR #1559). "
        "Grapheme clusters are counted here only for texts where every cluster is one code point (ours "
        "are: the emoji is U+1F30A, the accents precomposed); the check refuses any other text rather "
        "than count it wrongly.",
    ]
    return "\n".join(lines)


def run() -> str:
    global LAST_VERDICT
    if not os.environ.get("INTEROP"):
        print("   the round trip installs doccano and Label Studio from PyPI: run it by `make interop`; "
              "keeping the last results", flush=True)  # fmt: skip
        return (
            RESULTS.read_text()
            if RESULTS.exists()
            else "## Round trip through doccano and Label Studio\n\nNot run yet: `make interop`."
        )
    work = tools.INTEROP_DIR / "last-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"   logs and what each tool stored: {work}; SQLite {sqlite3.sqlite_version}", flush=True)
    results = measure(work)
    LAST_VERDICT = all(_verdict(target).startswith("holds") for target in results["targets"])
    return section(results)

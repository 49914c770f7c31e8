"""Label Studio 1.23: install it, start it, import our Label Studio export through its API, read back the
annotations (and predictions) it stored.

`label-studio start` runs on 127.0.0.1 with a scratch data directory and database, creating its first user
with a legacy API token given on the command line (`--user-token`, `--enable-legacy-api-token`), which
the API takes as `Authorization: Token ...`. The project's labelling config is the one our export's
documentation names: `<Labels name="label" toName="text">` over `<Text name="text" value="$text"/>`.
The file goes to `POST /api/projects/<id>/import` as a JSON body (the API) and as the import dialog sends it
(a file upload, then `reimport`); `GET /api/projects/<id>/export?exportType=JSON` and `/api/predictions`
read back what was stored.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from xml.sax.saxutils import quoteattr

from bench.interop import tools
from bench.interop.http import Client, free_port, wait_until_up

VERSION = "1.23.*"
REQUIREMENTS = [f"label-studio=={VERSION}"]
PYTHONS = ("3.12", "3.13", "3.11")
# Label Studio's text regions count code points since its frontend stopped storing JavaScript string
# indices (Label Studio PR #1559, "Store code points instead of js length").
UNIT = "code points"


def labelling_config(labels: list[str]) -> str:
    choices = "".join(f"<Label value={quoteattr(label)}/>" for label in labels)
    return (
        f'<View><Labels name="label" toName="text">{choices}</Labels><Text name="text" value="$text"/></View>'
    )


class LabelStudio:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.log = work / "label-studio.log"
        self.bin = tools.venv("label-studio", PYTHONS, REQUIREMENTS, self.log)
        self.version = tools.version_of(self.bin, "label-studio")
        self.data = work / "label-studio-data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.token = secrets.token_hex(20)
        self.process: tools.Process | None = None

    def __enter__(self) -> LabelStudio:
        port = free_port()
        self.process = tools.Process(
            [str(self.bin / "label-studio"), "start", "--no-browser", "--internal-host", "127.0.0.1",
             "--port", str(port), "--data-dir", str(self.data), "--database", str(self.data / "ls.sqlite3"),
             "--username", "admin@interop.example", "--password", secrets.token_urlsafe(16),
             "--user-token", self.token, "--enable-legacy-api-token"],
            env={"LABEL_STUDIO_BASE_DATA_DIR": str(self.data), "COLLECT_ANALYTICS": "false"},
            log=self.log,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            # The first start migrates a fresh database: minutes on a busy machine.
            wait_until_up(f"{base}/health", self.process.popen, timeout=600, log=str(self.log))
        except BaseException:
            self.__exit__()
            raise
        self.api = Client(base, f"Token {self.token}")
        return self

    def __exit__(self, *exc) -> None:
        if self.process:
            self.process.stop()

    def create_project(self, title: str, labels: list[str]) -> int:
        return self.api.post_json(
            "/api/projects", {"title": title, "label_config": labelling_config(labels)}
        )["id"]

    def import_tasks(self, project: int, content: bytes) -> dict:
        """Import a JSON task file as the import dialog sends it; return Label Studio's summary."""
        return self.api.request("POST", f"/api/projects/{project}/import", body=content,
                                content_type="application/json")  # fmt: skip

    def import_file_as_the_dialog_does(self, project: int, content: bytes) -> dict:
        """Import a JSON task file as the import dialog does: upload it without creating tasks
        (`commit_to_project=false`), then `POST /api/projects/<id>/reimport` with the upload's id, which
        creates them; return Label Studio's summary."""
        uploaded = self.api.post_file(f"/api/projects/{project}/import?commit_to_project=false", "file",
                                      "tasks.json", content, "application/json")  # fmt: skip
        return self.api.post_json(
            f"/api/projects/{project}/reimport",
            {"file_upload_ids": uploaded["file_upload_ids"], "files_as_tasks_list": False},
        )

    def stored_spans(self, project: int, *, kind: str = "annotations") -> list[dict]:
        """Return every `labels` region of the project's annotations (or predictions) with its task's
        text. The JSON export holds annotations whole but predictions as ids, so those are read from
        `/api/predictions`."""
        tasks = self.api.get(f"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true")
        texts = {task["id"]: task["data"]["text"] for task in tasks}
        if kind == "predictions":
            results = [(p["task"], p["result"]) for p in self.api.get(f"/api/predictions?project={project}")]
        else:
            results = [(task["id"], a["result"]) for task in tasks for a in task["annotations"]]
        spans = []
        for task, result in results:
            for region in result:
                if region.get("type") != "labels":
                    continue
                value = region["value"]
                for label in value["labels"]:
                    spans.append(
                        {"text": texts[task], "start": value["start"], "end": value["end"], "label": label,
                         "quote": value.get("text")}
                    )  # fmt: skip
        return spans

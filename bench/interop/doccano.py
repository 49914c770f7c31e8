"""doccano 1.8.4: install it, start it, import our doccano export through its API, read back its spans.

doccano's web server and its task queue (Celery, which runs the imports) both run from a scratch
DOCCANO_HOME; the web server is doccano's own Django app under gunicorn bound to 127.0.0.1 (`doccano
webserver` would bind every interface). The import is the browser's: the file goes to the upload endpoint
(django-drf-filepond), then `POST /v1/projects/<id>/upload` queues the import and
`/v1/tasks/status/<task>` says when it finished and which lines it refused.
"""

from __future__ import annotations

import io
import json
import secrets
import time
import zipfile
from pathlib import Path

from bench.interop import tools
from bench.interop.http import Client, free_port, wait_until_up

VERSION = "1.8.4"
# doccano 1.8.4 (2023) leaves two dependencies of its dependencies open: environs 9 reads
# `marshmallow.__version_info__`, gone in marshmallow 4, and pandas 1.5 is built against numpy 1.
REQUIREMENTS = [f"doccano=={VERSION}", "marshmallow<4", "numpy<2"]
PYTHONS = ("3.11", "3.10")  # its pandas < 2 has no wheels for 3.12

# The two projects of the round trip: settings that keep every span, and doccano's defaults.
PROJECTS = {
    "overlap + graphemes": {"allow_overlapping": True, "grapheme_mode": True},
    "default": {"allow_overlapping": False, "grapheme_mode": False},
}


def unit(settings: dict) -> str:
    """The unit doccano's labelling page counts offsets in for a project: grapheme clusters when the
    project says so, else JavaScript string indices (UTF-16 code units)."""
    return "graphemes" if settings["grapheme_mode"] else "utf16"


class Doccano:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.log = work / "doccano.log"
        self.bin = tools.venv("doccano", PYTHONS, REQUIREMENTS, self.log)
        self.version = tools.version_of(self.bin, "doccano")
        home = work / "doccano-home"
        home.mkdir(parents=True, exist_ok=True)
        self.env = {
            "DOCCANO_HOME": str(home),
            "STANDALONE": "True",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}",
            "MEDIA_ROOT": str(home / "media"),
            "DEBUG": "False",
        }
        self.password = secrets.token_urlsafe(16)
        self.processes: list[tools.Process] = []

    def __enter__(self) -> Doccano:
        doccano = str(self.bin / "doccano")
        tools.run([doccano, "init"], env=self.env, log=self.log)
        tools.run([doccano, "createuser", "--username", "admin", "--password", self.password], env=self.env,
                  log=self.log)  # fmt: skip
        backend = next((self.bin.parent / "lib").glob("python3.*/site-packages/backend"))
        port = free_port()
        try:
            web = tools.Process([str(self.bin / "python"), "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                                 "--workers", "1", "--chdir", str(backend), "config.wsgi"],
                                env=self.env, log=self.log)  # fmt: skip
            self.processes.append(web)
            self.processes.append(
                tools.Process([doccano, "task", "--concurrency", "1"], env=self.env, log=self.log)
            )
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/v1/health/", web.popen, timeout=120, log=str(self.log))
            key = Client(base).post_json("/v1/auth/login/", {"username": "admin", "password": self.password})
            self.api = Client(base, f"Token {key['key']}")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for process in reversed(self.processes):
            process.stop()

    def create_project(self, name: str, settings: dict) -> int:
        project = self.api.post_json(
            "/v1/projects",
            {"name": name, "description": "Provenance round trip", "guideline": "", "project_type":
             "SequenceLabeling", "resourcetype": "SequenceLabelingProject", **settings},
        )  # fmt: skip
        stored = {key: project[key] for key in settings}
        if stored != settings:
            raise RuntimeError(f"doccano stored the project settings {stored}, not {settings}")
        return project["id"]

    def _wait(self, task: str, what: str, timeout: float) -> object:
        """Wait for a queued doccano task; return its result."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.api.get(f"/v1/tasks/status/{task}")
            if status["ready"]:
                if status["error"]:
                    raise RuntimeError(f"doccano's {what} failed: {status['error']}")
                return status["result"]
            time.sleep(0.5)
        raise RuntimeError(f"doccano's {what} did not finish within {timeout:.0f} s; see {self.log}")

    def export_jsonl(self, project: int, timeout: float = 180) -> list[dict]:
        """Return the lines of doccano's own JSONL export of the project, as its export dialog makes it."""
        queued = self.api.post_json(
            f"/v1/projects/{project}/download", {"format": "JSONL", "exportApproved": False}
        )
        self._wait(queued["task_id"], "export", timeout)
        archive = self.api.request(
            "GET", f"/v1/projects/{project}/download?taskId={queued['task_id']}", raw=True
        )
        with zipfile.ZipFile(io.BytesIO(archive)) as files:
            [name] = [name for name in files.namelist() if name.endswith(".jsonl")]
            return [json.loads(line) for line in files.read(name).decode().splitlines() if line.strip()]

    def import_jsonl(self, project: int, content: bytes, timeout: float = 180) -> dict:
        """Import a JSONL file as the upload dialog does; return the finished task's result (its errors)."""
        upload = self.api.post_file("/v1/fp/process/", "filepond", "spans.jsonl", content, "application/json")
        queued = self.api.post_json(
            f"/v1/projects/{project}/upload",
            {"format": "JSONL", "task": "SequenceLabeling", "uploadIds": [upload], "column_data": "text",
             "column_label": "label", "delimiter": "", "encoding": "utf_8"},
        )  # fmt: skip
        return self._wait(queued["task_id"], "import", timeout)

    def stored_spans(self, project: int) -> list[dict]:
        """Return every span of the project as doccano stores it, with its example's text."""
        labels = {label["id"]: label["text"] for label in self.api.get(f"/v1/projects/{project}/span-types")}
        spans, offset, page_size = [], 0, 100
        while True:
            page = self.api.get(f"/v1/projects/{project}/examples?limit={page_size}&offset={offset}")
            for example in page["results"]:
                for span in self.api.get(f"/v1/projects/{project}/examples/{example['id']}/spans"):
                    spans.append(
                        {"text": example["text"], "start": span["start_offset"], "end": span["end_offset"],
                         "label": labels[span["label"]]}
                    )  # fmt: skip
            offset += page_size
            if not page["next"]:
                break
        return spans

    def example_count(self, project: int) -> int:
        return self.api.get(f"/v1/projects/{project}/examples?limit=1")["count"]

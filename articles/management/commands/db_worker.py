from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from articles import worker


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background worker. It first fails the tasks left running by a worker that died and queues "
        "reuse detection for every article not scanned yet."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker.new_worker_id())

    def handle(self, *args, worker_id: str, **options) -> None:
        recovery = worker.recover(current_worker=worker_id)
        for result in recovery.failed:
            self.stdout.write(f"Task {result.id} ({result.task_path}) failed: its worker had stopped.")
        if recovery.queued:
            self.stdout.write(f"Queued reuse detection for {len(recovery.queued):,} unscanned articles.")
        super().handle(*args, worker_id=worker_id, **options)

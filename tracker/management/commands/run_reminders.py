"""The scheduler: `send_due_reminders` once a minute, until stopped (Ctrl+C or SIGTERM).

Runs beside the task worker (`manage.py db_worker`): `make run` starts both with the web server
(fsgs_portal/Procfile.dev). Safe to run on several servers at once (the work it does is
idempotent), though one is enough."""

import signal
import threading
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tracker.management.commands.send_due_reminders import send_due_reminders


class Command(BaseCommand):
    help = "Run send_due_reminders every minute (the reminders scheduler)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60, help="seconds between runs")
        parser.add_argument("--runs", type=int, default=0, help="stop after this many (0: never)")

    def handle(self, *args, interval, runs, **options):
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        done = 0
        while not stop.is_set():
            started = time.monotonic()
            close_old_connections()
            try:
                recorded, enqueued = send_due_reminders()
                if enqueued:
                    self.stdout.write(f"{recorded} reminders recorded, {enqueued} enqueued")
            except Exception as error:  # the database is down: try again next minute
                self.stderr.write(f"send_due_reminders failed: {type(error).__name__}: {error}")
            done += 1
            if runs and done >= runs:
                break
            stop.wait(max(0.0, interval - (time.monotonic() - started)))

"""Measure the portal's hot paths beside floors taken in the same run.

Figures are medians; each later figure is printed with its ratio to a floor (a bare Django view
through the full middleware stack, or WeasyPrint rendering a one-line page), so results can be
compared across machines. Budgets: DESIGN.md "Performance budgets".
"""

import statistics
import time

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from fsgs_portal import urls as portal_urls
from fsgs_portal.pdf import render_pdf


@login_not_required
def bare_view(request):
    return HttpResponse("ok")


# The portal's own patterns at the top level: Django allows language-prefixed (guide) patterns
# only there, not inside include().
urlpatterns = [path("bench/bare/", bare_view), *portal_urls.urlpatterns]


class QueryCounter:
    """Counts the SQL statements run while installed with connection.execute_wrapper()."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def five_year_csv(end, days: int = 5 * 366) -> str:
    """A diary CSV in the export's columns: a full day and a blood pressure reading on each of
    `days` days up to `end` (issue #12's 1,830-row file)."""
    from datetime import time, timedelta
    from decimal import Decimal

    from tracker import exports

    rows = []
    for number in range(days):
        on = end - timedelta(days=number)
        day = {
            "weight_kg": Decimal("68.4") + Decimal(number % 30) / 10,
            "temperature_c": Decimal("36.8"),
            "foam": number % 4,
            "swelling_legs": number % 3,
            "less_urine": number % 11 == 0,
            "medicines_taken": "all",
            "note": 'tired, "a bit" swollen' if number % 5 == 0 else "",
        }
        reading = exports.Reading(time(8, 0), 118 + number % 15, 78, 70)
        rows.append(exports.DayRow(on, day, [reading]))
    return exports.to_csv(rows)


def median_seconds(action, repeat: int) -> float:
    action()  # warm-up: imports, template and font caches
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


class Command(BaseCommand):
    help = "Print benchmark figures (median ms or s) with ratios to floors measured in this run."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=50, help="runs per page figure")
        parser.add_argument("--pdf-repeat", type=int, default=5, help="runs per PDF figure")
        parser.add_argument(
            "--profile-pdf",
            type=int,
            metavar="DAYS",
            help="instead: cProfile one summary PDF of DAYS days and print its top lines",
        )
        parser.add_argument(
            "--reminder-users", type=int, default=10_000, help="users seeded for due reminders"
        )

    def handle(self, *args, repeat, pdf_repeat, reminder_users: int, profile_pdf=None, **options):
        if profile_pdf:
            self.profile_summary_pdf(profile_pdf)
            return
        users = reminder_users
        # No setup_test_environment(): it instruments every template render so the test client
        # can keep a copy of each context, which would make pages look far slower than they are.
        with override_settings(
            ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False
        ):
            self.floors(repeat, pdf_repeat)
            self.guides(repeat)
            self.diary_and_trends(repeat)
            self.visit_summary(repeat, pdf_repeat)
            self.csv_import(pdf_repeat)
            self.due_reminders(users)

    def line(self, name: str, value: str, ratio: float | None = None, extra: str = ""):
        ratio_text = f"  ×{ratio:.1f} floor" if ratio is not None else ""
        self.stdout.write(f"{name:<44} {value:>12}{ratio_text}{('  ' + extra) if extra else ''}")

    def floors(self, repeat: int, pdf_repeat: int):
        factory = RequestFactory()
        bare_direct = median_seconds(lambda: bare_view(factory.get("/bench/bare/")), repeat)
        client = Client()
        bare_stack = median_seconds(lambda: client.get("/bench/bare/"), repeat)
        # A whole document (language and title), as PDF/UA asks of every PDF the portal makes.
        floor_document = '<html lang="en"><title>Floor</title><p>One line.</p></html>'
        pdf_floor = median_seconds(lambda: render_pdf(floor_document), pdf_repeat)
        self.stdout.write("Floors")
        self.line("floor: bare view, called directly", f"{bare_direct * 1000:.3f} ms")
        self.line("floor: bare view, full middleware stack", f"{bare_stack * 1000:.3f} ms")
        self.line("floor: WeasyPrint one-line page", f"{pdf_floor:.3f} s")
        self.floor_view_seconds = bare_stack
        self.floor_pdf_seconds = pdf_floor

    def page_figure(self, client: Client, name: str, url: str, repeat: int):
        """Median server time and query count of one GET, with its ratio to the view floor.

        Counted on a second request: the first after log-in also slides the session."""
        client.get(url, secure=True)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}; is the data loaded?")
        seconds = median_seconds(lambda: client.get(url, secure=True), repeat)
        self.line(
            name,
            f"{seconds * 1000:.2f} ms",
            seconds / self.floor_view_seconds,
            f"{queries.count} queries",
        )

    def guides(self, repeat: int):
        from education.models import Guide

        guide = Guide.objects.filter(language="en").order_by("-word_count").first()
        if guide is None:
            raise CommandError("No guides loaded: run `python manage.py load_guides` first.")
        self.stdout.write("Guides")
        client = Client()
        self.page_figure(
            client, f"guide page ({guide.slug}, longest)", guide.get_absolute_url(), repeat
        )
        self.page_figure(client, "guide index", "/learn/", repeat)
        self.page_figure(
            client, "search (plasma exchange)", "/learn/search/?q=plasma+exchange", repeat
        )

    def diary_and_trends(self, repeat: int):
        """The demo patient's diary and trends pages (seed_demo: a year of days)."""
        from fsgs_portal.management.commands.seed_demo import DEFAULT_EMAIL
        from tracker.models import Patient

        patient = Patient.objects.filter(
            access__user__email=DEFAULT_EMAIL, access__role="owner"
        ).first()
        if patient is None:
            self.stdout.write("Diary and trends: no demo patient (run `manage.py seed_demo`).")
            return
        days = patient.diary_days.count()
        self.stdout.write(f"Diary and trends (demo patient, {days} diary days)")
        client = Client()
        client.force_login(
            patient.access.get(role="owner").user,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        base = f"/patients/{patient.public_id}"
        # Signed-in pages save the session on every request (sliding idle time-out): a floor.
        signed_in = median_seconds(lambda: client.get("/bench/bare/", secure=True), repeat)
        self.line(
            "floor: bare view, signed in",
            f"{signed_in * 1000:.2f} ms",
            signed_in / self.floor_view_seconds,
        )
        self.page_figure(client, "diary page", f"{base}/diary/", repeat)
        self.page_figure(client, "trends page, 28 days", f"{base}/trends/?days=28", repeat)
        self.page_figure(client, "trends page, 365 days", f"{base}/trends/?days=365", repeat)
        self.cold_page_figure(
            client, "trends page, 365 days, charts drawn", f"{base}/trends/?days=365", repeat
        )

    def cold_page_figure(self, client: Client, name: str, url: str, repeat: int):
        """A page's median time with its digest cache (tracker.caching) cleared before each GET."""

        def uncached():
            cache.clear()
            return client.get(url, secure=True)

        seconds = median_seconds(uncached, max(repeat // 5, 3))
        self.line(name, f"{seconds * 1000:.2f} ms", seconds / self.floor_view_seconds)

    def visit_summary(self, repeat: int, pdf_repeat: int):
        """The summary PDF for 31, 90 and 365 days (median s, peak MB) and the summary page.

        Budgets (DESIGN.md): 31 days ≤ 0.4 s, 365 days ≤ 0.8 s, peak memory ≤ 250 MB. The PDF is
        timed as the view makes it (context, template, WeasyPrint) without recording the print.
        """
        import resource
        import tracemalloc
        from datetime import timedelta

        from fsgs_portal.management.commands.seed_demo import DEFAULT_EMAIL
        from tracker.models import Patient
        from tracker.summary import build_summary, render_summary_pdf

        patient = Patient.objects.filter(access__user__email=DEFAULT_EMAIL).first()
        self.stdout.write("Visit summary")
        if patient is None:
            self.stdout.write("  skipped: no demo patient (run `python manage.py seed_demo`)")
            return
        end = patient.today()
        budgets = {31: 0.4, 90: None, 365: 0.8}
        timed = {}
        for days, budget in budgets.items():
            start = end - timedelta(days=days - 1)

            def make_pdf(start=start):
                cache.clear()  # cold: the charts drawn every time (the page may have drawn them)
                summary = build_summary(patient, start, end, today=end, printed_by="bench")
                return render_summary_pdf(summary)

            seconds = timed[days] = median_seconds(make_pdf, pdf_repeat)
            tracemalloc.start()
            make_pdf()
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            verdict = ""
            if budget is not None:
                verdict = f"  budget {budget} s: {'ok' if seconds <= budget else 'OVER'}"
            self.line(
                f"summary PDF, {days} days",
                f"{seconds:.3f} s",
                seconds / self.floor_pdf_seconds,
                f"peak {peak / 2**20:.1f} MB (Python heap){verdict}",
            )
        # Issue #13: the work should grow with what is drawn, not with the days.
        self.line(
            "summary PDF, 365 days / 31 days",
            f"×{timed[365] / timed[31]:.2f}",
            extra="goal ≤ ×1.5 (the year draws three more charts and a second page)",
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
        self.line(
            "process peak RSS so far",
            f"{rss:.0f} MB",
            extra=f"budget 250 MB: {'ok' if rss <= 250 else 'OVER'}",
        )
        client = Client()
        user = patient.access.filter(role="owner").first().user
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        url = f"/patients/{patient.public_id}/summary/"
        for days in (28, 365):
            start = end - timedelta(days=days - 1)
            self.page_figure(
                client,
                f"summary page, {days} days",
                f"{url}?start={start.isoformat()}&end={end.isoformat()}",
                repeat,
            )
        # As trends: the charts and alerts are cached under a digest of their data.
        year = f"{url}?start={(end - timedelta(days=364)).isoformat()}&end={end.isoformat()}"
        self.cold_page_figure(client, "summary page, 365 days, charts drawn", year, repeat)

    def profile_summary_pdf(self, days: int, lines: int = 25):
        """Where a summary PDF's time goes: build_summary (queries, rules, chart builders), the
        print template, WeasyPrint's layout (layout/) and its drawing of the charts (svg/)."""
        import cProfile
        import io
        import pstats
        from datetime import timedelta
        from pathlib import Path

        import weasyprint
        from django.conf import settings

        from fsgs_portal.management.commands.seed_demo import DEFAULT_EMAIL
        from tracker.models import Patient
        from tracker.summary import build_summary, render_summary_pdf

        base_dir = settings.BASE_DIR
        patient = Patient.objects.filter(access__user__email=DEFAULT_EMAIL).first()
        if patient is None:
            raise CommandError("No demo patient: run `python manage.py seed_demo` first.")
        end = patient.today()
        start = end - timedelta(days=days - 1)

        def make_pdf():
            cache.clear()  # cold, as the PDF figures: the charts and alerts worked out too
            summary = build_summary(patient, start, end, today=end, printed_by="bench")
            return render_summary_pdf(summary)

        make_pdf()  # warm: fonts, stylesheets, templates
        profile = cProfile.Profile()
        profile.runcall(make_pdf)
        prefixes = {str(Path(weasyprint.__file__).parent.parent) + "/": "", f"{base_dir}/": ""}
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(lines)
            text = out.getvalue()
            for prefix, short in prefixes.items():
                text = text.replace(prefix, short)
            self.stdout.write(text)

    def csv_import(self, repeat: int):
        """Importing a 5-year diary CSV (1,830 days, each with a reading) into a new patient, in
        a transaction rolled back after each run. Budget (issue #12): well under 1 s."""
        from django.contrib.auth import get_user_model
        from django.db import transaction

        from tracker import importer
        from tracker.models import CareAccess, Patient, Role

        text = five_year_csv(yesterday_utc())
        self.stdout.write("CSV import")

        def run_import():
            with transaction.atomic():
                user = get_user_model().objects.create_user(
                    email="bench-import@example.org", password=None
                )
                patient = Patient.objects.create(display_name="Bench import")
                CareAccess.objects.create(user=user, patient=patient, role=Role.OWNER)
                result = importer.import_rows(patient, user, text)
                if result.problems or len(result.saved) != text.count("\n") - 1:
                    raise CommandError(f"the bench file did not import: {result.problems[:3]}")
                transaction.set_rollback(True)

        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            run_import()  # also the warm-up
        timings = []
        for _ in range(max(repeat, 1)):
            started = time.perf_counter()
            run_import()
            timings.append(time.perf_counter() - started)
        seconds = statistics.median(timings)
        self.line(
            "import 5-year CSV (1,830 rows)",
            f"{seconds:.3f} s",
            seconds / self.floor_view_seconds,
            f"{queries.count} queries  budget 1 s: {'ok' if seconds <= 1 else 'OVER'}",
        )

    def due_reminders(self, users: int):
        """Finding the reminders due at one minute for `users` people, each with a diary,
        a tapering medicine and a lab result, seeded in a transaction rolled back afterwards.
        The query count must not grow with the number of users (issue #14)."""
        from django.db import transaction
        from django.utils import timezone

        from tracker import reminder_queue

        self.stdout.write("Reminders")
        now = timezone.now().replace(second=0, microsecond=0)
        with transaction.atomic():
            seed_reminder_users(users, now)
            queries = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(queries):
                found = reminder_queue.find_due(now)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        self.line(
            f"find due reminders, {users:,} users",
            f"{seconds:.3f} s",
            seconds / self.floor_view_seconds,
            f"{queries.count} queries, {len(found):,} due",
        )


def seed_reminder_users(count: int, now) -> None:
    """`count` users, each owning a diary in a zone of their own with every reminder on at the
    minute of `now` (UTC), a prednisone taper and a lab result: bulk inserts, a few seconds."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password

    from fsgs_portal.accounts.models import User
    from tracker.models import (
        CareAccess,
        DoseStep,
        LabResult,
        Medication,
        Patient,
        ReminderSettings,
        Role,
    )

    zones = ["UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
    tag = now.strftime("%Y%m%d%H%M%S")
    unusable = make_password(None)  # no one logs in as these
    users = User.objects.bulk_create(
        [
            User(email=f"bench-reminders-{tag}-{n}@example.org", password=unusable)
            for n in range(count)
        ],
        batch_size=1000,
    )
    patients = Patient.objects.bulk_create(
        [Patient(display_name=f"Bench {n}", time_zone=zones[n % len(zones)]) for n in range(count)],
        batch_size=1000,
    )
    CareAccess.objects.bulk_create(
        [
            CareAccess(user=user, patient=patient, role=Role.OWNER)
            for user, patient in zip(users, patients, strict=True)
        ],
        batch_size=1000,
    )
    settings_rows, medications = [], []
    for user, patient in zip(users, patients, strict=True):
        local = now.astimezone(patient.tz)
        settings_rows.append(
            ReminderSettings(
                user=user,
                patient=patient,
                diary_enabled=True,
                diary_time=local.time(),
                medicine_times=[local.strftime("%H:%M")],
                taper_enabled=True,
                labs_every_weeks=4,
                notice_time=local.time(),
            )
        )
        medications.append(
            Medication(
                patient=patient,
                name="Prednisone",
                purpose="steroid",
                started_on=local.date() - timedelta(days=20),
            )
        )
    ReminderSettings.objects.bulk_create(settings_rows, batch_size=1000)
    Medication.objects.bulk_create(medications, batch_size=1000)
    DoseStep.objects.bulk_create(
        [
            DoseStep(medication=medication, starts_on=medication.started_on + offset, dose=dose)
            for medication in medications
            for offset, dose in ((timedelta(0), 30), (timedelta(days=21), 25))
        ],
        batch_size=1000,
    )
    LabResult.objects.bulk_create(
        [
            LabResult(
                patient=patient,
                date=now.astimezone(patient.tz).date() - timedelta(weeks=4),
                kind="upcr",
                value_entered=1,
                unit_entered="g/g",
                value=1,
            )
            for patient in patients
        ],
        batch_size=1000,
    )


def yesterday_utc():
    """A day in the past for a patient in any time zone (the bench patient's is UTC)."""
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now().date() - timedelta(days=1)

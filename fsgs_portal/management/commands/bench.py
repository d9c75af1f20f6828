"""Measure the portal's hot paths beside floors taken in the same run.

Figures are medians; each later figure is printed with its ratio to a floor (a bare Django view
through the full middleware stack, or WeasyPrint rendering a one-line page), so results can be
compared across machines. Budgets: DESIGN.md "Performance budgets".
"""

import statistics
import time

from django.contrib.auth.decorators import login_not_required
from django.core.management.base import BaseCommand
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import setup_test_environment, teardown_test_environment
from django.urls import path

from fsgs_portal.pdf import render_pdf


@login_not_required
def bare_view(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare_view)]


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

    def handle(self, *args, repeat, pdf_repeat, **options):
        setup_test_environment()
        try:
            with override_settings(
                ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False
            ):
                self.floors(repeat, pdf_repeat)
        finally:
            teardown_test_environment()

    def line(self, name: str, value: str, ratio: float | None = None, extra: str = ""):
        ratio_text = f"  ×{ratio:.1f} floor" if ratio is not None else ""
        self.stdout.write(f"{name:<44} {value:>12}{ratio_text}{('  ' + extra) if extra else ''}")

    def floors(self, repeat: int, pdf_repeat: int):
        factory = RequestFactory()
        bare_direct = median_seconds(lambda: bare_view(factory.get("/bench/bare/")), repeat)
        client = Client()
        bare_stack = median_seconds(lambda: client.get("/bench/bare/"), repeat)
        pdf_floor = median_seconds(lambda: render_pdf("<p>One line.</p>"), pdf_repeat)
        self.stdout.write("Floors")
        self.line("floor: bare view, called directly", f"{bare_direct * 1000:.3f} ms")
        self.line("floor: bare view, full middleware stack", f"{bare_stack * 1000:.3f} ms")
        self.line("floor: WeasyPrint one-line page", f"{pdf_floor:.3f} s")
        self.floor_view_seconds = bare_stack
        self.floor_pdf_seconds = pdf_floor

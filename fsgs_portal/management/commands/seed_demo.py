"""Create (or reset) the demo account: a patient with a realistic diary to explore the portal."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fsgs_portal.accounts.models import User
from tracker.models import CareAccess, FsgsType, Patient, Role

DEFAULT_EMAIL = "demo@fsgs-portal.example"
DEFAULT_PASSWORD = "demo-kidney-diary-2026"  # noqa: S105  (documented demo log-in)
DEFAULT_DAYS = 365


class Command(BaseCommand):
    help = (
        "Create or reset the demo user and patient. Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default=DEFAULT_EMAIL)
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days of diary data")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, email, password, days, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo makes a demo account with a known password; with DEBUG off, "
                "pass --force if you really mean it."
            )
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        with transaction.atomic():
            patient = self.reset_demo(email.lower(), password)
        self.stdout.write(
            self.style.SUCCESS(f"Demo log-in: {email.lower()} / {password} (patient: {patient})")
        )

    def reset_demo(self, email: str, password: str) -> Patient:
        user = User.objects.filter(email=email).first()
        if user:
            owned = CareAccess.objects.filter(user=user, role=Role.OWNER).values("patient")
            Patient.objects.filter(pk__in=owned).delete()
        else:
            user = User(email=email)
        user.name = "Sam (demo)"
        user.is_active = True
        user.set_password(password)
        user.save()
        patient = Patient.objects.create(
            display_name="Alex Rivera (demo)",
            birth_date="1987-04-12",
            sex="female",
            fsgs_type=FsgsType.PRIMARY,
            biopsy_date="2024-03-05",
            care_team_phone="+1 555 0100",
            time_zone="America/New_York",
        )
        CareAccess.objects.create(user=user, patient=patient, role=Role.OWNER)
        return patient

"""Create (or reset) the demo account: a patient with a realistic diary to explore the portal.

The year tells one story, counted back from the patient's today (so `--days N` keeps its last N
days, and more than a year starts with a stable stretch):

- about 300 days ago, a relapse: weight up about 5 kg in two weeks, swelling, foam, dipstick
  3+ and 4+ for weeks, higher blood pressure; a relapse event and a nephrotic-range UPCR;
- prednisone 60 mg from 282 days ago, with a diuretic while swollen, then a taper by dated
  steps to a stop about 100 days ago; a statin from the relapse on;
- the dipstick falls to negative or trace (a possible-remission run) and a lab UPCR below
  0.3 g/g confirms a complete remission;
- an infection with fever while on steroids, a week away without entries, days missed now and
  then, and a small one-day weight gain three days ago so the diary shows an alert;
- labs every 4 to 8 weeks (UPCR, albumin, creatinine, sometimes cholesterol), in US units.

Deterministic: one seeded random generator; the same today gives the same data.
"""

import random
from datetime import date, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from fsgs_portal.accounts.models import User
from tracker import units
from tracker.models import (
    BloodPressure,
    CareAccess,
    DiaryDay,
    DoseStep,
    Event,
    FsgsType,
    LabResult,
    Medication,
    Patient,
    Purpose,
    Question,
    QuestionStatus,
    Role,
)

DEFAULT_EMAIL = "demo@fsgs-portal.example"
DEFAULT_PASSWORD = "demo-kidney-diary-2026"  # noqa: S105  (documented demo log-in)
PARTNER_EMAIL = "demo-partner@fsgs-portal.example"
DEFAULT_DAYS = 365
SEED = 20250310

# The story, in days before today.
RELAPSE_START = 300  # weight starts to climb
STEROID_START = 282
DIURETIC_STOP = 240
REMISSION_BY = 228  # dipstick negative or trace from here on
TAPER = [  # (days before today, prednisone mg a day)
    (226, "50"),
    (212, "40"),
    (198, "30"),
    (184, "25"),
    (170, "20"),
    (156, "15"),
    (142, "10"),
    (128, "7.5"),
    (114, "5"),
]
STEROID_STOP = 100
INFECTION = 150
AWAY = range(60, 53, -1)  # a week without entries
SALTY_DAY = 3
RECENT_COMPLETE = 6
BASE_WEIGHT_KG = 68.0
RELAPSE_FLUID_KG = 4.9


class Command(BaseCommand):
    help = (
        "Create or reset the demo user and patient with a year of diary data. "
        "Refuses to run with DEBUG off unless --force."
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
            user, patient = self.reset_demo(email.lower(), password)
            counts = DemoStory(patient, user, partner(patient), days).write()
        self.stdout.write(
            self.style.SUCCESS(f"Demo log-in: {email.lower()} / {password} (patient: {patient})")
        )
        self.stdout.write(
            f"{counts['days']} diary days, {counts['blood_pressures']} blood pressure readings, "
            f"{counts['labs']} lab results, medicines: {counts['medications']}"
        )

    def reset_demo(self, email: str, password: str) -> tuple[User, Patient]:
        user = User.objects.filter(email=email).first()
        if user:
            owned = CareAccess.objects.filter(user=user, role=Role.OWNER).values("patient")
            Patient.objects.filter(pk__in=owned).delete()
        else:
            user = User(email=email)
        user.name = "Sam (demo)"
        user.is_active = True
        user.email_confirmed_at = user.email_confirmed_at or timezone.now()  # ready to log in
        user.set_password(password)
        user.save()
        patient = Patient.objects.create(
            display_name="Alex Rivera (demo)",
            birth_date=date(1987, 4, 12),
            sex="female",
            fsgs_type=FsgsType.PRIMARY,
            biopsy_date=date(2024, 3, 5),
            care_team_phone="+1 555 0100",
            clinic_number="12345",
            time_zone="America/New_York",
            weight_unit="lb",
            upcr_unit="mg/g",
            temperature_unit="F",
        )
        CareAccess.objects.create(user=user, patient=patient, role=Role.OWNER)
        return user, patient


def partner(patient: Patient) -> User:
    """A caregiver who logs some days (no password: the entries only show who wrote them)."""
    user, created = User.objects.get_or_create(
        email=PARTNER_EMAIL,
        defaults={"name": "Jordan (demo partner)", "email_confirmed_at": timezone.now()},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    CareAccess.objects.create(user=user, patient=patient, role=Role.EDIT)
    return user


class DemoStory:
    """Writes the story's rows for the last `days` days, with bulk inserts."""

    def __init__(self, patient: Patient, user: User, partner: User, days: int):
        self.patient, self.user, self.partner, self.days = patient, user, partner, days
        self.today = patient.today()
        self.random = random.Random(SEED)

    def on(self, back: int) -> date:
        return self.today - timedelta(days=back)

    def write(self) -> dict[str, int]:
        days, pressures = self.diary()
        DiaryDay.objects.bulk_create(days)
        BloodPressure.objects.bulk_create(pressures)
        labs = self.labs()
        LabResult.objects.bulk_create(labs)
        medications = self.medications()
        self.events_and_questions()
        return {
            "days": len(days),
            "blood_pressures": len(pressures),
            "labs": len(labs),
            "medications": medications,
        }

    # Diary ---------------------------------------------------------------------------------

    def missed(self, back: int) -> bool:
        """About 1 day in 14 missed, a week away, and the last week complete."""
        return back in AWAY or (back > RECENT_COMPLETE and self.random.random() < 0.07)

    def diary(self):
        days, pressures = [], []
        for back in range(self.days - 1, -1, -1):
            if self.missed(back):
                continue
            reading = self.reading(back)
            days.append(
                DiaryDay(
                    patient=self.patient,
                    date=self.on(back),
                    entered_by=self.partner if self.random.random() < 0.15 else self.user,
                    version=1,
                    **reading,
                )
            )
            pressures.extend(self.blood_pressures(back))
        return days, pressures

    def weight_kg(self, back: int) -> float:
        """The fluid story: a climb into the relapse, down on the diuretic, a slow steroid gain
        that goes once the steroid stops, and one salty meal."""
        if STEROID_START < back <= RELAPSE_START:
            extra = min(RELAPSE_FLUID_KG, (RELAPSE_START - back) * 0.35)  # 2.45 kg a week
        elif DIURETIC_STOP < back <= STEROID_START:
            extra = RELAPSE_FLUID_KG * (back - DIURETIC_STOP) / (STEROID_START - DIURETIC_STOP)
        elif STEROID_STOP < back <= DIURETIC_STOP:
            extra = 1.5 * min(1, (DIURETIC_STOP - back) / 60)
        elif back > RELAPSE_START:
            extra = 0.0  # before the relapse: the usual weight
        else:
            extra = 1.5 * max(0, back - (STEROID_STOP - 60)) / 60
        if back == SALTY_DAY:
            extra += 1.8
        return BASE_WEIGHT_KG + extra + self.random.uniform(-0.25, 0.25)

    def reading(self, back: int) -> dict:
        rng = self.random
        relapsing = REMISSION_BY < back <= RELAPSE_START
        swollen = max(0, min(3, (RELAPSE_START - back) // 5)) if relapsing else 0
        if relapsing and back < STEROID_START:
            swollen = max(0, min(3, (back - REMISSION_BY) // 12))
        if relapsing and back > RELAPSE_START - 4:
            dipstick = rng.choice([2, 3])
        elif relapsing and back > REMISSION_BY + 20:
            dipstick = rng.choice([4, 4, 5])  # 3+ and 4+
        elif relapsing:
            dipstick = rng.choice([2, 3, 1])
        else:
            # Before the relapse, a partial remission: mostly 1+ and 2+.
            dipstick = rng.choice([0, 0, 1, 1, 1] if back <= REMISSION_BY else [2, 2, 3])
        if rng.random() < 0.1:
            dipstick = None  # not tested that day
        pounds = units.lb_from_kg(Decimal(str(self.weight_kg(back))))
        scale = (pounds * 5).quantize(Decimal("1")) / 5  # the scale shows 0.2 lb steps
        celsius = None
        if back in (INFECTION, INFECTION - 1):
            celsius = Decimal("38.4") if back == INFECTION else Decimal("37.9")
        elif rng.random() < 0.05:
            celsius = Decimal(str(round(rng.uniform(36.4, 37.2), 1)))
        # Typed as the day form saves it: in the patient's units (lb, °F, the thermometer to
        # 0.1 °F), kept as typed and canonical.
        fahrenheit = (
            None if celsius is None else units.rounded(units.fahrenheit_from_celsius(celsius))
        )
        return {
            "weight_kg": units.kg_from_lb(scale).quantize(Decimal("0.001")),
            "weight_entered": scale,
            "weight_entered_unit": units.LB,
            "temperature_entered": fahrenheit,
            "temperature_entered_unit": units.FAHRENHEIT if fahrenheit is not None else "",
            "swelling_legs": swollen,
            "swelling_face": 1 if swollen >= 2 else 0,
            "swelling_belly": 1 if swollen == 3 else 0,
            "swelling_hands": 1 if swollen == 3 and rng.random() < 0.5 else 0,
            "foam": min(3, swollen + (1 if dipstick and dipstick >= 4 else 0)),
            "dipstick": dipstick,
            "temperature_c": None
            if fahrenheit is None
            else units.celsius_from_fahrenheit(fahrenheit).quantize(Decimal("0.01")),
            "less_urine": relapsing and swollen == 3 and rng.random() < 0.2,
            # The "Anything else today?" list: an upset stomach on the antibiotics (no alert for
            # an adult; it shows on trends and in the summary).
            "symptom_vomiting_diarrhoea": back == INFECTION - 1,
            "medicines_taken": rng.choice(["all"] * 12 + ["some", ""]),
            "note": self.note(back),
        }

    def note(self, back: int) -> str:
        return {
            RELAPSE_START - 6: "Socks leave deep marks. Urine very foamy.",
            STEROID_START: "Started prednisone 60 mg today.",
            INFECTION: "Sore throat and fever. Called the clinic.",
            INFECTION - 1: "Upset stomach from the antibiotics.",
            SALTY_DAY: "Salty take-out dinner last night.",
        }.get(back, "")

    def blood_pressures(self, back: int) -> list[BloodPressure]:
        rng = self.random
        if rng.random() < 0.3:
            return []
        relapsing = STEROID_START - 20 < back <= RELAPSE_START
        top, bottom = (146, 92) if relapsing else (124, 79)
        readings = []
        for hour in (7, 19)[: 2 if rng.random() < 0.25 else 1]:
            systolic = top + rng.randint(-8, 8)
            readings.append(
                BloodPressure(
                    patient=self.patient,
                    date=self.on(back),
                    time=time(hour, rng.choice([0, 10, 20, 30])),
                    systolic=systolic,
                    diastolic=min(bottom + rng.randint(-6, 6), systolic - 20),
                    pulse=rng.randint(62, 88),
                    entered_by=self.user,
                )
            )
        return readings

    # Labs ----------------------------------------------------------------------------------

    def lab_days(self) -> list[int]:
        """Every 4 to 8 weeks, plus the relapse work-up and the remission check."""
        backs, back = set(), 3
        while back < self.days:
            backs.add(back)
            back += self.random.randint(28, 56)
        backs.update(extra for extra in (STEROID_START + 1, 200) if extra < self.days)
        return sorted(backs, reverse=True)

    def upcr_g_per_g(self, back: int) -> float:
        if STEROID_START < back <= RELAPSE_START + 10:
            return 5.2
        if REMISSION_BY < back <= STEROID_START:
            return 1.8
        if back <= REMISSION_BY:
            return self.random.uniform(0.12, 0.26)
        return self.random.uniform(0.9, 1.4)  # before the relapse: partial remission

    def labs(self) -> list[LabResult]:
        results = []
        for back in self.lab_days():
            relapsing = REMISSION_BY < back <= RELAPSE_START + 10
            upcr = self.upcr_g_per_g(back)
            albumin = 2.3 if relapsing and back > STEROID_START - 14 else 3.9
            results += [
                self.lab(back, "upcr", Decimal(str(round(upcr * 1000))), units.MG_PER_G),
                self.lab(back, "albumin", Decimal(str(albumin)), units.G_PER_DL),
                self.lab(
                    back,
                    "creatinine",
                    Decimal(str(round(self.random.uniform(0.85, 1.0), 2))),
                    units.MG_PER_DL,
                ),
            ]
            if relapsing or self.random.random() < 0.3:
                cholesterol = 310 if relapsing else self.random.randint(170, 205)
                results.append(self.lab(back, "cholesterol", Decimal(cholesterol), units.MG_PER_DL))
        return results

    def lab(self, back: int, kind: str, value: Decimal, unit: str) -> LabResult:
        return LabResult(
            patient=self.patient,
            date=self.on(back),
            kind=kind,
            value_entered=value,
            unit_entered=unit,
            value=units.to_canonical(kind, value, unit).quantize(Decimal("0.000001")),
            entered_by=self.user,
        )

    # Medicines, events, questions ------------------------------------------------------------

    def medication(self, name, purpose, started, steps, stopped=None, note="") -> Medication:
        medication = Medication.objects.create(
            patient=self.patient,
            name=name,
            purpose=purpose,
            started_on=started,
            stopped_on=stopped,
            note=note,
            entered_by=self.user,
        )
        DoseStep.objects.bulk_create(
            DoseStep(
                medication=medication,
                starts_on=starts_on,
                dose=Decimal(dose),
                unit=unit,
                frequency=frequency,
                entered_by=self.user,
            )
            for starts_on, dose, unit, frequency in steps
        )
        return medication

    def medications(self) -> int:
        on = self.on
        start = on(max(self.days, RELAPSE_START + 30))
        self.medication("Lisinopril", Purpose.ACE_ARB, start, [(start, "10", "mg", "1/day")])
        if self.days <= STEROID_START:
            return 1
        steroid = [(on(STEROID_START), "60", "mg", "1/day")]
        steroid += [(on(back), dose, "mg", "1/day") for back, dose in TAPER]
        self.medication(
            "Prednisone",
            Purpose.STEROID,
            on(STEROID_START),
            steroid,
            stopped=on(STEROID_STOP),
            note="Taper as agreed with Dr. Okafor.",
        )
        self.medication(
            "Furosemide",
            Purpose.DIURETIC,
            on(STEROID_START),
            [(on(STEROID_START), "40", "mg", "1/day")],
            stopped=on(DIURETIC_STOP),
        )
        self.medication("Atorvastatin", Purpose.STATIN, on(260), [(on(260), "20", "mg", "1/day")])
        self.medication(
            "Omeprazole",
            Purpose.OTHER,
            on(STEROID_START),
            [(on(STEROID_START), "20", "mg", "1/day")],
            stopped=on(STEROID_STOP),
            note="Stomach protection while on prednisone.",
        )
        return 5

    def events_and_questions(self) -> None:
        events = [
            (RELAPSE_START - 15, "relapse", "Clinic confirmed a relapse; prednisone started."),
            (INFECTION, "infection", "Strep throat, treated with antibiotics."),
        ]
        Event.objects.bulk_create(
            Event(
                patient=self.patient, date=self.on(back), kind=kind, note=note, entered_by=self.user
            )
            for back, kind, note in events
            if back < self.days
        )
        Question.objects.bulk_create(
            [
                Question(
                    patient=self.patient,
                    text="Can I stop the statin now that cholesterol is normal?",
                    entered_by=self.user,
                ),
                Question(
                    patient=self.patient,
                    text="Which vaccines are safe for me this autumn?",
                    entered_by=self.user,
                ),
                Question(
                    patient=self.patient,
                    text="How fast should the prednisone taper go?",
                    status=QuestionStatus.ANSWERED,
                    answer="By 5 to 10 mg every two weeks, as on the plan.",
                    entered_by=self.user,
                ),
            ]
        )

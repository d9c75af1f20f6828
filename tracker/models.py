"""Patients, who may see them, and what is recorded for them.

Every patient-data query goes through Patient.objects.for_user (views: tracker.access.patient_for)
and then the patient's own relations (patient.diary_days, patient.labs, ...). Stored values are
canonical: kg, °C, mmHg, and each lab kind in the first unit of units.LAB_UNITS.
"""

import hashlib
import secrets
import zoneinfo
from collections import defaultdict
from datetime import date, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker import alerts, symptoms
from tracker.units import DIPSTICK_GRADES

PUBLIC_ID_LENGTH = 12


def new_public_id() -> str:
    """72 random bits, URL-safe: patient ids in URLs cannot be guessed or counted."""
    return secrets.token_urlsafe(9)


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDIT = "edit", _("Can view and edit")
    VIEW = "view", _("Can view only")


class FsgsType(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    GENETIC = "genetic", _("Genetic (familial)")
    SECONDARY = "secondary", _("Secondary")
    UNDETERMINED = "undetermined", _("Undetermined cause")
    NOT_KNOWN = "not_known", _("Not known yet")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class WeightUnit(models.TextChoices):
    KG = "kg", _("kilograms (kg)")
    LB = "lb", _("pounds (lb)")


class UpcrUnit(models.TextChoices):
    G_PER_G = "g/g", _("g/g")
    MG_PER_G = "mg/g", _("mg/g")
    MG_PER_MMOL = "mg/mmol", _("mg/mmol")


class TemperatureUnit(models.TextChoices):
    CELSIUS = "C", _("Celsius (°C)")
    FAHRENHEIT = "F", _("Fahrenheit (°F)")


# Ranges every stored reading must fall in (SECURITY.md "Input and output"); forms quote them.
WEIGHT_KG_MIN, WEIGHT_KG_MAX = Decimal("2"), Decimal("400")
TEMPERATURE_C_MIN, TEMPERATURE_C_MAX = Decimal("30"), Decimal("45")
SYSTOLIC_MIN, SYSTOLIC_MAX = 50, 300
DIASTOLIC_MIN, DIASTOLIC_MAX = 20, 200
PULSE_MIN, PULSE_MAX = 20, 250
GRADE_MAX = 3  # swelling and foam: 0 to 3
# The same ranges for values kept as typed in the other unit: the kg range in pounds rounded
# outward to 0.01 lb (1 kg = 2.20462 lb), the °C range in °F (exact: °C x 9/5 + 32).
WEIGHT_LB_MIN, WEIGHT_LB_MAX = Decimal("4.4"), Decimal("881.85")
TEMPERATURE_F_MIN, TEMPERATURE_F_MAX = Decimal("86"), Decimal("113")
# Care-team alert numbers: wide enough for any care team, narrow enough to catch typos. Kept as
# typed, so each unit has its own range.
ALERT_WEIGHT_GAIN_KG_MIN, ALERT_WEIGHT_GAIN_KG_MAX = Decimal("0.1"), Decimal("10")
ALERT_WEIGHT_GAIN_LB_MIN, ALERT_WEIGHT_GAIN_LB_MAX = Decimal("0.2"), Decimal("22")
ALERT_SYSTOLIC_MIN, ALERT_SYSTOLIC_MAX = 80, 250
ALERT_DIASTOLIC_MIN, ALERT_DIASTOLIC_MAX = 40, 150
ALERT_FEVER_C_MIN, ALERT_FEVER_C_MAX = Decimal("37"), Decimal("41")
ALERT_FEVER_F_MIN, ALERT_FEVER_F_MAX = Decimal("98.6"), Decimal("105.8")
# Per unit code: (low, high) of a typed value.
WEIGHT_RANGES = {"kg": (WEIGHT_KG_MIN, WEIGHT_KG_MAX), "lb": (WEIGHT_LB_MIN, WEIGHT_LB_MAX)}
TEMPERATURE_RANGES = {
    "C": (TEMPERATURE_C_MIN, TEMPERATURE_C_MAX),
    "F": (TEMPERATURE_F_MIN, TEMPERATURE_F_MAX),
}
ALERT_WEIGHT_GAIN_RANGES = {
    "kg": (ALERT_WEIGHT_GAIN_KG_MIN, ALERT_WEIGHT_GAIN_KG_MAX),
    "lb": (ALERT_WEIGHT_GAIN_LB_MIN, ALERT_WEIGHT_GAIN_LB_MAX),
}
ALERT_FEVER_RANGES = {
    "C": (ALERT_FEVER_C_MIN, ALERT_FEVER_C_MAX),
    "F": (ALERT_FEVER_F_MIN, ALERT_FEVER_F_MAX),
}


def between(field: str, low, high) -> Q:
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def between_or_null(field: str, low, high) -> Q:
    return Q(**{f"{field}__isnull": True}) | between(field, low, high)


def in_unit_range(value: str, unit: str, ranges) -> Q:
    """A value kept as typed with its unit field: a known unit, and the value in its range."""
    condition = Q()
    for code, (low, high) in ranges.items():
        condition |= Q(**{unit: code}) & between(value, low, high)
    return condition


class PatientQuerySet(models.QuerySet):
    def for_user(self, user):
        """The patients this user may see: an access grant that has not been revoked."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            access__user=user, access__revoked_at__isnull=True, access__role__in=Role.values
        )

    def with_role(self, user):
        """Annotate `role`: this user's role for each patient (use after for_user)."""
        grant = CareAccess.objects.active().filter(patient=models.OuterRef("pk"), user=user)
        return self.annotate(role=models.Subquery(grant.values("role")[:1]))

    def with_patient_count(self, user):
        """Annotate `user_patient_count`: how many patients this user can see, so a page that
        has reached one patient knows without another query whether the user has others."""
        grants = (
            CareAccess.objects.active()
            .filter(user=user, role__in=Role.values)
            .order_by()
            .values("user")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(user_patient_count=models.Subquery(grants[:1]))

    def with_owner(self):
        """Annotate `owner_user_id` (the first owner): "entered by" names show for others."""
        owners = (
            CareAccess.objects.active()
            .filter(patient=models.OuterRef("pk"), role=Role.OWNER)
            .order_by("pk")
        )
        return self.annotate(owner_user_id=models.Subquery(owners.values("user_id")[:1]))


class Patient(models.Model):
    """A person with FSGS whose diary the portal keeps."""

    public_id = models.CharField(
        max_length=PUBLIC_ID_LENGTH, unique=True, default=new_public_id, editable=False
    )
    display_name = models.CharField(_("name"), max_length=80)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(
        _("sex for kidney function (eGFR) calculation"),
        max_length=6,
        choices=Sex.choices,
        blank=True,
    )
    fsgs_type = models.CharField(
        _("type of FSGS"), max_length=12, choices=FsgsType.choices, default=FsgsType.NOT_KNOWN
    )
    biopsy_date = models.DateField(_("date of kidney biopsy"), null=True, blank=True)
    care_team_phone = models.CharField(_("care team phone number"), max_length=40, blank=True)
    # The hospital's or clinic's own number for the person, printed on every summary page so a
    # printed page cannot be filed under the wrong person (issue #13). Free text: formats differ.
    clinic_number = models.CharField(
        _("hospital or clinic number"), max_length=40, blank=True, default=""
    )
    weight_unit = models.CharField(
        _("weight unit"), max_length=2, choices=WeightUnit.choices, default=WeightUnit.KG
    )
    upcr_unit = models.CharField(
        _("urine protein (UPCR) unit"),
        max_length=7,
        choices=UpcrUnit.choices,
        default=UpcrUnit.G_PER_G,
    )
    temperature_unit = models.CharField(
        _("temperature unit"),
        max_length=1,
        choices=TemperatureUnit.choices,
        default=TemperatureUnit.CELSIUS,
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Alert numbers from the care team, kept as typed with their unit (the alert rules compare in
    # that unit, so "2.2 lb" means 2.2 lb); empty = the default (adults) or the rule is off
    # (children). The two weight numbers share one unit, the one they were typed in.
    alert_weight_gain_1d = models.DecimalField(
        _("weight gain in 1 day"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    alert_weight_gain_7d = models.DecimalField(
        _("weight gain over 7 days"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    alert_weight_unit = models.CharField(
        _("unit of the weight-gain numbers"),
        max_length=2,
        choices=WeightUnit.choices,
        default=WeightUnit.KG,
    )
    # The care team's own blood pressure numbers: a reading at or above them is a "call" alert.
    alert_systolic = models.PositiveSmallIntegerField(
        _("top blood pressure number (systolic)"), null=True, blank=True
    )
    alert_diastolic = models.PositiveSmallIntegerField(
        _("bottom blood pressure number (diastolic)"), null=True, blank=True
    )
    # A child's crisis numbers from the care team (the emergency alert); adults use the fixed
    # adult crisis line (alerts.ADULT_CRISIS_SYSTOLIC / _DIASTOLIC) and these are not used.
    crisis_systolic = models.PositiveSmallIntegerField(
        _("child's emergency blood pressure: top number"), null=True, blank=True
    )
    crisis_diastolic = models.PositiveSmallIntegerField(
        _("child's emergency blood pressure: bottom number"), null=True, blank=True
    )
    alert_fever = models.DecimalField(
        _("fever temperature"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    alert_fever_unit = models.CharField(
        _("unit of the fever temperature"),
        max_length=1,
        choices=TemperatureUnit.choices,
        default=TemperatureUnit.CELSIUS,
    )
    baseline_upcr = models.DecimalField(
        _("baseline UPCR (g/g)"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    # The care team's blood pressure target (the visit summary counts readings above it).
    bp_target_systolic = models.PositiveSmallIntegerField(
        _("blood pressure target: top number (systolic)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(SYSTOLIC_MIN), MaxValueValidator(SYSTOLIC_MAX)],
    )
    bp_target_diastolic = models.PositiveSmallIntegerField(
        _("blood pressure target: bottom number (diastolic)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(DIASTOLIC_MIN), MaxValueValidator(DIASTOLIC_MAX)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_unit__in=WeightUnit.values), name="patient_weight_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(alert_weight_unit__in=WeightUnit.values)
                & Q(alert_fever_unit__in=TemperatureUnit.values),
                name="patient_alert_units_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(alert_weight_gain_1d__isnull=True)
                    | in_unit_range(
                        "alert_weight_gain_1d", "alert_weight_unit", ALERT_WEIGHT_GAIN_RANGES
                    )
                )
                & (
                    Q(alert_weight_gain_7d__isnull=True)
                    | in_unit_range(
                        "alert_weight_gain_7d", "alert_weight_unit", ALERT_WEIGHT_GAIN_RANGES
                    )
                ),
                name="patient_alert_weight_gain_range",
            ),
            models.CheckConstraint(
                condition=between_or_null("alert_systolic", ALERT_SYSTOLIC_MIN, ALERT_SYSTOLIC_MAX)
                & between_or_null("alert_diastolic", ALERT_DIASTOLIC_MIN, ALERT_DIASTOLIC_MAX)
                & between_or_null("crisis_systolic", ALERT_SYSTOLIC_MIN, ALERT_SYSTOLIC_MAX)
                & between_or_null("crisis_diastolic", ALERT_DIASTOLIC_MIN, ALERT_DIASTOLIC_MAX),
                name="patient_alert_blood_pressure_range",
            ),
            models.CheckConstraint(
                condition=Q(alert_fever__isnull=True)
                | in_unit_range("alert_fever", "alert_fever_unit", ALERT_FEVER_RANGES),
                name="patient_alert_fever_range",
            ),
            models.CheckConstraint(
                condition=Q(baseline_upcr__isnull=True) | Q(baseline_upcr__gte=0),
                name="patient_baseline_upcr_not_negative",
            ),
            models.CheckConstraint(
                condition=between_or_null("bp_target_systolic", SYSTOLIC_MIN, SYSTOLIC_MAX)
                & between_or_null("bp_target_diastolic", DIASTOLIC_MIN, DIASTOLIC_MAX),
                name="patient_bp_target_range",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self):
        """The patient's local calendar date: diary days follow the patient's clock."""
        return timezone.localdate(timezone=self.tz)

    def age_on(self, day) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def role_label(self) -> str:
        """The viewing user's role, when the queryset was annotated with_role()."""
        role = getattr(self, "role", None)
        return Role(role).label if role else ""

    @property
    def can_edit(self) -> bool:
        return getattr(self, "role", None) in (Role.OWNER, Role.EDIT)

    @property
    def is_owned_by_viewer(self) -> bool:
        return getattr(self, "role", None) == Role.OWNER

    def entered_by_someone_else(self, record) -> bool:
        """Whether a record was saved by someone other than the owner (annotated with_owner)."""
        return record.entered_by_id is not None and record.entered_by_id != getattr(
            self, "owner_user_id", None
        )

    # Issue #11: the care team's numbers are a later, optional step after creating a diary. ----
    CARE_TEAM_FIELDS = (
        "care_team_phone",
        "alert_weight_gain_1d",
        "alert_weight_gain_7d",
        "alert_systolic",
        "alert_diastolic",
        "crisis_systolic",
        "crisis_diastolic",
        "alert_fever",
        "bp_target_systolic",
        "bp_target_diastolic",
        "baseline_upcr",
        "biopsy_date",
    )

    @property
    def has_care_team_numbers(self) -> bool:
        """Whether any of the care team's numbers (or the FSGS type) is filled in on the profile:
        until then the diary invites the person to add them."""
        return self.fsgs_type != FsgsType.NOT_KNOWN or any(
            getattr(self, name) not in (None, "") for name in self.CARE_TEAM_FIELDS
        )

    def is_child(self, day=None) -> bool:
        """Under 18 on the given day (today by default); unknown age counts as adult rules off."""
        age = self.age_on(day or self.today())
        return age is not None and age < 18

    def date_problem(self, day: date) -> str | None:
        """Why `day` cannot hold a reading (in the future, or before birth), or None if it can."""
        if day > self.today():
            return str(
                _("The date cannot be in the future — you chose %(date)s.")
                % {"date": day.isoformat()}
            )
        if self.birth_date and day < self.birth_date:
            return str(
                _("The date cannot be before the date of birth (%(birth)s) — you chose %(date)s.")
                % {"birth": self.birth_date.isoformat(), "date": day.isoformat()}
            )
        return None

    def alert_thresholds(self) -> alerts.Thresholds:
        """The care team's numbers where entered, as typed with their units, else CLINICAL.md's
        defaults in the patient's units (see alerts.py)."""

        def limit(value, unit):
            return None if value is None else alerts.Limit(value, unit)

        return alerts.care_team_thresholds(
            weight_unit=self.weight_unit,
            temperature_unit=self.temperature_unit,
            weight_gain_1d=limit(self.alert_weight_gain_1d, self.alert_weight_unit),
            weight_gain_7d=limit(self.alert_weight_gain_7d, self.alert_weight_unit),
            systolic=self.alert_systolic,
            diastolic=self.alert_diastolic,
            crisis_systolic=self.crisis_systolic,
            crisis_diastolic=self.crisis_diastolic,
            fever=limit(self.alert_fever, self.alert_fever_unit),
        )

    def on_immunosuppression(self, day: date) -> bool:
        """Taking a steroid, a CNI or another immune-suppressing medicine on `day` (one query)."""
        return (
            self.medications.active_on(day).filter(purpose__in=IMMUNOSUPPRESSING_PURPOSES).exists()
        )

    def first_treatment_date(self) -> date | None:
        """Start of the first immune-suppressing medicine: anchors the remission baseline."""
        return (
            self.medications.filter(purpose__in=IMMUNOSUPPRESSING_PURPOSES)
            .order_by("started_on")
            .values_list("started_on", flat=True)
            .first()
        )


class CareAccessQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CareAccess(models.Model):
    """A user's access to a patient: owner, or a caregiver who can edit or only view."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access"
    )
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="access")
    role = models.CharField(max_length=5, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CareAccessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("care access")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "patient"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_access_per_user_and_patient",
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="care_access_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.patient} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EDIT)


# Every record below keeps `entered_by`: who saved it last.


# Diary --------------------------------------------------------------------------------------------


class Swelling(models.IntegerChoices):
    """Patient swelling scale per body site (CLINICAL.md "Home monitoring scales")."""

    NONE = 0, _("0 – none")
    MILD = 1, _("1 – mild")
    MODERATE = 2, _("2 – moderate")
    SEVERE = 3, _("3 – severe")


SWELLING_WORDS = {0: _("none"), 1: _("mild"), 2: _("moderate"), 3: _("severe")}


class Foam(models.IntegerChoices):
    """Urine foam scale (CLINICAL.md "Home monitoring scales")."""

    NONE = 0, _("0 – none")
    LITTLE = 1, _("1 – a thin layer")
    CLEAR = 2, _("2 – a clear layer")
    THICK = 3, _("3 – thick foam")


DIPSTICK_CHOICES = [(grade.code, grade.label) for grade in DIPSTICK_GRADES]


class MedicinesTaken(models.TextChoices):
    ALL = "all", _("All of them")
    SOME = "some", _("Some of them")
    NONE = "none", _("None of them")


# Field suffix per site, in the order of alerts.SWELLING_SITES.
SWELLING_FIELDS = {site: f"swelling_{site}" for site in alerts.SWELLING_SITES}


class DiaryDay(models.Model):
    """One patient's readings for one local calendar day (at most one row per patient and date)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="diary_days")
    date = models.DateField(_("date"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    # Weight and temperature as typed, with the unit typed in: the alert rules compare these,
    # so a reading never misses its line by a unit round trip. weight_kg and temperature_c stay
    # the canonical values for charts, statistics and exports. A row without them (saved by
    # code that sets only the canonical value) counts as typed in kg and °C.
    weight_entered = models.DecimalField(
        _("weight as typed"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    weight_entered_unit = models.CharField(
        _("unit the weight was typed in"), max_length=2, choices=WeightUnit.choices, blank=True
    )
    # Swelling and foam: None is "not recorded" (the person picked no grade), never a 0.
    swelling_face = models.PositiveSmallIntegerField(
        _("face or around the eyes"), choices=Swelling.choices, null=True, blank=True, default=None
    )
    swelling_hands = models.PositiveSmallIntegerField(
        _("hands"), choices=Swelling.choices, null=True, blank=True, default=None
    )
    swelling_belly = models.PositiveSmallIntegerField(
        _("belly"), choices=Swelling.choices, null=True, blank=True, default=None
    )
    swelling_legs = models.PositiveSmallIntegerField(
        _("legs, ankles or feet"), choices=Swelling.choices, null=True, blank=True, default=None
    )
    foam = models.PositiveSmallIntegerField(
        _("urine foam"), choices=Foam.choices, null=True, blank=True, default=None
    )
    dipstick = models.PositiveSmallIntegerField(
        _("dipstick protein"), choices=DIPSTICK_CHOICES, null=True, blank=True
    )
    temperature_c = models.DecimalField(
        _("temperature (°C)"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    temperature_entered = models.DecimalField(
        _("temperature as typed"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    temperature_entered_unit = models.CharField(
        _("unit the temperature was typed in"),
        max_length=1,
        choices=TemperatureUnit.choices,
        blank=True,
    )
    less_urine = models.BooleanField(_("much less urine than usual"), default=False)
    # "Anything else today?" (tracker.symptoms.SYMPTOMS, same order): events of this one day.
    symptom_leg_swollen = models.BooleanField(_("one leg swollen or painful"), default=False)
    symptom_chest_pain = models.BooleanField(
        _("chest pain or sudden trouble breathing"), default=False
    )
    symptom_belly_pain = models.BooleanField(_("belly pain"), default=False)
    symptom_vomiting_diarrhoea = models.BooleanField(_("vomiting or diarrhea"), default=False)
    symptom_infection_contact = models.BooleanField(
        _("contact with chickenpox or measles"), default=False
    )
    medicines_taken = models.CharField(
        _("medicines taken"), max_length=4, choices=MedicinesTaken.choices, blank=True
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by one on every save: an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "date"], name="one_diary_day_per_patient_and_date"
            ),
            models.CheckConstraint(
                condition=between_or_null("weight_kg", WEIGHT_KG_MIN, WEIGHT_KG_MAX),
                name="diary_day_weight_range",
            ),
            models.CheckConstraint(
                condition=between_or_null("temperature_c", TEMPERATURE_C_MIN, TEMPERATURE_C_MAX),
                name="diary_day_temperature_range",
            ),
            models.CheckConstraint(
                condition=Q(weight_entered__isnull=True, weight_entered_unit="")
                | Q(weight_kg__isnull=False, weight_entered__isnull=False)
                & in_unit_range("weight_entered", "weight_entered_unit", WEIGHT_RANGES),
                name="diary_day_weight_entered_range",
            ),
            models.CheckConstraint(
                condition=Q(temperature_entered__isnull=True, temperature_entered_unit="")
                | Q(temperature_c__isnull=False, temperature_entered__isnull=False)
                & in_unit_range(
                    "temperature_entered", "temperature_entered_unit", TEMPERATURE_RANGES
                ),
                name="diary_day_temperature_entered_range",
            ),
            models.CheckConstraint(
                condition=between_or_null("swelling_face", 0, GRADE_MAX)
                & between_or_null("swelling_hands", 0, GRADE_MAX)
                & between_or_null("swelling_belly", 0, GRADE_MAX)
                & between_or_null("swelling_legs", 0, GRADE_MAX),
                name="diary_day_swelling_range",
            ),
            models.CheckConstraint(
                condition=between_or_null("foam", 0, GRADE_MAX), name="diary_day_foam_range"
            ),
            models.CheckConstraint(
                condition=between_or_null("dipstick", 0, len(DIPSTICK_GRADES) - 1),
                name="diary_day_dipstick_range",
            ),
            models.CheckConstraint(
                condition=Q(medicines_taken__in=[*MedicinesTaken.values, ""]),
                name="diary_day_medicines_taken_valid",
            ),
        ]

    def __str__(self):
        return f"{self.patient} {self.date.isoformat()}"

    @property
    def swelling(self) -> dict[str, int]:
        """Swelling grade per recorded site, keyed as alerts.SWELLING_SITES (a site not
        recorded is left out: it has no grade)."""
        grades = {site: getattr(self, field) for site, field in SWELLING_FIELDS.items()}
        return {site: grade for site, grade in grades.items() if grade is not None}

    @property
    def max_swelling(self) -> int | None:
        return max(self.swelling.values(), default=None)

    @property
    def symptoms(self) -> frozenset[str]:
        """The ticked "Anything else today?" codes (tracker.symptoms)."""
        return symptoms.codes_of(self)

    @property
    def symptom_labels(self) -> list[str]:
        return symptoms.labels(self.symptoms)


class BloodPressure(models.Model):
    """One blood pressure reading; several a day, each on the patient's local date and time."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="blood_pressures")
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"))
    systolic = models.PositiveSmallIntegerField(_("top number (systolic)"))
    diastolic = models.PositiveSmallIntegerField(_("bottom number (diastolic)"))
    pulse = models.PositiveSmallIntegerField(_("pulse"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "time", "pk"]
        indexes = [models.Index(fields=["patient", "date"], name="blood_pressure_patient_date")]
        constraints = [
            models.CheckConstraint(
                condition=between("systolic", SYSTOLIC_MIN, SYSTOLIC_MAX),
                name="blood_pressure_systolic_range",
            ),
            models.CheckConstraint(
                condition=between("diastolic", DIASTOLIC_MIN, DIASTOLIC_MAX),
                name="blood_pressure_diastolic_range",
            ),
            models.CheckConstraint(
                condition=Q(systolic__gt=F("diastolic")),
                name="blood_pressure_systolic_above_diastolic",
            ),
            models.CheckConstraint(
                condition=between_or_null("pulse", PULSE_MIN, PULSE_MAX),
                name="blood_pressure_pulse_range",
            ),
        ]

    def __str__(self):
        return f"{self.systolic}/{self.diastolic} mmHg"


def day_readings(days, pressures) -> list[alerts.DayReadings]:
    """Diary rows and blood pressure rows as alerts.DayReadings, one per date that has either."""
    pressures_by_date = defaultdict(list)
    for reading in pressures:
        pressures_by_date[reading.date].append((reading.systolic, reading.diastolic))
    by_date = {day.date: day for day in days}
    readings = []
    for on in sorted(by_date.keys() | pressures_by_date.keys()):
        day = by_date.get(on)
        blood_pressures = tuple(pressures_by_date.get(on, ()))
        if day is None:
            readings.append(alerts.DayReadings(date=on, blood_pressures=blood_pressures))
            continue
        readings.append(
            alerts.DayReadings(
                date=on,
                weight_kg=day.weight_kg,
                weight=day.weight_entered,
                weight_unit=day.weight_entered_unit or alerts.KG,
                swelling=day.swelling,
                foam=day.foam,
                logged=True,
                dipstick=day.dipstick,
                temperature_c=day.temperature_c,
                temperature=day.temperature_entered,
                temperature_unit=day.temperature_entered_unit or alerts.CELSIUS,
                less_urine=day.less_urine,
                blood_pressures=blood_pressures,
                symptoms=day.symptoms,
            )
        )
    return readings


# Labs ---------------------------------------------------------------------------------------------


class LabKind(models.TextChoices):
    UPCR = "upcr", _("Urine protein-to-creatinine ratio (UPCR)")
    ACR = "acr", _("Urine albumin-to-creatinine ratio (ACR)")
    PROTEIN_24H = "protein_24h", _("24-hour urine protein")
    ALBUMIN = "albumin", _("Blood albumin")
    CREATININE = "creatinine", _("Blood creatinine")
    EGFR = "egfr", _("eGFR from the lab")
    CHOLESTEROL = "cholesterol", _("Cholesterol (total)")
    TACROLIMUS = "tacrolimus", _("Tacrolimus trough level")
    CYCLOSPORINE = "cyclosporine", _("Cyclosporine trough level")
    OTHER = "other", _("Other test")


# Short names for messages and table headers.
LAB_SHORT_NAMES = {
    LabKind.UPCR: _("UPCR"),
    LabKind.ACR: _("ACR"),
    LabKind.PROTEIN_24H: _("24-hour protein"),
    LabKind.ALBUMIN: _("Albumin"),
    LabKind.CREATININE: _("Creatinine"),
    LabKind.EGFR: _("eGFR"),
    LabKind.CHOLESTEROL: _("Cholesterol"),
    LabKind.TACROLIMUS: _("Tacrolimus level"),
    LabKind.CYCLOSPORINE: _("Cyclosporine level"),
    LabKind.OTHER: _("The result"),
}


class LabResult(models.Model):
    """A lab result as typed (value and unit) and in the kind's canonical unit (units.LAB_UNITS).

    For `other` tests there is no conversion: the canonical value is the value as typed.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="labs")
    date = models.DateField(_("date of the test"))
    kind = models.CharField(_("test"), max_length=12, choices=LabKind.choices)
    other_name = models.CharField(_("name of the test"), max_length=80, blank=True)
    value_entered = models.DecimalField(_("result"), max_digits=12, decimal_places=4)
    unit_entered = models.CharField(_("unit"), max_length=20)
    value = models.DecimalField(max_digits=16, decimal_places=6)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["patient", "kind", "date"], name="lab_patient_kind_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LabKind.values), name="lab_result_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(value_entered__gte=0) & Q(value__gte=0),
                name="lab_result_value_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.value_entered} {self.unit_entered} on {self.date.isoformat()}"

    @property
    def name(self) -> str:
        return self.other_name if self.kind == LabKind.OTHER else str(self.get_kind_display())

    @property
    def short_name(self) -> str:
        return self.other_name if self.kind == LabKind.OTHER else str(LAB_SHORT_NAMES[self.kind])


# Medicines ----------------------------------------------------------------------------------------


class Purpose(models.TextChoices):
    STEROID = "steroid", _("Steroid (for example prednisone)")
    CNI = "cni", _("Calcineurin inhibitor (tacrolimus, cyclosporine)")
    IMMUNOSUPPRESSANT = (
        "immuno",
        _("Other immune-suppressing medicine (for example mycophenolate, rituximab)"),
    )
    ACE_ARB = "ace_arb", _("ACE inhibitor or ARB (blood pressure, protein leak)")
    DIURETIC = "diuretic", _("Diuretic (water tablet)")
    STATIN = "statin", _("Statin (cholesterol)")
    OTHER = "other", _("Other")


# Medicines that weaken the immune system: the fever alert runs while one is taken.
IMMUNOSUPPRESSING_PURPOSES = (Purpose.STEROID, Purpose.CNI, Purpose.IMMUNOSUPPRESSANT)


class DoseUnit(models.TextChoices):
    MG = "mg", "mg"
    MICROGRAM = "µg", "µg"
    G = "g", "g"
    ML = "mL", "mL"
    UNITS = "units", _("units")
    TABLETS = "tablets", _("tablets")


class Frequency(models.TextChoices):
    ONCE_DAILY = "1/day", _("once a day")
    TWICE_DAILY = "2/day", _("twice a day")
    THREE_DAILY = "3/day", _("three times a day")
    FOUR_DAILY = "4/day", _("four times a day")
    EVERY_OTHER_DAY = "alt", _("every other day")
    WEEKLY = "1/week", _("once a week")
    AS_NEEDED = "prn", _("when needed")
    OTHER = "other", _("other (see note)")


class MedicationQuerySet(models.QuerySet):
    def active_on(self, day: date):
        """Medicines started on or before `day` and not stopped before it."""
        return self.filter(Q(stopped_on__isnull=True) | Q(stopped_on__gte=day), started_on__lte=day)


class Medication(models.Model):
    """A medicine the patient takes or took; its dose over time is its DoseSteps."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(_("name of the medicine"), max_length=80)
    purpose = models.CharField(_("what it is for"), max_length=8, choices=Purpose.choices)
    started_on = models.DateField(_("started on"))
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MedicationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="medication_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="medication_stops_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.name

    def is_active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.stopped_on is None or self.stopped_on >= day)

    def dose_on(self, day: date):
        """The dose step in force on `day` (uses prefetched dose_steps), or None."""
        current = None
        for step in sorted(self.dose_steps.all(), key=lambda step: step.starts_on):
            if step.starts_on <= day:
                current = step
        return current


class DoseStep(models.Model):
    """A dose from a date on, until the next step: a taper is several dated steps."""

    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="dose_steps")
    starts_on = models.DateField(_("from"))
    dose = models.DecimalField(_("dose"), max_digits=9, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=8, choices=DoseUnit.choices, default=DoseUnit.MG)
    frequency = models.CharField(
        _("how often"), max_length=6, choices=Frequency.choices, default=Frequency.ONCE_DAILY
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["medication", "starts_on"], name="one_dose_step_per_medication_and_date"
            ),
            models.CheckConstraint(condition=Q(dose__gt=0), name="dose_step_dose_positive"),
            models.CheckConstraint(
                condition=Q(unit__in=DoseUnit.values), name="dose_step_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="dose_step_frequency_valid"
            ),
        ]

    def __str__(self):
        return f"{self.dose.normalize():f} {self.unit} {self.get_frequency_display()}"


# Events and questions -----------------------------------------------------------------------------


class EventKind(models.TextChoices):
    INFECTION = "infection", _("Infection")
    HOSPITAL = "hospital", _("Hospital stay")
    BIOPSY = "biopsy", _("Kidney biopsy")
    PLASMAPHERESIS = "plex", _("Plasmapheresis (plasma exchange) session")
    RELAPSE = "relapse", _("Relapse")
    OTHER = "other", _("Other")


class Event(models.Model):
    """Something that happened and belongs on the visit summary's timeline."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="events")
    date = models.DateField(_("date"))
    kind = models.CharField(_("what happened"), max_length=9, choices=EventKind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.date.isoformat()}"


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


class Question(models.Model):
    """Something to ask the care team, open until answered."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    status = models.CharField(
        max_length=8, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    for_next_visit = models.BooleanField(_("ask at the next visit"), default=True)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="question_status_valid"
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status == QuestionStatus.OPEN


# Sharing: invitations, the access log, clinician links -------------------------------------------

INVITATION_DAYS = 7  # an invitation link works this long, once


def hash_token(token: str) -> str:
    """SHA-256 of a link token: only this is stored, so a database copy opens no link.

    The tokens carry 256 random bits, so a fast hash is enough (nothing to brute-force)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Not yet accepted, not cancelled, not expired: the link still works."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An owner's invitation for someone to help care for a patient, as `edit` or `view`.

    The link's token is shown once (and emailed); the table keeps only its hash.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("their email address"))
    role = models.CharField(_("what they may do"), max_length=5, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[Role.EDIT, Role.VIEW]), name="invitation_role_caregiver"
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.patient} ({self.role})"

    @classmethod
    def issue(cls, patient, email: str, role: str, invited_by) -> tuple["Invitation", str]:
        """A new invitation and its raw token (never stored); earlier open ones to the same
        address for this patient are cancelled, so only the newest link works."""
        now = timezone.now()
        cls.objects.pending().filter(patient=patient, email__iexact=email).update(revoked_at=now)
        token = new_token()
        invitation = cls.objects.create(
            created_at=now,
            patient=patient,
            email=email.lower(),
            role=role,
            token_hash=hash_token(token),
            invited_by=invited_by,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        return invitation, token

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class AccessAction(models.TextChoices):
    VIEW = "view", _("looked at")
    CHANGE = "change", _("changed")


class AccessLog(models.Model):
    """One caregiver's look at a patient page, or anyone's change: append-only.

    Written by tracker.middleware.AccessLogMiddleware (and by the invitation acceptance); rows
    are never updated and the app offers no way to edit or delete them. They go only with the
    patient (account or patient deletion). `who` keeps the name as it was, so the owner still
    sees who looked after that person's account is deleted.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    who = models.CharField(max_length=254)
    role = models.CharField(max_length=5, choices=Role.choices, blank=True)
    action = models.CharField(max_length=6, choices=AccessAction.choices)
    page = models.CharField(max_length=100, blank=True)  # the URL name
    path = models.CharField(max_length=500)
    method = models.CharField(max_length=7)
    status = models.PositiveSmallIntegerField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "-at"], name="access_log_patient_at")]

    def __str__(self):
        return f"{self.who} {self.action} {self.path} at {self.at.isoformat()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Access log rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Access log rows are deleted only with their patient.")


CLINICIAN_LINK_MAX_DAYS = 30


class ClinicianLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ClinicianLink(models.Model):
    """A read-only link to the visit summary of one date range, for a clinician without an
    account: valid 1 to CLINICIAN_LINK_MAX_DAYS days, revocable, the token stored hashed.

    The token-authenticated summary views come with the visit summary; they find the link by
    ClinicianLink.objects.usable().get(token_hash=hash_token(token)) and log each use.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="clinician_links")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ClinicianLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="clinician_link_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.patient} {self.start.isoformat()}–{self.end.isoformat()}"

    @classmethod
    def issue(cls, patient, start, end, days: int, created_by) -> tuple["ClinicianLink", str]:
        token, now = new_token(), timezone.now()
        link = cls.objects.create(
            created_at=now,
            patient=patient,
            start=start,
            end=end,
            token_hash=hash_token(token),
            created_by=created_by,
            expires_at=now + timedelta(days=days),
        )
        return link, token

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


# Visit summaries ----------------------------------------------------------------------------------


class Paper(models.TextChoices):
    A4 = "a4", _("A4")
    LETTER = "letter", _("US Letter")


class SummaryPrint(models.Model):
    """A visit summary PDF that was made: the next summary starts from its period, and its paper
    size is the one offered next time (the paper choice is remembered per patient, the
    summary language per patient and person)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="summary_prints")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    paper = models.CharField(_("paper"), max_length=6, choices=Paper.choices, default=Paper.A4)
    # The summary's own language, apart from the interface's (a Spanish-speaking family may
    # print it in English for the nephrologist); offered again to the same person next time.
    # Blank on summaries made before the choice existed.
    language = models.CharField(
        _("summary language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paper__in=Paper.values), name="summary_print_paper_valid"
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="summary_print_ends_after_it_starts"
            ),
        ]

    def __str__(self):
        return f"{self.patient} summary {self.start.isoformat()} to {self.end.isoformat()}"


# Alerts: "I contacted the care team" (issue #11) --------------------------------------------------

ALERT_CONTACT_NOTE_LENGTH = 200


class AlertContact(models.Model):
    """A mark "I contacted the care team" on one alert: the rule and the day it fired, for one
    patient. Alerts are computed, never stored (tracker.alerts); the mark is what a person did.

    Made and removed by the owner or a caregiver who may edit (tracker.views.alerts).
    `marked_by_name` keeps the name as it was, like AccessLog.who, so the diary still says who
    marked it after that person's account is gone. Goes with the patient (all its rows cascade).
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alert_contacts")
    rule = models.CharField(max_length=40)  # a code of alerts.RULES, checked by the view
    triggered_on = models.DateField(_("day of the alert"))
    contacted_at = models.DateTimeField(_("contacted at"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_by_name = models.CharField(max_length=254)
    note = models.CharField(_("note"), max_length=ALERT_CONTACT_NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["-triggered_on", "rule"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "rule", "triggered_on"], name="alert_contact_one_per_alert"
            ),
        ]

    def __str__(self):
        return f"{self.patient} {self.rule} {self.triggered_on.isoformat()} contacted"

    def contacted_on(self) -> date:
        """The day of the contact in the patient's time zone."""
        return timezone.localdate(self.contacted_at, timezone=self.patient.tz)


# Web Push: one row per browser that turned on notifications (issue #14) ---------------------------


class PushSubscription(models.Model):
    """A browser's push subscription for one user: where to post (`endpoint`, a push service
    address the browser chose) and the keys to encrypt for it (RFC 8291). Made and removed by
    that user only (tracker.views.push); tracker.push sends, and drops a row the push service
    says is gone (404 or 410). Goes with the user's account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)  # the browser's public key, base64url
    auth = models.CharField(max_length=50)  # 16-byte secret, base64url
    user_agent = models.CharField(_("device"), max_length=100, blank=True)  # "Chrome on Android"
    created = models.DateTimeField(auto_now_add=True)
    last_success = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.user} push on {self.user_agent or 'a device'}"


# Reminders (issue #14) ----------------------------------------------------------------------------
# The schedule is tracker.reminders (pure); finding and claiming due rows is
# tracker.reminder_queue; sending is tracker.reminder_delivery.


class ReminderSettings(models.Model):
    """One person's reminders for one diary: each user who can see the diary sets their own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="reminder_settings")
    diary_enabled = models.BooleanField(_("remind me to fill in the diary"), default=False)
    diary_time = models.TimeField(_("diary reminder time"), default=time(20, 0))
    # Dose times as "HH:MM" strings, sorted: the 1st for once-a-day medicines, the 2nd too for
    # twice a day, and so on (tracker.reminders.DOSES_A_DAY).
    medicine_times = models.JSONField(_("medicine dose times"), default=list, blank=True)
    taper_enabled = models.BooleanField(_("remind me the day before a dose changes"), default=False)
    labs_every_weeks = models.PositiveSmallIntegerField(
        _("lab tests every (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    next_visit_at = models.DateTimeField(_("next visit"), null=True, blank=True)
    notice_time = models.TimeField(_("time for day-before reminders"), default=time(18, 0))
    quiet_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    paused = models.BooleanField(_("pause all reminders"), default=False)
    email_enabled = models.BooleanField(_("by email"), default=True)
    push_enabled = models.BooleanField(_("by push notification"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "patient"], name="one_reminder_settings_per_user_and_patient"
            ),
            models.CheckConstraint(
                condition=between_or_null("labs_every_weeks", 1, 52),
                name="reminder_settings_labs_weeks_range",
            ),
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="reminder_settings_quiet_hours_both_or_neither",
            ),
        ]

    def __str__(self):
        return f"Reminders of {self.user} for {self.patient}"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    QUEUED = "queued", _("Waiting for the sender")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class SentReminder(models.Model):
    """One reminder for one person and diary at one scheduled time: the idempotency key.

    Inserted (ignoring conflicts) by send_due_reminders before anything is sent, so a crash, a
    retry or two schedulers at once never send it twice. Claimed (PENDING → QUEUED) under
    SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, with one task enqueued; the task takes it
    (QUEUED → SENDING, by a conditional update, so a second task finds nothing) and sends. A
    failed send goes back to PENDING with a later `next_attempt_at`, at most MAX_ATTEMPTS times;
    a row left SENDING by a worker that died is claimed again after STUCK_AFTER.
    """

    STUCK_AFTER = timedelta(minutes=15)

    MAX_ATTEMPTS = 4

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="sent_reminders")
    kind = models.CharField(max_length=10)  # a tracker.reminders kind
    due_at = models.DateTimeField()  # the scheduled time
    send_at = models.DateTimeField()  # after quiet hours
    title = models.CharField(max_length=120)  # first name and kind only
    text = models.CharField(max_length=300)
    detail = models.TextField(blank=True)  # email body only
    link = models.CharField(max_length=20, default="diary")
    status = models.CharField(
        max_length=8, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    channels_sent = models.CharField(max_length=40, blank=True)  # "email,push"
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="sent_reminder_claim"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "patient", "kind", "due_at"], name="one_reminder_per_due_time"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReminderStatus.values), name="sent_reminder_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.user} at {self.due_at.isoformat()} ({self.status})"


class CalendarFeed(models.Model):
    """A secret calendar URL (/calendar/<token>.ics) for one person and diary, revocable.

    Only the token's hash is kept: the URL is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    show_doses = models.BooleanField(_("show doses in my calendar"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "patient"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_calendar_feed_per_user_and_patient",
            ),
        ]

    def __str__(self):
        return f"Calendar of {self.user} for {self.patient}"

    @classmethod
    def issue(cls, user, patient, *, show_doses: bool = False) -> tuple["CalendarFeed", str]:
        """A new feed and its raw token; the person's earlier feed for this diary stops working."""
        now = timezone.now()
        cls.objects.filter(user=user, patient=patient, revoked_at__isnull=True).update(
            revoked_at=now
        )
        token = new_token()
        feed = cls.objects.create(
            user=user,
            patient=patient,
            token_hash=hash_token(token),
            show_doses=show_doses,
            created_at=now,
        )
        return feed, token

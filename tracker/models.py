"""Patients and who may see them. Every patient-data query goes through Patient.objects.for_user."""

import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
        grant = CareAccess.objects.filter(
            patient=models.OuterRef("pk"), user=user, revoked_at__isnull=True
        )
        return self.annotate(role=models.Subquery(grant.values("role")[:1]))


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_unit__in=WeightUnit.values), name="patient_weight_unit_valid"
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

    def is_child(self, day=None) -> bool:
        """Under 18 on the given day (today by default); unknown age counts as adult rules off."""
        age = self.age_on(day or self.today())
        return age is not None and age < 18


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
        verbose_name_plural = "care access"
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

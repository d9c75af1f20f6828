from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

OFFLINE_KEY_SALT = "fsgs_portal.accounts.offline-user"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        extra_fields.setdefault("email_confirmed_at", timezone.now())  # made by hand on the server
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an email address: a patient or a caregiver."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("your name"), max_length=120, blank=True)
    # Set when the person proves the address is theirs: the link emailed at sign-up, an
    # invitation link (sent to that address), or a password reset. Until then they cannot log in.
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    # The portal's language for this person: pages once signed in, and the emails, alerts and
    # reminders they receive. Blank until they choose (or sign up): the browser's then.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def language_or_default(self) -> str:
        """The language to write to this person in: theirs, else the site's."""
        return self.language or settings.LANGUAGE_CODE

    def get_short_name(self):
        return self.name or self.email

    @property
    def offline_key(self) -> str:
        """Who owns the diary days a device keeps offline: the page carries it in
        <meta name="offline-user">. An HMAC of the id (with SECRET_KEY), so the page shows no id
        or email, and it stays the same across sessions: a session that ends by itself keeps its
        person's waiting days for their next sign-in."""
        return salted_hmac(OFFLINE_KEY_SALT, str(self.pk), algorithm="sha256").hexdigest()[:32]

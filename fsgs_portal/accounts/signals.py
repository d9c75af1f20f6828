import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from fsgs_portal.middleware import SESSION_STARTED_KEY


@receiver(user_logged_in)
def remember_log_in_time(sender, request, user, **kwargs):
    """The absolute session lifetime counts from here (see SessionLifetimeMiddleware)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = time.time()

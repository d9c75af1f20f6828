"""Log-in throttling (SECURITY.md "Accounts", "Logs, limits and outages"), on django-axes.

Failures are counted three ways, each with its own limit (settings.LOGIN_THROTTLE):
- one account from one address (5): someone mistyping, or guessing one password;
- one address across accounts (30): one machine trying many accounts ("credential stuffing");
- one account across addresses (15): many machines guessing one account's password.
The two wider limits are higher, so a shared address (a clinic, a home network) and a person
whose account is being attacked are not locked out by a few mistakes.

django-axes has one failure limit for all the counts it keeps, so this handler scales each
count to it: a count reaches axes' limit exactly when it reaches its own. A lock runs from the
failure that caused it for AXES_COOLOFF_TIME: with AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
off, tries during a lock are not recorded, so they do not extend it.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def throttle_limits() -> list[int]:
    """Each count's limit, in the order of AXES_LOCKOUT_PARAMETERS."""
    return [limit for _params, limit in settings.LOGIN_THROTTLE]


class ThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures that count most toward a lock, on axes' scale (AXES_FAILURE_LIMIT):
        failures * AXES_FAILURE_LIMIT // own limit, which reaches AXES_FAILURE_LIMIT exactly
        when the failures reach their own limit."""
        scale = get_failure_limit(request, credentials)
        worst = 0
        attempts_list = self.get_user_attempts(request, credentials)
        for attempts, limit in zip(attempts_list, throttle_limits(), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            worst = max(worst, failures * scale // limit)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful log-in, forget only this account's failures from this address:
        logging in to one's own account must not clear an address's or an account's count
        (axes would delete every count the request matches)."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def cool_off_minutes(request=None) -> int:
    return int(get_cool_off(request).total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The "Too many tries" page, saying how long the cool-off is (AXES_COOLOFF_TIME)."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": cool_off_minutes(request)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )

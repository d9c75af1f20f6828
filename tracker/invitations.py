"""An invitation survives signing up or logging in from any link on the page.

The landing page keeps the link's token in the visitor's own session (never in a log). When that
person logs in (or signs up, which logs in), the receiver below notes the invitation on the
request, and the middleware turns the log-in's redirect (whatever `next` said) into one back to the
invitation, where they accept it. Nothing here touches the accounts views: any way of logging in
that sends `user_logged_in` (an email confirmation step, say) brings the person back.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse

from tracker.models import Invitation, hash_token

PENDING_KEY = "pending_invitation"
REDIRECTS = (301, 302, 303, 307, 308)


def remember(request, token: str) -> None:
    """Keep the token for after log-in (the session is the visitor's own)."""
    if request.session.get(PENDING_KEY) != token:
        request.session[PENDING_KEY] = token


def forget(request) -> None:
    request.session.pop(PENDING_KEY, None)


@receiver(user_logged_in, dispatch_uid="tracker.invitations.resume_after_log_in")
def resume_after_log_in(sender, request, user, **kwargs):
    """A pending invitation in the session: send the person back to it after this log-in."""
    session = getattr(request, "session", None) if request is not None else None
    token = session.pop(PENDING_KEY, None) if session is not None else None
    if not token:
        return
    if Invitation.objects.pending().filter(token_hash=hash_token(token)).exists():
        request.resume_invitation = reverse("invitation_accept", kwargs={"token": token})


class InvitationResumeMiddleware:
    """Point the log-in's redirect at the invitation noted by resume_after_log_in. Reads no
    session on other requests (so public pages stay free of `Vary: Cookie`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        target = getattr(request, "resume_invitation", None)
        if target and response.status_code in REDIRECTS:
            response["Location"] = target
        return response

"""Notifications on this device: the Web Push panel, and the JSON endpoints its script calls.

Subscriptions belong to the signed-in user, not to a diary: each view touches only
request.user.push_subscriptions. The page works without JavaScript as a list of devices with a
"Remove" button; turning push on needs the browser (static/js/push.js).
"""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from fsgs_portal.redirects import safe_next
from tracker.models import PushSubscription
from tracker.push import device_label, endpoint_allowed, keys_valid, push_enabled, send_push

# Devices kept per person: the newest; beyond that the oldest goes. Bounds the rows one account can
# add and the time "Send a test" can take.
MAX_PUSH_DEVICES = 10


def push_panel_context(request: HttpRequest) -> dict:
    """What templates/tracker/_push_panel.html needs; the reminders page includes it too."""
    return {
        "push_enabled": push_enabled(),
        "vapid_public_key": settings.VAPID_PUBLIC_KEY if push_enabled() else "",
        "push_devices": request.user.push_subscriptions.all(),
    }


@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    return render(request, "tracker/notifications.html", push_panel_context(request))


class SubscriptionForm(forms.Form):
    """A browser's PushSubscription.toJSON(), flattened: checked before the server posts to it."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.CharField(max_length=100)
    auth = forms.CharField(max_length=50)

    def clean_endpoint(self):
        endpoint = self.cleaned_data["endpoint"]
        if not endpoint_allowed(endpoint):
            raise forms.ValidationError(_("This browser's push service is not one we know."))
        return endpoint

    def clean(self):
        cleaned = super().clean()
        has_keys = "p256dh" in cleaned and "auth" in cleaned
        if has_keys and not keys_valid(cleaned["p256dh"], cleaned["auth"]):
            raise forms.ValidationError(_("The browser sent keys we cannot use."))
        return cleaned


def json_body(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def refusal(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "message": message}, status=status)


@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Store this browser's subscription, or refresh it (new keys, or another person signed in
    on the same browser: the device then reminds the person who turned it on last)."""
    if not push_enabled():
        return refusal(_("Notifications are off on this server."), status=409)
    data = json_body(request)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    form = SubscriptionForm(
        {"endpoint": data.get("endpoint"), "p256dh": keys.get("p256dh"), "auth": keys.get("auth")}
    )
    if not form.is_valid():
        return refusal(" ".join(message for errors in form.errors.values() for message in errors))
    PushSubscription.objects.update_or_create(
        endpoint=form.cleaned_data["endpoint"],
        defaults={
            "user": request.user,
            "p256dh": form.cleaned_data["p256dh"],
            "auth": form.cleaned_data["auth"],
            "user_agent": device_label(request.headers.get("User-Agent", "")),
            "last_error": "",
            "last_error_at": None,
        },
    )
    oldest = request.user.push_subscriptions.order_by("-created", "-pk")[MAX_PUSH_DEVICES:]
    PushSubscription.objects.filter(pk__in=list(oldest.values_list("pk", flat=True))).delete()
    return JsonResponse({"ok": True, "message": _("Notifications are on for this device.")})


@require_POST
def push_unsubscribe(request: HttpRequest) -> HttpResponse:
    """JSON {"endpoint"} from the script on that device, or a form's `device` id from the list of
    devices (then back to the page it is on, `next`). Only the user's own subscriptions: anything
    else is a no-op."""
    mine = request.user.push_subscriptions
    if request.content_type == "application/json":
        mine.filter(endpoint=str(json_body(request).get("endpoint", ""))).delete()
        return JsonResponse({"ok": True, "message": _("Notifications are off on this device.")})
    device = request.POST.get("device", "")
    if device.isdigit() and mine.filter(pk=int(device)).delete()[0]:
        messages.success(request, _("That device will get no more notifications."))
    return redirect(safe_next(request, reverse("notifications")))


@require_POST
def push_test(request: HttpRequest) -> JsonResponse:
    """Send a test to each of the user's devices, and say how it went."""
    if not push_enabled():
        return refusal(_("Notifications are off on this server."), status=409)
    result = send_push(
        request.user,
        title=_("Test from %(site)s") % {"site": settings.SITE_NAME},
        body=_("Notifications work on this device."),
        url=reverse("notifications"),
    )
    message = ngettext(
        "Test sent to %(count)d device.", "Test sent to %(count)d devices.", result.sent
    ) % {"count": result.sent}
    return JsonResponse(
        {"ok": not result.errors, "message": " ".join([message, *result.errors]), **vars(result)}
    )

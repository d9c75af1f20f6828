from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from fsgs_portal import redirects
from fsgs_portal.accounts.confirmation import (
    CONFIRMATION_DAYS,
    confirmation_tokens,
    send_confirmation,
    send_signup_attempt_notice,
)
from fsgs_portal.accounts.forms import LanguageForm, ResendConfirmationForm, SignupForm
from fsgs_portal.accounts.language import set_language_cookie
from fsgs_portal.accounts.models import User
from fsgs_portal.accounts.reauth import PasswordConfirmForm
from fsgs_portal.redirects import safe_next

# Sent when a person ends their session on purpose (log-out, deleting the account), so a shared
# device keeps nothing of theirs, even with JavaScript off: "cache" is the browser's HTTP cache;
# "storage" is IndexedDB (diary days waiting to send), the service worker's stored pages, local
# storage, and the service worker itself, with this device's push subscription. The worker comes
# back on the next page (static/js/offline.js registers it); saved guides must be saved again.
# A session that ends by itself sends nothing: its person's waiting days stay for their return.
CLEAR_SITE_DATA = '"cache", "storage"'


class LogoutView(redirects.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


@login_not_required
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up. The answer is the same whether or not the email has an account: a new account
    gets a confirmation link, the owner of a taken address gets a "someone tried to sign up"
    email, and both see the "check your email" page. Through an invitation link sent to this
    address (?next=, or kept in the session by the landing page), the address is proven: the
    account is ready at once, as before."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "diary")
    form = SignupForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None and invitation_proves(request, next_url, email):
            user = form.save(commit=False)
            user.email_confirmed_at = timezone.now()
            user.language = translation.get_language()
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:  # the same address signed up a moment ago
                existing = User.objects.get(email__iexact=email)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome! Your account is ready."))
                # No `next`: the invitation kept in the session takes over (tracker.invitations).
                return redirect(next_url or "diary")
        if existing is None:
            try:
                with transaction.atomic():
                    user = form.save(commit=False)
                    user.language = translation.get_language()  # the one they signed up in
                    user.save()
            except IntegrityError:
                existing = User.objects.get(email__iexact=email)
            else:
                send_confirmation(request, user)
        if existing is not None:
            # As long as making the account takes: the wait must not tell the two apart.
            make_password(form.cleaned_data["password1"])
            send_signup_attempt_notice(request, existing)
        return redirect("signup_done")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def invitation_proves(request: HttpRequest, next_url: str | None, email: str) -> bool:
    """True when the person came through a working invitation link for this very address, as
    `next` or as the link the landing page kept in their session: it was emailed there, so
    following it proves the address, as the confirmation link would."""
    from tracker.invitations import PENDING_KEY
    from tracker.models import Invitation, hash_token

    tokens = [request.session.get(PENDING_KEY)]
    if next_url:
        try:
            match = resolve(urlsplit(next_url).path)
        except Resolver404:
            match = None
        if match is not None and match.url_name == "invitation_accept":
            tokens.append(match.kwargs["token"])
    hashes = [hash_token(token) for token in tokens if token]
    if not hashes:
        return False
    pending = Invitation.objects.pending().filter(token_hash__in=hashes)
    return pending.filter(email__iexact=email).exists()


@login_not_required
@require_safe
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_done.html", {"days": CONFIRMATION_DAYS})


def user_for_uid(uidb64: str) -> User | None:
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        return User.objects.filter(pk=int(pk)).first()
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None


@login_not_required
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET: a button to confirm (a GET changes nothing, so mail scanners that open links do
    not use them up); POST: confirm, once, then log in with the password."""
    user = user_for_uid(uidb64)
    if user is None or not confirmation_tokens.check_token(user, token):
        context = {"invalid": True, "days": CONFIRMATION_DAYS}
        return render(request, "registration/email_confirm.html", context, status=404)
    if request.method == "GET":
        return render(request, "registration/email_confirm.html", {"email": user.email})
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    messages.success(request, _("Your email address is confirmed. Log in to start."))
    return redirect(f"{reverse('login')}?next={reverse('patient_create')}")


@login_not_required
@require_http_methods(["GET", "POST"])
def email_confirm_resend(request: HttpRequest) -> HttpResponse:
    """A new link for an account that is waiting for one. The answer is the same for any
    address, so this page does not tell who has an account either."""
    form = ResendConfirmationForm(request.POST or None, initial={"email": request.GET.get("email")})
    if request.method == "POST" and form.is_valid():
        waiting = User.objects.filter(email_confirmed_at__isnull=True, is_active=True)
        user = waiting.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is not None:
            send_confirmation(request, user)
        return redirect("signup_done")
    return render(request, "registration/email_confirm_resend.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The account page; POST saves the account's language (and switches the pages to it)."""
    from tracker.models import Patient

    initial = {"language": request.user.language or translation.get_language()}
    language_form = LanguageForm(request.POST or None, instance=request.user, initial=initial)
    if request.method == "POST" and language_form.is_valid():
        user = language_form.save()
        translation.activate(user.language)
        messages.success(request, _("Your language is saved."))
        response = redirect("profile")
        set_language_cookie(response, user.language)
        return response
    patients = Patient.objects.for_user(request.user).with_role(request.user)
    context = {"patients": patients, "language_form": language_form}
    return render(request, "registration/profile.html", context)


class DeleteAccountForm(PasswordConfirmForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, ask_password=True, **kwargs)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete the account after the password: the patients only this user owns go with it;
    patients the user helps with (or owns with someone else) stay, without this user."""
    from tracker import erase

    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        erase.erase_account(request.user)
        logout(request)
        messages.success(request, _("Your account and its diaries are deleted."))
        response = redirect("home")
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
    plan = erase.account_erasure(request.user)
    return render(request, "registration/account_delete.html", {"form": form, "plan": plan})

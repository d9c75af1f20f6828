from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from fsgs_portal.accounts.forms import SignupForm
from fsgs_portal.accounts.reauth import PasswordConfirmForm
from fsgs_portal.redirects import safe_next


@login_not_required
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up; from an invitation link (?next=), go back to it to accept."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "diary")
    form = SignupForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect(next_url or "patient_create")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@require_safe
def profile(request: HttpRequest) -> HttpResponse:
    from tracker.models import Patient

    patients = Patient.objects.for_user(request.user).with_role(request.user)
    return render(request, "registration/profile.html", {"patients": patients})


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
        return redirect("home")
    plan = erase.account_erasure(request.user)
    return render(request, "registration/account_delete.html", {"form": form, "plan": plan})

"""Pages for registering with a resident ID number, the profile and enterprise agents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from onestop.core.errors import OneStopError, PermissionDenied
from onestop.core.logging import get_logger
from onestop.core.permissions import is_staff_account, signed_in_user
from onestop.core.staff.errors import AccountDeactivated
from onestop.identity import actions
from onestop.identity.agency import agencies_of
from onestop.identity.codes import legacy_id_notice
from onestop.identity.field_errors import field_messages
from onestop.identity.initial_password import (
    SESSION_KEY,
    change_password,
    find_initial_password_setter,
    initial_password_notice,
)
from onestop.identity.models import Person
from onestop.identity.session_ended import session_ended
from onestop.identity.sign_in import BACKEND, check_sign_in_not_deactivated
from onestop.identity.throttle import (
    TooManySignInAttempts,
    check_sign_in_allowed,
    counting_registration_conflicts,
    record_failed_sign_in,
    record_successful_sign_in,
)

log = get_logger(__name__)

REGISTER_FIELDS = ("username", "password", "id_number", "name", "phone", "address")


class StaffSignInAtKiosk(PermissionDenied):
    code = "auth.staff_at_kiosk"
    message = _lazy(
        "This self-service kiosk is for applicants, so the staff account %(username)s "
        "cannot sign in here. Sign in at a staff computer, or here with an applicant's "
        "own account."
    )


class ThrottledLoginView(LoginView):
    """Show the sign-in page, rejecting attempts with 429 after repeated failures.

    The user name field takes a user name or a resident ID number (`sign_in`).

    A session that a kiosk page has flagged (`request.kiosk`) takes applicants only: a
    staff account is rejected with 403, so no staff session stays open on a public
    screen in the kiosk's layout.
    """

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "session_ended": session_ended(self.request),
        }

    def post(
        self, request: HttpRequest, *args: object, **kwargs: object
    ) -> HttpResponse:
        try:
            check_sign_in_allowed(request, request.POST.get("username", ""))
        except TooManySignInAttempts as error:
            context = self.get_context_data(
                form=AuthenticationForm(request), sign_in_error=error
            )
            return self.render_to_response(context, status=error.status)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if getattr(self.request, "kiosk", False) and is_staff_account(user):
            log.info("auth.staff_at_kiosk_rejected", user_id=user.pk)
            error = StaffSignInAtKiosk(username=user.get_username())
            context = self.get_context_data(form=form, sign_in_error=error)
            return self.render_to_response(context, status=error.status)
        record_successful_sign_in(self.request.POST.get("username", ""))
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = self.request.POST.get("username", "")
        try:
            check_sign_in_not_deactivated(
                username, self.request.POST.get("password", "")
            )
        except AccountDeactivated as error:
            context = self.get_context_data(form=form, sign_in_error=error)
            return self.render_to_response(context, status=error.status)
        record_failed_sign_in(self.request, username)
        return super().form_invalid(form)


def register(request: HttpRequest) -> HttpResponse:
    values = {name: request.POST.get(name, "") for name in REGISTER_FIELDS}
    error = None
    if request.method == "POST":
        try:
            with counting_registration_conflicts(request):
                person = actions.register_person(**values)
        except OneStopError as caught:
            error = caught
        else:
            login(request, person.user, backend=BACKEND)
            messages.success(
                request, _("Registered. Your details will be filled into every form.")
            )
            notice = legacy_id_notice(values["id_number"])
            if notice:
                messages.info(request, notice)
            return redirect(_own_site_url(request, request.GET.get("next", "")))
    values.pop("password")
    context = {
        "values": values,
        "error": error,
        "field_errors": field_messages(error) if error else {},
    }
    return render(
        request,
        "identity/register.html",
        context,
        status=error.status if error else 200,
    )


def _own_site_url(request: HttpRequest, target: str) -> str:
    """Return `target` when it is a URL of this site, else the URL name of the home
    page, the kiosk's in a kiosk session.

    A `next` pointing at another host would let a crafted link send a new applicant,
    signed in, to any site.
    """
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "kiosk:home" if getattr(request, "kiosk", False) else "home"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    person = Person.objects.filter(user=user).first()
    error = None
    values = {"phone": person.phone, "address": person.address} if person else {}
    if person is not None and request.method == "POST":
        # The values as typed come back with the errors, so that nothing typed is lost.
        values = {key: request.POST.get(key, "") for key in ("phone", "address")}
        try:
            person = actions.update_profile(actor=user, **values)
        except OneStopError as caught:
            error = caught
        else:
            messages.success(request, _("Profile saved."))
            return redirect("identity:profile")
    context = {
        "person": person,
        "agencies": list(agencies_of(person)) if person else [],
        "values": values,
        "error": error,
        "field_errors": field_messages(error) if error else {},
    }
    return render(
        request,
        "identity/profile.html",
        context,
        status=error.status if error else 200,
    )


@login_required
def enterprise(request: HttpRequest) -> HttpResponse:
    values = {
        k: request.POST.get(k, "")
        for k in ("uscc", "name", "legal_representative", "address")
    }
    error = None
    if request.method == "POST":
        try:
            actions.register_enterprise(actor=request.user, **values)
        except OneStopError as caught:
            error = caught
        else:
            messages.success(
                request,
                _(
                    "Your claim to act for this enterprise is recorded. Bring the "
                    "business licence and a power of attorney to a service centre's "
                    "window to have it verified."
                ),
            )
            return redirect("identity:profile")
    context = {
        "values": values,
        "error": error,
        "field_errors": field_messages(error) if error else {},
    }
    return render(
        request,
        "identity/enterprise.html",
        context,
        status=error.status if error else 200,
    )


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the signed-in user's password, which an initial password requires first."""
    user = signed_in_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        change_password(actor=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _("Your new password is saved."))
        return redirect("home")
    setter = find_initial_password_setter(user)
    context = {
        "form": form,
        "initial": bool(request.session.get(SESSION_KEY)),
        "initial_notice": initial_password_notice(setter) if setter else "",
        "new_password_errors": _coded_errors(form, "new_password2"),
    }
    return render(
        request,
        "identity/password_change.html",
        context,
        status=400 if form.errors else 200,
    )


def _coded_errors(form: PasswordChangeForm, field: str) -> list[tuple[str, str]]:
    """Return the field's errors as (code, message) pairs, such as the validators'
    `password_unchanged`, so that the page can mark each with its code."""
    return [
        (error.code or "", message)
        for error in form.errors.as_data().get(field, [])
        for message in error.messages
    ]

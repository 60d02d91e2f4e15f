"""Sign-in with a resident ID number on the portal, the kiosk and the token endpoint."""

from __future__ import annotations

import json
import re

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from onestop.core.models import AuditEvent, Membership, Role
from onestop.core.staff.accounts import reset_password
from onestop.identity.actions import register_person_at_window
from onestop.identity.codes import id_check_digit
from onestop.identity.initial_password import find_initial_password_setter
from onestop.identity.models import Person
from onestop.identity.sign_in import find_sign_in_user, sign_in_account_name
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db

APPLICANT_ID = "440604198503150024"
APPLICANT_MASKED = "4406**********0024"
# The demo applicant's number in its first-generation 15-digit form.
APPLICANT_LEGACY_ID = "440604850315002"
AGENT_ID_LOWER_X = "44060419900101123x"
FIRST_17 = "44060419920704123"
WALK_IN_ID = FIRST_17 + id_check_digit(FIRST_17)
UNREGISTERED_FIRST_17 = "11010119900307775"
UNREGISTERED_ID = UNREGISTERED_FIRST_17 + id_check_digit(UNREGISTERED_FIRST_17)


def sign_in(client: Client, identifier: str, password: str = PASSWORD, path=""):
    return client.post(
        path or "/accounts/login/",
        {"username": identifier, "password": password},
        REMOTE_ADDR="192.0.2.40",
    )


def token_attempt(identifier: str, password: str = PASSWORD):
    return Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": identifier, "password": password}),
        content_type="application/json",
        REMOTE_ADDR="192.0.2.41",
    )


def signed_in_username(client: Client) -> str:
    user_id = client.session.get("_auth_user_id")
    if user_id is None:
        return ""
    return get_user_model().objects.get(pk=user_id).get_username()


@pytest.mark.parametrize(
    ("identifier", "username"),
    [
        (APPLICANT_ID, "applicant"),
        (f" {APPLICANT_ID} ", "applicant"),
        (APPLICANT_LEGACY_ID, "applicant"),
        (AGENT_ID_LOWER_X, "agent"),
        ("applicant", "applicant"),
    ],
)
def test_portal_sign_in_by_id_number(demo, identifier, username):
    client = Client()

    response = sign_in(client, identifier)

    assert response.status_code == 302
    assert signed_in_username(client) == username


def test_async_authenticate_by_id_number(demo):
    user = async_to_sync(aauthenticate)(
        None, username=APPLICANT_LEGACY_ID, password=PASSWORD
    )

    assert user is not None
    assert user.get_username() == "applicant"


def test_kiosk_sign_in_by_id_number(demo):
    client = Client()

    response = sign_in(client, APPLICANT_ID, path="/kiosk/login/?next=/kiosk/")

    assert response.status_code == 302
    assert response["Location"] == "/kiosk/"
    assert signed_in_username(client) == "applicant"


def test_token_by_id_number(demo):
    response = token_attempt(AGENT_ID_LOWER_X)

    assert response.status_code == 200
    assert response.json()["token"].startswith("os_")


def test_wrong_password_same_answer_registered_or_not(demo):
    registered = sign_in(Client(), APPLICANT_ID, "wrong-password-1")
    unregistered = sign_in(Client(), UNREGISTERED_ID, "wrong-password-1")
    registered_text = registered.content.decode()
    unregistered_text = unregistered.content.decode()
    message = "The user name or ID number, or the password, is wrong."

    assert registered.status_code == 200
    assert unregistered.status_code == 200
    assert message in registered_text
    assert message in unregistered_text
    assert registered_text.count("error-message") == 1
    assert unregistered_text.count("error-message") == 1


def test_token_wrong_password_same_answer(demo):
    registered = token_attempt(APPLICANT_ID, "wrong-password-1")
    unregistered = token_attempt(UNREGISTERED_ID, "wrong-password-1")

    assert registered.status_code == 401
    assert unregistered.status_code == 401
    assert registered.json() == unregistered.json()
    assert registered.json()["code"] == "auth.bad_credentials"
    assert registered.json()["message"] == (
        "The user name or ID number, or the password, is wrong."
    )


def count_hashes(monkeypatch) -> list[str]:
    """Record each password hash computed, so tests can compare the work of failures."""
    calls: list[str] = []
    original = MD5PasswordHasher.encode

    def encode(self, password, salt):
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", encode)
    return calls


@pytest.mark.parametrize(
    "identifier",
    [APPLICANT_ID, UNREGISTERED_ID, "applicant", "no-such-user", APPLICANT_LEGACY_ID],
)
def test_failed_sign_in_hashes_once(demo, monkeypatch, identifier):
    calls = count_hashes(monkeypatch)

    response = token_attempt(identifier, "wrong-password-1")

    assert response.status_code == 401
    assert calls == ["wrong-password-1"]


def test_throttle_shared_by_both_forms(demo):
    client = Client()
    for _attempt in range(5):
        assert sign_in(client, "applicant", "wrong-password-1").status_code == 200

    by_id = sign_in(Client(), APPLICANT_LEGACY_ID)
    by_token = token_attempt(APPLICANT_ID)

    assert by_id.status_code == 429
    assert by_token.status_code == 429
    assert by_token.json()["code"] == "auth.too_many_attempts"


def test_throttle_counts_id_failures_for_username(demo):
    for identifier in [APPLICANT_ID, APPLICANT_LEGACY_ID, APPLICANT_ID.lower()] * 2:
        token_attempt(identifier, "wrong-password-1")

    response = token_attempt("applicant")

    assert response.status_code == 429


def test_account_name_same_for_both_forms(demo):
    by_name = sign_in_account_name("applicant")
    by_id = sign_in_account_name(APPLICANT_LEGACY_ID)

    assert by_name == by_id == f"id:{APPLICANT_ID}"
    assert sign_in_account_name("clerk") == "user:clerk"
    assert sign_in_account_name(UNREGISTERED_ID) == f"id:{UNREGISTERED_ID}"


def test_id_number_found_before_username(demo):
    get_user_model().objects.create_user(APPLICANT_ID, password="other-password-1")

    assert find_sign_in_user(APPLICANT_ID).get_username() == "applicant"
    assert find_sign_in_user(UNREGISTERED_ID) is None


def test_deactivated_account_by_id_number(demo):
    user = demo.user("applicant")
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = token_attempt(APPLICANT_ID)
    body = response.json()

    assert response.status_code == 403
    assert body["code"] == "auth.account_deactivated"
    assert APPLICANT_MASKED in body["message"]
    assert APPLICANT_ID not in json.dumps(body)


def test_deactivated_account_wrong_password_hidden(demo):
    user = demo.user("applicant")
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = token_attempt(APPLICANT_ID, "wrong-password-1")

    assert response.status_code == 401
    assert response.json()["code"] == "auth.bad_credentials"


def test_login_page_labels_id_number(demo):
    english = Client().get("/accounts/login/")
    chinese = Client(headers={"accept-language": "zh-hans"}).get("/accounts/login/")

    assert "User name or ID number" in english.content.decode()
    assert "用户名或身份证号" in chinese.content.decode()


def test_login_page_wrong_password_in_chinese(demo):
    client = Client(headers={"accept-language": "zh-hans"})

    response = sign_in(client, UNREGISTERED_ID, "wrong-password-1")

    assert "用户名（身份证号）或密码错误。" in response.content.decode()


def walk_in_reset(demo) -> str:
    """Register a walk-in applicant at the window, reset the password and return it."""
    clerk = demo.user("clerk")
    register_person_at_window(actor=clerk, id_number=WALK_IN_ID, name="张三")
    page = demo.client("clerk").post(
        "/window/password-reset/", {"id_number": WALK_IN_ID}
    )
    match = re.search(r"<code>([^<]+)</code>", page.content.decode())
    assert match is not None, page.content
    return match.group(1)


def test_walk_in_signs_in_by_id_number(demo):
    password = walk_in_reset(demo)
    client = Client()

    response = sign_in(client, WALK_IN_ID, password)
    change_page = client.get("/", follow=True)
    text = change_page.content.decode()

    assert response.status_code == 302
    assert change_page.redirect_chain == [("/accounts/password/", 302)]
    assert Person.objects.get(id_number=WALK_IN_ID).user.username.startswith("id-")
    assert 'id="initial-password-notice"' in text
    assert f"a clerk at the window of {demo.centre.name} set for you" in text, text


def test_reset_page_shows_id_number_sign_in(demo):
    clerk = demo.user("clerk")
    register_person_at_window(actor=clerk, id_number=WALK_IN_ID, name="张三")

    page = demo.client("clerk").post(
        "/window/password-reset/", {"id_number": WALK_IN_ID}
    )
    text = page.content.decode()
    masked = WALK_IN_ID[:4] + "*" * 10 + WALK_IN_ID[-4:]

    assert 'id="sign-in-with"' in text
    assert f"resident ID number {masked} and this password" in text


def test_admin_reset_named_on_change_page(demo):
    user = get_user_model().objects.create_user("new-clerk", password=PASSWORD)
    Membership.objects.create(user=user, centre=demo.centre, role=Role.CLERK)
    password = reset_password(
        actor=demo.user("centreadmin"), user=user, centre=demo.centre
    )
    client = Client()

    sign_in(client, "new-clerk", password)
    text = client.get("/accounts/password/").content.decode()

    assert f"an admin of {demo.centre.name} set for you" in text
    assert "clerk at the window" not in text


def test_setter_of_window_reset_is_clerk(demo):
    walk_in_reset(demo)
    user = Person.objects.get(id_number=WALK_IN_ID).user

    setter = find_initial_password_setter(user)

    assert setter is not None
    assert setter.role == Role.CLERK
    assert setter.centre_name == demo.centre.name
    assert AuditEvent.objects.filter(verb="account.password_reset_at_window").exists()


def test_setter_none_without_initial_password(demo):
    assert find_initial_password_setter(demo.user("applicant")) is None

"""Sign-in throttling, walk-in registration at the window, the profile update and /office/."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from onestop.cases.models import Case
from onestop.core.errors import InvalidInput, PermissionDenied
from onestop.core.models import AuditEvent
from onestop.identity.actions import IdNumberTaken, register_person_at_window
from onestop.identity.codes import id_check_digit
from onestop.identity.models import Person, SignInThrottle
from onestop.portal.demo import PASSWORD

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
FIRST_17 = "44060419920704123"
WALK_IN_ID = FIRST_17 + id_check_digit(FIRST_17)


def stored_throttle_keys() -> list[str]:
    return list(SignInThrottle.objects.values_list("key", flat=True))


def token_attempt(client: Client, username: str, password: str, address: str):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def login_attempt(client: Client, username: str, password: str, address: str):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_token_rejected_after_five_failures(demo):
    client = Client()
    statuses = [
        token_attempt(client, "applicant", "wrong", "192.0.2.10").status_code
        for _ in range(5)
    ]
    response = token_attempt(client, "applicant", PASSWORD, "192.0.2.10")

    assert statuses == [401] * 5
    assert response.status_code == 429
    assert response.json()["code"] == "auth.too_many_attempts"
    assert "15 minutes" in response.json()["message"]
    assert "token" not in response.json()
    assert response["Retry-After"] == str(response.json()["details"]["retry_after"])


def test_token_throttle_counts_user_name_across_addresses(demo):
    client = Client()
    for index in range(5):
        token_attempt(client, "applicant", "wrong", f"192.0.2.{20 + index}")

    response = token_attempt(client, "applicant", PASSWORD, "192.0.2.99")

    assert response.status_code == 429


def test_token_throttle_spares_shared_address(demo):
    client = Client()
    for index in range(5):
        token_attempt(client, f"nobody-{index}", "wrong", "192.0.2.30")

    response = token_attempt(client, "applicant", PASSWORD, "192.0.2.30")

    assert response.status_code == 200


def test_token_throttle_locks_address_at_its_limit(demo, settings):
    settings.ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS = 3
    client = Client()
    for index in range(3):
        token_attempt(client, f"nobody-{index}", "wrong", "192.0.2.32")

    blocked = token_attempt(client, "applicant", PASSWORD, "192.0.2.32")
    elsewhere = token_attempt(client, "applicant", PASSWORD, "192.0.2.33")

    assert blocked.status_code == 429
    assert blocked.json()["code"] == "auth.too_many_attempts"
    assert elsewhere.status_code == 200


def test_address_limit_defaults_to_100():
    from django.conf import settings

    assert settings.ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS == 100


def test_token_throttle_reads_client_ip_header(demo, settings):
    settings.ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS = 3
    settings.ONESTOP_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client = Client()
    for index in range(3):
        client.post(
            "/api/v1/auth/token",
            {"username": f"nobody-{index}", "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_REAL_IP="198.51.100.7",
        )

    def attempt_from(address: str) -> int:
        return client.post(
            "/api/v1/auth/token",
            {"username": "applicant", "password": PASSWORD},
            content_type="application/json",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_REAL_IP=address,
        ).status_code

    assert attempt_from("198.51.100.7") == 429
    assert attempt_from("198.51.100.8") == 200


def test_token_success_resets_user_counter(demo):
    client = Client()
    for index in range(4):
        token_attempt(client, "applicant", "wrong", f"192.0.2.{40 + index}")
    assert token_attempt(client, "applicant", PASSWORD, "192.0.2.50").status_code == 200

    for index in range(4):
        token_attempt(client, "applicant", "wrong", f"192.0.2.{60 + index}")
    response = token_attempt(client, "applicant", PASSWORD, "192.0.2.70")

    assert response.status_code == 200


def test_throttle_logs_no_user_name(demo, caplog):
    client = Client()
    with caplog.at_level(logging.INFO):
        for _ in range(6):
            token_attempt(client, "applicant", "wrong", "192.0.2.80")

    assert "auth.throttled" in caplog.text
    assert "applicant" not in caplog.text
    assert all("applicant" not in key for key in stored_throttle_keys())


def test_login_page_rejected_after_five_failures(demo):
    client = Client()
    statuses = [
        login_attempt(client, "applicant", "wrong", "192.0.2.90").status_code
        for _ in range(5)
    ]
    response = login_attempt(client, "applicant", PASSWORD, "192.0.2.90")

    assert statuses == [200] * 5
    assert response.status_code == 429
    assert b'data-code="auth.too_many_attempts"' in response.content
    assert "_auth_user_id" not in client.session


def test_login_page_message_translated(demo):
    client = Client(headers={"accept-language": "zh-hans"})
    for _ in range(5):
        login_attempt(client, "applicant", "wrong", "192.0.2.91")

    response = login_attempt(client, "applicant", PASSWORD, "192.0.2.91")

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_login_page_success_signs_in(demo):
    client = Client()
    login_attempt(client, "applicant", "wrong", "192.0.2.92")

    response = login_attempt(client, "applicant", PASSWORD, "192.0.2.92")

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_register_at_window_creates_person(demo):
    person = register_person_at_window(
        actor=demo.user("clerk"), id_number=WALK_IN_ID, name="王芳", phone="13700137000"
    )

    assert person.id_number == WALK_IN_ID
    assert person.name == "王芳"
    assert person.phone == "13700137000"
    assert not person.user.has_usable_password()
    assert person.user.username.startswith("id-")
    assert WALK_IN_ID not in person.user.username
    assert AuditEvent.objects.filter(
        verb="person.registered_at_window",
        object_id=str(person.pk),
        actor=demo.user("clerk"),
    ).exists()


def test_register_at_window_needs_clerk(demo):
    with pytest.raises(PermissionDenied):
        register_person_at_window(
            actor=demo.user("reviewer"), id_number=WALK_IN_ID, name="王芳"
        )

    assert not Person.objects.filter(id_number=WALK_IN_ID).exists()


def test_register_at_window_rejects_duplicate(demo):
    with pytest.raises(IdNumberTaken):
        register_person_at_window(
            actor=demo.user("clerk"), id_number="440604198503150024", name="李秀英"
        )


def test_register_page_of_registered_applicant_offers_next_steps(demo):
    registered_id = "440604198503150024"
    users_before = get_user_model().objects.count()

    response = demo.client("clerk").post(
        f"/window/register/?matter={FOOD}",
        # The name is invalid too, but nothing is to be registered, so it is not named.
        {"step": "register", "id_number": registered_id, "name": "<b>"},
    )

    text = response.content.decode()
    assert response.status_code == 409
    assert 'data-code="identity.id_number_registered"' in text
    assert "already has an account" in text
    assert "Sign in instead" not in text
    assert 'id="continue-to-case"' in text
    assert 'id="give-password"' in text
    assert f'name="id_number" value="{registered_id}"' in text
    assert get_user_model().objects.count() == users_before


def test_register_at_window_checks_id_number(demo):
    users_before = get_user_model().objects.count()

    with pytest.raises(InvalidInput) as caught:
        register_person_at_window(
            actor=demo.user("clerk"), id_number=FIRST_17 + "0", name="王芳"
        )

    assert caught.value.code == "id_number.check_digit"
    assert get_user_model().objects.count() == users_before


def test_new_case_links_to_registration(demo):
    clerk = demo.client("clerk")

    response = clerk.post(
        f"/window/new/{FOOD}/", {"step": "identify", "id_number": WALK_IN_ID}
    )

    assert response.status_code == 404
    assert b'id="register-applicant"' in response.content
    assert f"/window/register/?matter={FOOD}".encode() in response.content


def test_register_page_returns_to_new_case(demo):
    clerk = demo.client("clerk")

    response = clerk.post(
        f"/window/register/?matter={FOOD}",
        {"step": "register", "id_number": WALK_IN_ID, "name": "王芳"},
    )
    back = clerk.post(
        f"/window/new/{FOOD}/", {"step": "identify", "id_number": WALK_IN_ID}
    )

    assert response.status_code == 200
    assert b'id="continue-to-case"' in response.content
    assert f'action="/window/new/{FOOD}/"'.encode() in response.content
    assert Person.objects.filter(id_number=WALK_IN_ID).exists()
    assert back.status_code == 200
    assert b'id="window-form"' in back.content


def test_register_page_prefills_posted_id_number(demo):
    response = demo.client("clerk").post(
        f"/window/register/?matter={FOOD}", {"id_number": WALK_IN_ID}
    )

    assert response.status_code == 200
    assert f'value="{WALK_IN_ID}"'.encode() in response.content
    assert not Person.objects.filter(id_number=WALK_IN_ID).exists()


def test_register_page_forbidden_to_applicant(demo):
    response = demo.client("applicant").get("/window/register/")

    assert response.status_code == 403


def test_profile_put_keeps_omitted_fields(demo):
    client = demo.client("applicant")

    response = client.put(
        "/api/v1/identity/me", {"address": "新地址"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["address"] == "新地址"
    assert response.json()["phone"] == "13800138000"


def test_profile_put_rejects_unknown_fields(demo):
    client = demo.client("applicant")

    response = client.put(
        "/api/v1/identity/me", {"name": "张三"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert Person.objects.get(user__username="applicant").name == "李秀英"


def test_profile_put_empty_string_clears_phone(demo):
    client = demo.client("applicant")

    response = client.put(
        "/api/v1/identity/me", {"phone": ""}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["phone"] == ""
    assert response.json()["address"] == "佛山市禅城区祖庙路1号"


@pytest.mark.parametrize("username", ["applicant", "clerk", "supervisor"])
def test_office_forbidden_without_department_role(demo, username):
    response = demo.client(username).get("/office/")

    assert response.status_code == 403


def test_office_shows_department_admin_open_cases(demo):
    number = _accepted_food_case(demo)

    response = demo.client("deptadmin").get("/office/")

    assert response.status_code == 200
    assert number.encode() in response.content


def test_office_hides_other_department_cases(demo):
    number = _accepted_food_case(demo)

    response = demo.client("reviewer-public_security").get("/office/")

    assert response.status_code == 200
    assert number.encode() not in response.content


def test_demo_command_prints_every_reviewer(demo, capsys):
    call_command("demo", "--logins-only")
    output = capsys.readouterr().out

    assert "reviewer-public_security" in output
    assert "佛山市禅城区公安局" in output
    assert "reviewer-civil_affairs" in output
    assert "佛山市禅城区民政局" in output
    assert "reviewer-<role>" not in output


def _accepted_food_case(demo) -> str:
    from onestop.catalog.models import Matter
    from onestop.testing import material_files, valid_form

    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = {"centre": demo.centre.slug, "matter": FOOD}
    data.update(valid_form(matter))
    data.update(material_files(matter))
    applicant = demo.client("applicant")
    number = applicant.post(
        "/api/v1/cases", data, headers={"Idempotency-Key": "office-1"}
    ).json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept",
        {"window": "1"},
        content_type="application/json",
    )
    assert Case.objects.filter(number=number).exists()
    return number


def test_window_registration_offers_a_one_time_password(demo):
    clerk = demo.client("clerk")

    registered = clerk.post(
        "/window/register/",
        {"step": "register", "id_number": WALK_IN_ID, "name": "王芳"},
    ).content.decode()
    reset = clerk.post("/window/password-reset/", {"id_number": WALK_IN_ID})

    assert 'id="give-password"' in registered
    assert f'name="id_number" value="{WALK_IN_ID}"' in registered
    assert reset.status_code == 200
    assert Person.objects.get(id_number=WALK_IN_ID).user.has_usable_password()


def test_header_shows_masked_name_of_window_registered_account(demo):
    person = register_person_at_window(
        actor=demo.user("clerk"), id_number=WALK_IN_ID, name="王芳芳"
    )
    client = Client()
    client.force_login(person.user)

    page = client.get("/portal/cases/").content.decode()

    assert f"({person.masked_name})" in page
    assert person.user.username not in page


def test_reloaded_reset_form_issues_no_second_password(demo):
    register_person_at_window(
        actor=demo.user("clerk"), id_number=WALK_IN_ID, name="王芳"
    )
    clerk = demo.client("clerk")
    sent = {"id_number": WALK_IN_ID, "form_id": "0123456789abcdef"}

    first = clerk.post("/window/password-reset/", sent)
    password_hash = Person.objects.get(id_number=WALK_IN_ID).user.password
    again = clerk.post("/window/password-reset/", sent)

    assert first.status_code == 200
    assert again.status_code == 409
    assert 'data-code="window.password_already_issued"' in again.content.decode()
    assert Person.objects.get(id_number=WALK_IN_ID).user.password == password_hash

"""Forms take names with ideographs outside the BMP (4 bytes in UTF-8) and store them
unchanged, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Model
from django.test import Client

from onestop.identity.codes import id_check_digit, uscc_check_character
from onestop.identity.models import Enterprise, Person

pytestmark = pytest.mark.django_db

# 𠮷 U+20BB7, 𡈽 U+2123D and 𪚥 U+2A6A5 are in CJK Extension B.
RARE_NAME = "𡈽𪚥𠮷"
FIRST_17 = "44060419770815321"
ID_NUMBER = FIRST_17 + id_check_digit(FIRST_17)
USCC_17 = "91440604MA4W9Y8X7"


def stored_octets(model: type[Model], pk: int, column: str) -> int:
    """Return how many bytes the database holds for the column of one row."""
    quoted = connection.ops.quote_name(column)
    size = (
        f"octet_length({quoted})"
        if connection.vendor == "postgresql"
        else f"length(CAST({quoted} AS BLOB))"
    )
    table = connection.ops.quote_name(model._meta.db_table)
    # The names in the query come from the model, never from input.
    query = f"SELECT {size} FROM {table} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, [pk])
        return cursor.fetchone()[0]


def assert_stored_unchanged(
    model: type[Model], pk: int, column: str, value: str
) -> None:
    row = model._default_manager.get(pk=pk)
    assert getattr(row, column) == value
    assert stored_octets(model, pk, column) == len(value.encode("utf-8"))


def test_self_registration_stores_rare_name():
    response = Client().post(
        "/accounts/register/",
        {
            "username": "rare",
            "password": "a-long-passphrase-1",
            "id_number": ID_NUMBER,
            "name": RARE_NAME,
        },
    )

    assert response.status_code == 302
    person = Person.objects.get(user__username="rare")
    assert_stored_unchanged(Person, person.pk, "name", RARE_NAME)
    assert stored_octets(Person, person.pk, "name") == 12


def test_window_registration_stores_rare_name(demo):
    response = demo.client("clerk").post(
        "/window/register/",
        {"step": "register", "id_number": ID_NUMBER, "name": RARE_NAME},
    )

    assert response.status_code == 200
    person = Person.objects.get(id_number=ID_NUMBER)
    assert_stored_unchanged(Person, person.pk, "name", RARE_NAME)


def test_enterprise_form_stores_rare_names(demo):
    uscc = USCC_17 + uscc_check_character(USCC_17)
    values = {
        "uscc": uscc,
        "name": "佛山市𠮷野家餐饮有限公司",
        "legal_representative": RARE_NAME,
    }

    response = demo.client("applicant").post("/accounts/enterprises/", values)

    assert response.status_code in (200, 302), response.content.decode()
    enterprise = Enterprise.objects.get(uscc=uscc)
    assert_stored_unchanged(Enterprise, enterprise.pk, "name", values["name"])
    assert_stored_unchanged(
        Enterprise, enterprise.pk, "legal_representative", RARE_NAME
    )


@pytest.mark.postgres
def test_postgresql_database_is_utf8():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone()[0] == "UTF8"


# U+2F800 is a CJK compatibility ideograph whose NFC form is 丽 U+4E3D, and U+33400 is
# in Extension J (Unicode 17.0), which Python 3.13's Unicode 15.1 data leaves unassigned.
COMPATIBILITY_NAME = "陈\U0002f800"
EXTENSION_J_NAME = "王\U00033400"


def register_by_api(name: str, address: str = ""):
    body = {
        "username": "rare",
        "password": "a-long-passphrase-1",
        "id_number": ID_NUMBER,
        "name": name,
        "address": address,
    }
    return Client().post(
        "/api/v1/identity/persons", body, content_type="application/json"
    )


def test_api_stores_compatibility_ideograph_as_written():
    response = register_by_api(COMPATIBILITY_NAME)

    assert response.status_code == 201, response.content
    assert response.json()["name"] == COMPATIBILITY_NAME
    assert response.json()["notices"] == []
    person = Person.objects.get(user__username="rare")
    assert_stored_unchanged(Person, person.pk, "name", COMPATIBILITY_NAME)
    assert person.name != "陈丽"


def test_api_accepts_extension_j_name_and_address():
    response = register_by_api(EXTENSION_J_NAME, address="佛山市\U00033400村1号")

    assert response.status_code == 201, response.content
    person = Person.objects.get(user__username="rare")
    assert_stored_unchanged(Person, person.pk, "name", EXTENSION_J_NAME)
    assert_stored_unchanged(Person, person.pk, "address", "佛山市\U00033400村1号")


def test_unassigned_plane_3_character_still_rejected():
    response = register_by_api("王\U0003347a", address="")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "identity.name_character_invalid"
    assert body["details"]["character"] == "\U0003347a"
    assert body["details"]["code_point"] == "U+3347A"
    assert body["details"]["position"] == 2


def test_enterprise_accepts_newer_and_compatibility_ideographs(demo):
    uscc = USCC_17 + uscc_check_character(USCC_17)
    values = {
        "uscc": uscc,
        "name": "佛山市\U00033400\U0002f800餐饮有限公司",
        "legal_representative": EXTENSION_J_NAME,
    }

    response = demo.client("applicant").post(
        "/api/v1/identity/enterprises", values, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    enterprise = Enterprise.objects.get(uscc=uscc)
    assert_stored_unchanged(Enterprise, enterprise.pk, "name", values["name"])
    assert_stored_unchanged(
        Enterprise, enterprise.pk, "legal_representative", EXTENSION_J_NAME
    )

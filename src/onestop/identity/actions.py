"""Registration of persons and enterprises, and the profile that prefills every form."""

from __future__ import annotations

import secrets
import unicodedata
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import record_event
from onestop.core.errors import (
    Coded,
    Conflict,
    InvalidInput,
    PermissionDenied,
    code_point,
    code_point_text,
    list_text,
)
from onestop.core.ideographs import is_letter, is_printable
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Role
from onestop.core.permissions import RoleRequired, find_role
from onestop.identity.agency import claim_agency
from onestop.identity.codes import (
    NAME_SEPARATORS,
    ResidentId,
    Uscc,
    check_phone,
    parse_resident_id,
    parse_uscc,
)
from onestop.identity.field_errors import (
    EnterpriseCorrectionInvalid,
    FieldErrors,
    ProfileInvalid,
)
from onestop.identity.models import Enterprise, Person

log = get_logger(__name__)

MAX_NAME_LENGTH = 60
MAX_ENTERPRISE_NAME_LENGTH = 200
MAX_ADDRESS_LENGTH = 200
MAX_USERNAME_LENGTH = 150
# Characters that no registered name contains. They only serve markup or scripts.
FORBIDDEN_NAME_CHARACTERS = "<>\"'&;\n\r\t\ufffd"


class IdNumberTaken(Conflict):
    code = "identity.id_number_registered"
    message = _("The ID number %(masked)s is already registered. Sign in instead.")


class IdNumberTakenAtWindow(IdNumberTaken):
    """The walk-in applicant already has an account: the clerk serves them without
    registering. `id_number` is the parsed number, for the page's next steps; it never
    enters the details."""

    message = _(
        "The ID number %(masked)s already has an account, so the applicant needs no "
        "registration: go on with the application, or give a one-time password if "
        "they cannot sign in."
    )

    def __init__(self, *, id_number: str, masked: str) -> None:
        super().__init__(masked=masked)
        self.id_number = id_number


class UsernameTaken(Conflict):
    code = "identity.username_taken"
    message = _("The user name %(username)s is taken. Choose another one.")


class UsernameIsOtherIdNumber(InvalidInput):
    code = "identity.username_is_id_number"
    message = _(
        "The user name %(masked)s is a resident ID number other than yours. Choose "
        "another user name. You can always sign in with your own ID number."
    )


class WeakPassword(InvalidInput):
    code = "identity.weak_password"
    message = _("The password is not accepted: %(reasons)s")


class UsernameInvalid(InvalidInput):
    code = "identity.username_invalid"
    message = _(
        "Choose a user name of 1 to %(max)s characters: letters, digits and the "
        "characters @ . + - _ only."
    )


class NamedField(models.TextChoices):
    """A name field of a registration: its key for details, its label for messages."""

    NAME = "name", _("The name")
    LEGAL_REPRESENTATIVE = "legal_representative", _("The legal representative's name")
    ENTERPRISE_NAME = "enterprise_name", _("The enterprise name")


class NameInvalid(InvalidInput):
    code = "identity.name_invalid"
    message = _(
        "%(name_field)s is empty or too long. Enter it as on the ID card, 1 to %(max)s "
        "characters."
    )


class CharacterInvalid(InvalidInput):
    """A character that a text cannot contain. The details give the `character`, its
    `code_point` (U+XXXX) and its `position` in the text sent, counted from 1."""

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        values["character"] = self.shown_character(str(self.details["character"]))
        return values

    def shown_character(self, character: str) -> str:
        """Show the character in the message: quoted when printable, else U+XXXX."""
        if is_printable(character):
            return f"“{character}”"
        return code_point(character)


class NameCharacterInvalid(CharacterInvalid):
    code = "identity.name_character_invalid"
    message = _(
        "%(name_field)s contains %(character)s, which no name on an ID card or "
        "business licence contains. Remove it: the characters < > \" ' & ; and line "
        "breaks are not accepted."
    )


class PersonNameCharacterInvalid(NameCharacterInvalid):
    """A person's name with a character other than a letter, a mark after a letter or
    a separator. `details.separators` lists the separators accepted between parts."""

    message = _(
        "%(name_field)s contains %(character)s, which is not a letter or an "
        "ideograph. A person's name contains only letters and ideographs, with "
        "%(separators)s or a space between its parts. Remove the character, or type "
        "the name as on the ID card."
    )

    def shown_character(self, character: str) -> str:
        """Show the character with its code point and name: “😀” U+1F600 (GRINNING
        FACE), or only the code point and name when it is invisible."""
        if is_printable(character):
            return f"“{character}” {code_point_text(character)}"
        return code_point_text(character)


class AddressCharacterInvalid(CharacterInvalid):
    code = "identity.address_character_invalid"
    message = _(
        "The address contains %(character)s, a control or invisible character that "
        "an address cannot contain. Type the address again without it."
    )


class EnterpriseNameInvalid(InvalidInput):
    code = "identity.enterprise_name_invalid"
    message = _(
        "Enter the enterprise name as on its business licence, 1 to %(max)s characters."
    )


class AddressInvalid(InvalidInput):
    code = "identity.address_invalid"
    message = _(
        "The address has %(length)s characters; at most %(max)s are accepted. Shorten "
        "it, for example by leaving out the province."
    )


class NotRegisteredPerson(PermissionDenied):
    code = "identity.not_registered"
    message = _("Register as a person with your resident ID number first.")


def register_person(
    *,
    username: str,
    password: str,
    id_number: str,
    name: str,
    phone: str = "",
    address: str = "",
) -> Person:
    """Create a login and a person for a valid resident ID number (一号申请).

    Every field is checked before anything is saved, and one error lists every invalid
    field (see `FieldErrors`).
    """
    errors = FieldErrors()
    username = errors.check("username", _check_username, username) or ""
    errors.check("password", lambda value: _check_password(value, username), password)
    resident = errors.check("id_number", parse_resident_id, id_number)
    name = errors.check("name", _check_name, name) or ""
    phone = errors.check("phone", _check_optional_phone, phone) or ""
    address = errors.check("address", _check_address, address) or ""

    if username:
        _check_username_not_other_id(errors, username, resident)

    # The conflicts are looked up even when other fields are invalid, so that one
    # response lists them with every field error.
    user_model = get_user_model()
    if resident and Person.objects.filter(id_number=resident.number).exists():
        errors.add("id_number", IdNumberTaken(masked=resident.masked))
    if username and user_model.objects.filter(username=username).exists():
        errors.add("username", UsernameTaken(username=username))
    errors.raise_if_any()
    # raise_if_any raised when the ID number was invalid, so it is parsed here.
    resident = cast(ResidentId, resident)

    try:
        with transaction.atomic():
            user = user_model.objects.create_user(username=username, password=password)
            person = Person.objects.create(
                user=user,
                id_number=resident.number,
                name=name,
                birth_date=resident.birth_date,
                phone=phone,
                address=address,
            )
            record_event(
                actor=user,
                actor_role="applicant",
                verb="person.registered",
                object_type="person",
                object_id=person.pk,
            )
    except IntegrityError:
        raise IdNumberTaken(masked=resident.masked) from None
    log.info("person.registered", person_id=person.pk)
    return person


def register_person_at_window(
    *, actor: Any, id_number: str, name: str, phone: str = "", address: str = ""
) -> Person:
    """Register a walk-in applicant without an account, on behalf of a window clerk.

    The new user has an unusable password and a random user name, never the ID number, so
    the applicant can be served at once and sets up a login later.
    """
    membership = find_role(actor, [Role.CLERK])
    if membership is None:
        raise RoleRequired(role=Role.CLERK, centre="")
    errors = FieldErrors()
    resident = errors.check("id_number", parse_resident_id, id_number)
    if resident and Person.objects.filter(id_number=resident.number).exists():
        # Nothing is to be registered, so the other fields' mistakes do not matter.
        registered = IdNumberTakenAtWindow(
            id_number=resident.number, masked=resident.masked
        )
        registered.details["field"] = "id_number"
        raise registered
    name = errors.check("name", _check_name, name) or ""
    phone = errors.check("phone", _check_optional_phone, phone) or ""
    address = errors.check("address", _check_address, address) or ""
    errors.raise_if_any()
    # raise_if_any raised when the ID number was invalid, so it is parsed here.
    resident = cast(ResidentId, resident)
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=f"id-{secrets.token_hex(8)}", password=None
            )
            person = Person.objects.create(
                user=user,
                id_number=resident.number,
                name=name,
                birth_date=resident.birth_date,
                phone=phone,
                address=address,
            )
            record_event(
                actor=actor,
                actor_role=Role.CLERK,
                verb="person.registered_at_window",
                object_type="person",
                object_id=person.pk,
                centre=membership.centre,
            )
    except IntegrityError:
        raise IdNumberTakenAtWindow(
            id_number=resident.number, masked=resident.masked
        ) from None
    log.info("person.registered_at_window", person_id=person.pk)
    return person


def update_profile(
    *, actor: Any, phone: str | None = None, address: str | None = None
) -> Person:
    """Change the phone and address that prefill every form. Name and ID number are fixed.

    None keeps the stored value; an empty string clears it. Both fields are checked
    before anything is saved, and one error lists every invalid field.
    """
    person = Person.objects.filter(user_id=actor.pk).first()
    if person is None:
        raise NotRegisteredPerson()
    errors = FieldErrors(ProfileInvalid)
    if phone is not None:
        person.phone = errors.check("phone", _check_optional_phone, phone) or ""
    if address is not None:
        person.address = errors.check("address", _check_address, address) or ""
    errors.raise_if_any()
    with transaction.atomic():
        person.save(update_fields=["phone", "address"])
        record_event(
            actor=actor,
            actor_role="applicant",
            verb="person.profile_updated",
            object_type="person",
            object_id=person.pk,
        )
    return person


def register_enterprise(
    *, actor: Any, uscc: str, name: str, legal_representative: str, address: str = ""
) -> Enterprise:
    """Register an enterprise by its USCC and claim to act for it (经办人), pending
    verification at a service centre's window (see `identity.agency`).

    The name, legal representative and address are stored only for a code not
    registered yet. Anyone may claim an enterprise, whether or not it has verified
    agents, because an enterprise may have several agents and a false claim gives
    nothing until a clerk checks it. NOTE: the typed name and legal representative are
    not checked against the market regulation register, because no connector to it
    exists yet. The clerk compares them with the business licence and corrects them.
    """
    person = Person.objects.filter(user_id=actor.pk).first()
    if person is None:
        raise NotRegisteredPerson()
    errors = FieldErrors()
    parsed = errors.check("uscc", parse_uscc, uscc)
    name = errors.check("name", _check_enterprise_name, name) or ""
    representative = errors.check(
        "legal_representative",
        lambda value: _check_name(value, NamedField.LEGAL_REPRESENTATIVE),
        legal_representative,
    )
    address = errors.check("address", _check_address, address) or ""
    errors.raise_if_any()
    # raise_if_any raised when the code was invalid, so it is parsed here.
    code = cast(Uscc, parsed).code
    with transaction.atomic():
        enterprise, _created = Enterprise.objects.get_or_create(
            uscc=code,
            defaults={
                "name": name,
                "legal_representative": representative or "",
                "address": address,
            },
        )
        claim_agency(actor=actor, person=person, enterprise=enterprise)
    return enterprise


def correct_enterprise(
    *,
    actor: Any,
    role: str,
    centre: Centre,
    enterprise: Enterprise,
    name: str | None = None,
    legal_representative: str | None = None,
) -> list[str]:
    """Correct the enterprise's name and legal representative to those that a window
    clerk read on its business licence, and return the names of the changed fields.

    None keeps a field. Both fields are checked before anything is saved, and one error
    lists every invalid field. The audit event `enterprise.corrected` keeps the old and
    the new values. The log line names the changed fields only, because the legal
    representative's name is personal data. Runs in the caller's transaction.
    """
    errors = FieldErrors(EnterpriseCorrectionInvalid)
    corrected: dict[str, str | None] = {}
    if name is not None:
        corrected["name"] = errors.check("name", _check_enterprise_name, name)
    if legal_representative is not None:
        corrected["legal_representative"] = errors.check(
            "legal_representative",
            lambda value: _check_name(value, NamedField.LEGAL_REPRESENTATIVE),
            legal_representative,
        )
    errors.raise_if_any()

    changes = {
        field: {"old": getattr(enterprise, field), "new": value}
        for field, value in corrected.items()
        if value is not None and value != getattr(enterprise, field)
    }
    if not changes:
        return []
    for field, change in changes.items():
        setattr(enterprise, field, change["new"])
    enterprise.save(update_fields=list(changes))
    record_event(
        actor=actor,
        actor_role=role,
        verb="enterprise.corrected",
        object_type="enterprise",
        object_id=enterprise.pk,
        centre=centre,
        data={"enterprise_id": enterprise.pk, "changes": changes},
    )
    log.info(
        "enterprise.corrected",
        enterprise_id=enterprise.pk,
        centre_id=centre.pk,
        fields=sorted(changes),
    )
    return sorted(changes)


def _check_username(username: str) -> str:
    username = username.strip()
    if not username or len(username) > MAX_USERNAME_LENGTH:
        raise UsernameInvalid(max=MAX_USERNAME_LENGTH)
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise UsernameInvalid(max=MAX_USERNAME_LENGTH) from None
    return username


def _check_username_not_other_id(
    errors: FieldErrors, username: str, resident: ResidentId | None
) -> None:
    """Record an error when the user name is a valid ID number other than `resident`'s.

    A valid ID number typed at sign-in finds its person before any user name, so such
    a user name could never sign in, and it would name someone else's number.
    """
    try:
        as_id_number = parse_resident_id(username)
    except InvalidInput:
        return
    if resident is None or as_id_number.number != resident.number:
        errors.add("username", UsernameIsOtherIdNumber(masked=as_id_number.masked))


def _check_password(password: str, username: str = "") -> None:
    # An unsaved user lets the similarity rule compare the password with the user name.
    user = get_user_model()(username=username) if username else None
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise WeakPassword(reasons=_password_reasons(error)) from None


def _password_reasons(error: ValidationError) -> Coded:
    """Return the rules a password breaks: in the details each validator's code with
    its whole-number parameters, such as {"code": "password_too_short",
    "min_length": 12}, and in the message the validators' sentences."""
    codes = [
        {
            "code": item.code,
            **{
                name: value
                for name, value in (item.params or {}).items()
                if isinstance(value, int)
            },
        }
        for item in error.error_list
    ]
    return Coded(codes, " ".join(error.messages))


def _check_optional_phone(phone: str) -> str:
    return check_phone(phone) if phone.strip() else ""


def _check_name(name: str, field: NamedField = NamedField.NAME) -> str:
    stripped = name.strip()
    if not stripped or len(stripped) > MAX_NAME_LENGTH:
        raise NameInvalid(name_field=field, max=MAX_NAME_LENGTH)
    _check_person_name_characters(stripped, field, _leading_spaces(name))
    return stripped


def _check_person_name_characters(name: str, field: NamedField, offset: int) -> None:
    """Reject a character of a person's name that is not a letter, a mark or a separator.

    Letters are the Unicode categories L*, which include the CJK ideographs of every
    extension (𠮷 in B, 𱍊 in G), and the CJK ideographs newer than Python's Unicode
    data (U+33400 in J). A compatibility ideograph such as U+2F800 is a letter too, and
    it is stored as written, never normalised to its unified ideograph. A mark (M*: a
    combining mark or a variation selector) must follow a letter. NOTE: a rare character
    that a local font places in the Private Use Area (category Co) is rejected, because
    its code point means nothing elsewhere. `offset` is the number of characters
    stripped before `name`, so that the error's position counts in the text sent.
    """
    after_letter = False
    for index, character in enumerate(name):
        is_mark = unicodedata.category(character).startswith("M")
        if is_letter(character) or (is_mark and after_letter):
            after_letter = True
        elif character in NAME_SEPARATORS:
            after_letter = False
        else:
            raise PersonNameCharacterInvalid(
                name_field=field,
                **_character_details(character, offset + index),
                separators=Coded(sorted(NAME_SEPARATORS), _separators_text()),
            )


def _separators_text() -> str:
    """List the separators of NAME_SEPARATORS other than the space, each quoted."""
    visible = sorted(NAME_SEPARATORS - {" "})
    return list_text(f"“{separator}”" for separator in visible)


def _check_enterprise_name(name: str) -> str:
    stripped = name.strip()
    if not stripped or len(stripped) > MAX_ENTERPRISE_NAME_LENGTH:
        raise EnterpriseNameInvalid(max=MAX_ENTERPRISE_NAME_LENGTH)
    _check_name_characters(stripped, _leading_spaces(name))
    return stripped


def _check_name_characters(name: str, offset: int) -> None:
    for index, character in enumerate(name):
        if character in FORBIDDEN_NAME_CHARACTERS or not is_printable(character):
            raise NameCharacterInvalid(
                name_field=NamedField.ENTERPRISE_NAME,
                **_character_details(character, offset + index),
            )


def _leading_spaces(text: str) -> int:
    return len(text) - len(text.lstrip())


def _character_details(character: str, index: int) -> dict[str, Any]:
    """Return the details of a CharacterInvalid for `character` at `index` (from 0)."""
    return {
        "character": character,
        "code_point": code_point(character),
        "position": index + 1,
    }


def _check_address(sent: str) -> str:
    """Return the address on one line (a text area may send line breaks) or raise."""
    address = " ".join(sent.split())
    if len(address) > MAX_ADDRESS_LENGTH:
        raise AddressInvalid(length=len(address), max=MAX_ADDRESS_LENGTH)
    for character in address:
        if not is_printable(character) or character == "\ufffd":
            # The first such character of the address sent is the same one, because
            # joining the words removed only whitespace.
            position = sent.index(character)
            raise AddressCharacterInvalid(**_character_details(character, position))
    return address

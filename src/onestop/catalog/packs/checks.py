"""Rules that span values or files of a pack, checked after the schemas.

Each check reads only values of the right type, because a value of the wrong type
already has its schema error and should not produce a second, confusing one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from stdnum.cn import uscc

from onestop.core.errors import list_text

from .characters import check_single_line_texts
from .documents import Document, PathKey
from .errors import PackError
from .schemas import load_schema

STEP_ORDER = ["accept", "review", "decide", "complete", "deliver"]
FIELD_TYPES = frozenset(load_schema("matter")["$defs"]["field_type"]["enum"])


def department_keys(document: Document | None) -> set[str]:
    """Return the department role keys that departments.yaml defines."""
    data = document.data if document else None
    if isinstance(data, dict) and isinstance(data.get("departments"), dict):
        return {str(key) for key in data["departments"]}
    return set()


def check_certificate_types(
    document: Document, departments: set[str]
) -> tuple[set[str], list[PackError]]:
    """Check the certificate catalogue, returning its type codes and the errors."""
    codes: set[str] = set()
    errors: list[PackError] = []

    for index, entry in _dict_items(document.data, "certificate_types"):
        path: PathKey = ("certificate_types", index)
        code = entry.get("code")
        if not isinstance(code, str):
            continue

        if code in codes:
            errors.append(
                document.error(
                    (*path, "code"),
                    "duplicate.certificate_type_code",
                    _(
                        "The certificate type code %(code)s is used twice. Give each "
                        "certificate type its own code."
                    ),
                    code=code,
                )
            )
        codes.add(code)

        if len(code) == 21 and not uscc.is_valid(code[:18]):
            errors.append(
                document.error(
                    (*path, "code"),
                    "certificate_type.uscc_check_digit",
                    _(
                        "The first 18 characters %(uscc)s of the certificate type code "
                        "are not a valid unified social credit code (GB 32100 check "
                        "character). Use the defining body's code."
                    ),
                    uscc=code[:18],
                )
            )

        issuer = entry.get("issuing_department")
        if isinstance(issuer, str) and issuer not in departments:
            errors.append(
                _unknown_department(document, (*path, "issuing_department"), issuer)
            )
        errors += _check_validity_terms(document, path, entry.get("validity"))
        errors += _check_face_choices(document, path, entry)
    return codes, errors


def _check_face_choices(
    document: Document, path: PathKey, entry: dict[str, Any]
) -> list[PackError]:
    """Report choices on a face field whose type is not select, which no page offers."""
    errors = []
    for index, face_field in _dict_items(entry, "face_fields"):
        field_type = face_field.get("type")
        unused = field_type in FIELD_TYPES and field_type != "select"
        if not face_field.get("choices") or not unused:
            continue
        errors.append(
            document.error(
                (*path, "face_fields", index, "choices"),
                "face_field.choices_unused",
                _(
                    "The face field has choices but its type is %(type)s. Set the "
                    "type to select or remove the choices."
                ),
                type=field_type,
            )
        )
    return errors


def _check_validity_terms(
    document: Document, path: PathKey, validity: Any
) -> list[PackError]:
    """Check that the ages of a by_age validity rule rise from term to term."""
    terms = validity.get("terms") if isinstance(validity, dict) else None
    if not isinstance(terms, list):
        return []

    errors = []
    previous: int | None = None
    for index, term in enumerate(terms):
        age = term.get("below_age") if isinstance(term, dict) else None
        if not isinstance(age, int):
            continue
        if previous is not None and age <= previous:
            errors.append(
                document.error(
                    (*path, "validity", "terms", index, "below_age"),
                    "certificate_type.validity_terms_order",
                    _(
                        "The validity term for ages below %(age)s follows the term for "
                        "ages below %(previous)s. List the terms from the youngest "
                        "age up, each below_age greater than the one before."
                    ),
                    age=age,
                    previous=previous,
                )
            )
        previous = age
    return errors


def check_matter(
    document: Document, departments: set[str], certificate_types: set[str]
) -> list[PackError]:
    """Check the rules of one matter that its schema cannot express."""
    matter = document.data
    if not isinstance(matter, dict):
        return []

    errors: list[PackError] = []
    errors += _check_id(document, matter)
    errors += _check_department(document, matter, departments)
    errors += _check_materials(document, certificate_types)
    errors += _check_result(document, matter, certificate_types)
    errors += _check_form_fields(document)
    errors += _check_steps(document)
    errors += _check_time_limits(document, matter)
    errors += _check_field_references(document, matter)
    errors += check_single_line_texts(document)
    return errors


def check_unique_across_matters(documents: list[Document]) -> list[PackError]:
    """Report matter ids, basic codes and implementation codes used by two matters."""
    errors: list[PackError] = []
    for key, rule, message in [
        (
            "id",
            "duplicate.matter_id",
            _("The matter id %(value)s is also used in %(other)s."),
        ),
        (
            "basic_code",
            "duplicate.basic_code",
            _(
                "The basic code %(value)s is also used in %(other)s. Each matter "
                "has its own."
            ),
        ),
        (
            "implementation_code",
            "duplicate.implementation_code",
            _("The implementation code %(value)s is also used in %(other)s."),
        ),
    ]:
        first_file: dict[str, str] = {}
        for document in documents:
            value = document.data.get(key) if isinstance(document.data, dict) else None
            if not isinstance(value, str):
                continue
            if value in first_file:
                errors.append(
                    document.error(
                        (key,), rule, message, value=value, other=first_file[value]
                    )
                )
            else:
                first_file[value] = document.name
    return errors


def _check_id(document: Document, matter: dict[str, Any]) -> list[PackError]:
    matter_id = matter.get("id")
    stem = document.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if isinstance(matter_id, str) and matter_id != stem:
        return [
            document.error(
                ("id",),
                "matter.id_file_name",
                _(
                    "The matter id %(id)s differs from its file name %(file)s. "
                    "Name the file matters/%(id)s.yaml."
                ),
                id=matter_id,
                file=document.name,
            )
        ]
    return []


def _check_department(
    document: Document, matter: dict[str, Any], departments: set[str]
) -> list[PackError]:
    role = matter.get("department")
    if isinstance(role, str) and role not in departments:
        return [_unknown_department(document, ("department",), role)]
    return []


def _check_materials(
    document: Document, certificate_types: set[str]
) -> list[PackError]:
    errors: list[PackError] = []
    keys: set[str] = set()
    for index, material in _dict_items(document.data, "materials"):
        path: PathKey = ("materials", index)
        key = material.get("key")
        if isinstance(key, str):
            if key in keys:
                errors.append(_duplicate_key(document, (*path, "key"), "material", key))
            keys.add(key)

        code = material.get("certificate_type")
        if isinstance(code, str) and code not in certificate_types:
            errors.append(
                _unknown_certificate_type(document, (*path, "certificate_type"), code)
            )
    return errors


def _check_result(
    document: Document, matter: dict[str, Any], certificate_types: set[str]
) -> list[PackError]:
    result = matter.get("result")
    code = result.get("certificate_type") if isinstance(result, dict) else None
    if isinstance(code, str) and code not in certificate_types:
        return [
            _unknown_certificate_type(document, ("result", "certificate_type"), code)
        ]
    return []


def _check_form_fields(document: Document) -> list[PackError]:
    errors: list[PackError] = []
    keys: set[str] = set()
    for index, form_field in _dict_items(document.data, "form_fields"):
        path: PathKey = ("form_fields", index)
        key = form_field.get("key")
        if isinstance(key, str):
            if key in keys:
                errors.append(
                    _duplicate_key(document, (*path, "key"), "form_field", key)
                )
            keys.add(key)

        errors += _check_pattern(document, path, form_field.get("pattern"))
        errors += _check_pattern_hint(document, path, form_field)
        errors += _check_range(document, path, form_field)
        errors += _check_decimal_places(document, path, form_field)
        errors += _check_choices(document, path, form_field)
        errors += _check_display(document, path, form_field)
        errors += _check_applicant_markers(document, path, form_field)
    return errors + _check_conditions(document)


def _check_conditions(document: Document) -> list[PackError]:
    """Check each `applies_when` of the form: it names another select field of the
    form and some of that field's choice values, and no chain of conditions loops."""
    fields = {
        form_field["key"]: form_field
        for _index, form_field in _dict_items(document.data, "form_fields")
        if isinstance(form_field.get("key"), str)
    }
    matter = str(document.data.get("id", "")) if isinstance(document.data, dict) else ""
    errors: list[PackError] = []
    for index, form_field in _dict_items(document.data, "form_fields"):
        condition = form_field.get("applies_when")
        if not isinstance(condition, dict):
            continue
        path: PathKey = ("form_fields", index, "applies_when")
        values = {
            "matter": matter,
            "field": form_field.get("key"),
            "controlling": condition.get("field"),
        }
        controlling = fields.get(str(condition.get("field")))
        if controlling is None:
            errors.append(_condition_error(document, path, "unknown_field", values))
        elif controlling.get("type") != "select":
            errors.append(
                _condition_error(
                    document,
                    path,
                    "not_a_choice_field",
                    {**values, "type": controlling.get("type")},
                )
            )
        else:
            errors += _check_condition_values(
                document, path, condition, controlling, values
            )
        if _condition_loops(fields, str(form_field.get("key"))):
            errors.append(_condition_error(document, path, "cycle", values))
    return errors


def _check_condition_values(
    document: Document,
    path: PathKey,
    condition: dict[str, Any],
    controlling: dict[str, Any],
    values: dict[str, Any],
) -> list[PackError]:
    """Report the values of a condition that are no choice of its controlling field."""
    choices = [
        choice.get("value") for _index, choice in _dict_items(controlling, "choices")
    ]
    named = condition.get("values")
    unknown = [
        value
        for value in (named if isinstance(named, list) else [])
        if value not in choices
    ]
    if not unknown:
        return []
    return [
        _condition_error(
            document,
            (*path, "values"),
            "unknown_value",
            {
                **values,
                "value": list_text(str(value) for value in unknown),
                "choices": list_text(str(choice) for choice in choices),
            },
        )
    ]


def _condition_loops(fields: dict[str, dict[str, Any]], key: str) -> bool:
    """Tell whether following `applies_when` from the field `key` comes back to it."""
    seen: set[str] = set()
    current = key
    while True:
        condition = fields.get(current, {}).get("applies_when")
        if not isinstance(condition, dict):
            return False
        current = str(condition.get("field"))
        if current == key:
            return True
        if current in seen:
            # A loop that does not pass through `key` is reported at its own fields.
            return False
        seen.add(current)


CONDITION_MESSAGES = {
    "unknown_field": _(
        "In the matter %(matter)s, the field %(field)s applies when the field "
        "%(controlling)s has a value, but the form has no field %(controlling)s. Name "
        "a select field of this form in applies_when.field."
    ),
    "not_a_choice_field": _(
        "In the matter %(matter)s, the field %(field)s applies when the field "
        "%(controlling)s has a value, but %(controlling)s is of type %(type)s. Name a "
        "field of type select in applies_when.field."
    ),
    "unknown_value": _(
        "In the matter %(matter)s, the field %(field)s applies when the field "
        "%(controlling)s is %(value)s, which is not one of its choice values. Use "
        "these values: %(choices)s."
    ),
    "cycle": _(
        "In the matter %(matter)s, the conditions of the field %(field)s lead back "
        "to it through %(controlling)s, so neither can ever apply. Remove "
        "applies_when from one field of the loop."
    ),
}


def _condition_error(
    document: Document, path: PathKey, kind: str, values: dict[str, Any]
) -> PackError:
    return document.error(
        path, f"form_field.applies_when_{kind}", CONDITION_MESSAGES[kind], **values
    )


# Form field markers that prefill a value from the identity of the applicant or of the
# enterprise applied for, and the one field type each marker applies to. Every marker
# but enterprise_legal_representative also rejects any other value.
APPLICANT_MARKER_TYPES = {
    "applicant_id": "id_number",
    "applicant_name": "text",
    "enterprise_uscc": "uscc",
    "enterprise_name": "text",
    "enterprise_legal_representative": "text",
}


def _check_applicant_markers(
    document: Document, path: PathKey, form_field: dict[str, Any]
) -> list[PackError]:
    field_type = form_field.get("type", "text")
    return [
        document.error(
            (*path, marker),
            f"form_field.{marker}_type",
            _(
                "The field is marked %(marker)s but its type is %(type)s. Set the "
                "type to %(expected)s or remove %(marker)s."
            ),
            marker=marker,
            type=field_type,
            expected=expected,
        )
        for marker, expected in APPLICANT_MARKER_TYPES.items()
        if form_field.get(marker) is True and field_type != expected
    ]


def _check_pattern(document: Document, path: PathKey, pattern: Any) -> list[PackError]:
    if not isinstance(pattern, str):
        return []
    try:
        re.compile(pattern)
    except re.error as error:
        return [
            document.error(
                (*path, "pattern"),
                "form_field.pattern_invalid",
                _(
                    "The pattern %(pattern)s is not a valid regular expression: "
                    "%(error)s. Correct the pattern."
                ),
                pattern=pattern,
                error=str(error),
            )
        ]
    return []


def _check_pattern_hint(
    document: Document, path: PathKey, form_field: dict[str, Any]
) -> list[PackError]:
    """Reject `pattern_hint` and `strip_spaces` on a field without `pattern`, whose
    value is neither matched nor changed."""
    if form_field.get("pattern"):
        return []
    errors = []
    if form_field.get("pattern_hint") is not None:
        errors.append(
            document.error(
                (*path, "pattern_hint"),
                "form_field.pattern_hint_without_pattern",
                _(
                    "The field has a pattern_hint but no pattern, so the hint would "
                    "describe no rule. Add the pattern or remove the hint."
                ),
            )
        )
    if form_field.get("strip_spaces"):
        errors.append(
            document.error(
                (*path, "strip_spaces"),
                "form_field.strip_spaces_without_pattern",
                _(
                    "The field has strip_spaces but no pattern, so its spaces would "
                    "be kept. Add the pattern or remove strip_spaces."
                ),
            )
        )
    return errors


def _check_range(
    document: Document, path: PathKey, form_field: dict[str, Any]
) -> list[PackError]:
    low, high = form_field.get("min"), form_field.get("max")
    numbers = (int, float)
    if isinstance(low, numbers) and isinstance(high, numbers) and low > high:
        return [
            document.error(
                (*path, "min"),
                "form_field.range",
                _(
                    "The minimum %(min)s is greater than the maximum %(max)s. "
                    "Swap them."
                ),
                min=low,
                max=high,
            )
        ]
    return []


def _check_decimal_places(
    document: Document, path: PathKey, form_field: dict[str, Any]
) -> list[PackError]:
    """Check that `decimal_places` is on a decimal field and that its bounds fit it."""
    places = form_field.get("decimal_places")
    field_type = form_field.get("type", "text")
    if places is not None and field_type != "decimal":
        return [
            document.error(
                (*path, "decimal_places"),
                "form_field.decimal_places_type",
                _(
                    "The field sets decimal_places but its type is %(type)s. Set the "
                    "type to decimal or remove decimal_places."
                ),
                type=field_type,
            )
        ]
    if field_type != "decimal" or not isinstance(places, int):
        return []

    errors = []
    for bound in ("min", "max"):
        value = form_field.get(bound)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        bound_places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if bound_places > places:
            errors.append(
                document.error(
                    (*path, bound),
                    "form_field.bound_places",
                    _(
                        "The bound %(bound)s has %(bound_places)s decimal places, but "
                        "the field takes %(places)s. Round the bound or raise "
                        "decimal_places."
                    ),
                    bound=value,
                    bound_places=bound_places,
                    places=places,
                )
            )
    return errors


def _check_choices(
    document: Document, path: PathKey, form_field: dict[str, Any]
) -> list[PackError]:
    errors: list[PackError] = []
    choices = form_field.get("choices")
    field_type = form_field.get("type")
    if choices and field_type in FIELD_TYPES and field_type != "select":
        errors.append(
            document.error(
                (*path, "choices"),
                "form_field.choices_unused",
                _(
                    "The field has choices but its type is %(type)s. Set the type to "
                    "select or remove the choices."
                ),
                type=field_type,
            )
        )

    values: set[str] = set()
    for index, choice in _dict_items(form_field, "choices"):
        value = choice.get("value")
        if isinstance(value, str):
            if value in values:
                errors.append(
                    _duplicate_key(
                        document, (*path, "choices", index, "value"), "choice", value
                    )
                )
            values.add(value)
    return errors


def _check_display(
    document: Document, path: PathKey, form_field: dict[str, Any]
) -> list[PackError]:
    """Check that `display`, which sets how the choices show, is on a select field."""
    display = form_field.get("display")
    field_type = form_field.get("type", "text")
    if display is None or field_type == "select" or field_type not in FIELD_TYPES:
        return []
    return [
        document.error(
            (*path, "display"),
            "form_field.display_type",
            _(
                "The field sets display to %(display)s but its type is %(type)s, and "
                "only a select field has choices to display. Set the type to select "
                "or remove display."
            ),
            display=display,
            type=field_type,
        )
    ]


def _check_steps(document: Document) -> list[PackError]:
    errors: list[PackError] = []
    previous = -1
    for index, step in _dict_items(document.data, "steps"):
        key = step.get("key")
        if key not in STEP_ORDER:
            continue

        position = STEP_ORDER.index(key)
        if position <= previous:
            errors.append(
                document.error(
                    ("steps", index, "key"),
                    "steps.order",
                    _(
                        "The step %(key)s is out of order or repeated. Steps "
                        "follow the order %(order)s, each at most once."
                    ),
                    key=key,
                    order=", ".join(STEP_ORDER),
                )
            )
        previous = max(previous, position)
    return errors


def _check_time_limits(document: Document, matter: dict[str, Any]) -> list[PackError]:
    limits = matter.get("time_limits")
    if not isinstance(limits, dict):
        return []

    statutory, promised = limits.get("statutory"), limits.get("promised")
    if not (isinstance(statutory, dict) and isinstance(promised, dict)):
        return []

    problem = compare_time_limits(
        (statutory.get("amount"), statutory.get("unit")),
        (promised.get("amount"), promised.get("unit")),
    )
    if problem is not None:
        rule, message, values = problem
        place = "unit" if rule == PROMISED_UNIT_RULE else "amount"
        return [
            document.error(("time_limits", "promised", place), rule, message, **values)
        ]

    law_amount, promise_amount = statutory.get("amount"), promised.get("amount")
    marked = matter.get("local_practice")
    marked = marked if isinstance(marked, list) else []
    if (
        isinstance(law_amount, int)
        and isinstance(promise_amount, int)
        and promise_amount < law_amount
        and not _is_marked(marked, "time_limits.promised")
    ):
        return [
            document.error(
                ("time_limits", "promised", "amount"),
                "local_practice.promised_not_marked",
                _(
                    "The promised limit %(promised)s is shorter than the statutory "
                    "limit %(statutory)s, which is local practice. Add "
                    "time_limits.promised to local_practice."
                ),
                promised=limit_text(promise_amount, promised.get("unit")),
                statutory=limit_text(law_amount, statutory.get("unit")),
            )
        ]
    return []


PROMISED_EXCEEDS_RULE = "time_limits.promised_exceeds_statutory"
PROMISED_UNIT_RULE = "time_limits.promised_unit_mismatch"
_WORKING_DAYS, _NATURAL_DAYS = "working_days", "natural_days"


def compare_time_limits(
    statutory: tuple[Any, Any], promised: tuple[Any, Any]
) -> tuple[str, Any, dict[str, Any]] | None:
    """Return (rule, message, values) when the promise may exceed the statutory limit.

    Each limit is (amount, unit). A promise may not be longer than the law, across
    units too. N natural days never last longer than N working days, so a promise in
    natural days fits a statutory limit in working days when its amount is at most
    the statutory amount. A promise in working days against a statutory limit in
    natural days is rejected, because whether it fits depends on the holidays of
    the year it runs in, and a pack is checked without a calendar. Returns None when
    the promise fits, or when an amount or unit is invalid, which the schema reports.
    """
    (law_amount, law_unit), (promise_amount, promise_unit) = statutory, promised
    units = (_WORKING_DAYS, _NATURAL_DAYS)
    if not (isinstance(law_amount, int) and isinstance(promise_amount, int)):
        return None
    if law_unit not in units or promise_unit not in units:
        return None

    values = {
        "promised": limit_text(promise_amount, promise_unit),
        "statutory": limit_text(law_amount, law_unit),
        "maximum": limit_text(law_amount, _NATURAL_DAYS),
    }
    if promise_unit == _WORKING_DAYS and law_unit == _NATURAL_DAYS:
        message = _(
            "The promised limit %(promised)s is in working days, but the statutory "
            "limit %(statutory)s is in natural days. A promise in working days can "
            "last longer than the same number of natural days, so against a "
            "statutory limit in natural days the promise must be in natural days "
            "too. Give it in natural days, at most %(maximum)s."
        )
        return PROMISED_UNIT_RULE, message, values
    if promise_amount <= law_amount:
        return None
    if promise_unit == law_unit:
        message = _(
            "The promised limit %(promised)s is longer than the statutory limit "
            "%(statutory)s. A centre may promise less time than the law, never more."
        )
    else:
        message = _(
            "The promised limit %(promised)s may be longer than the statutory limit "
            "%(statutory)s. A promise in natural days fits a statutory limit in "
            "working days only when it has at most as many days, because weekends "
            "and holidays count as natural days. Promise at most %(maximum)s, or "
            "give the promise in working days."
        )
    return PROMISED_EXCEEDS_RULE, message, values


def limit_text(amount: int, unit: Any) -> str:
    """Return a time limit with its unit, such as "30 working days", translated."""
    if unit == _NATURAL_DAYS:
        text = ngettext("%(amount)s natural day", "%(amount)s natural days", amount)
    elif unit == _WORKING_DAYS:
        text = ngettext("%(amount)s working day", "%(amount)s working days", amount)
    else:
        return str(amount)
    return text % {"amount": amount}


def _is_marked(marked: list[Any], field_path: str) -> bool:
    return any(
        isinstance(entry, str)
        and (field_path == entry or field_path.startswith(entry + "."))
        for entry in marked
    )


def _check_field_references(
    document: Document, matter: dict[str, Any]
) -> list[PackError]:
    errors: list[PackError] = []
    marked = matter.get("local_practice")
    for index, field_path in enumerate(marked if isinstance(marked, list) else []):
        if isinstance(field_path, str) and not _resolves(matter, field_path):
            errors.append(
                _unknown_field(document, ("local_practice", index), field_path)
            )

    for index, source in _dict_items(matter, "sources"):
        field_path = source.get("field")
        if isinstance(field_path, str) and not _resolves(matter, field_path):
            errors.append(
                _unknown_field(document, ("sources", index, "field"), field_path)
            )
    return errors


_SEGMENT = re.compile(r"^([a-z_][a-z0-9_]*)((?:\[\d+\])*)$")


def _resolves(data: Any, field_path: str) -> bool:
    """Check that a path such as ``materials[1].copies`` names a value of `data`."""
    current = data
    for segment in field_path.split("."):
        match = _SEGMENT.match(segment)
        if not match or not isinstance(current, dict) or match.group(1) not in current:
            return False

        current = current[match.group(1)]
        for index in re.findall(r"\[(\d+)\]", match.group(2)):
            if not isinstance(current, list) or int(index) >= len(current):
                return False
            current = current[int(index)]
    return True


def _dict_items(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = data.get(key) if isinstance(data, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _unknown_department(document: Document, path: PathKey, role: str) -> PackError:
    return document.error(
        path,
        "reference.department",
        _(
            "The department role %(role)s is not defined in departments.yaml. Add it "
            "there or use one of the defined roles."
        ),
        role=role,
    )


def _unknown_certificate_type(
    document: Document, path: PathKey, code: str
) -> PackError:
    return document.error(
        path,
        "reference.certificate_type",
        _(
            "The certificate type %(code)s is not in certificate_types.yaml. Add it "
            "there or correct the code."
        ),
        code=code,
    )


def _unknown_field(document: Document, path: PathKey, field_path: str) -> PackError:
    return document.error(
        path,
        "reference.field",
        _(
            "The field %(field)s does not exist in this matter. Name a key of the "
            "matter, such as time_limits.promised or materials[0].copies."
        ),
        field=field_path,
    )


_DUPLICATE_MESSAGES = {
    "material": _("The material key %(key)s is used twice in this matter. Rename one."),
    "form_field": _(
        "The form field key %(key)s is used twice in this matter. Rename one."
    ),
    "choice": _("The choice value %(key)s is used twice in this field. Remove one."),
}


def _duplicate_key(document: Document, path: PathKey, kind: str, key: str) -> PackError:
    return document.error(
        path, f"duplicate.{kind}_key", _DUPLICATE_MESSAGES[kind], key=key
    )

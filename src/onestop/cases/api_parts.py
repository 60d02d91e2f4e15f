"""OpenAPI descriptions of the multipart bodies that the case endpoints read by hand.

The handlers read request.POST and request.FILES themselves, because the parts of an
application depend on the matter, so Django Ninja cannot derive their request bodies.
"""

from __future__ import annotations

from typing import Any

_FORM_PARTS: dict[str, Any] = {
    "form": {
        "type": "string",
        "description": (
            "The form as one JSON object, from field key to value, for example "
            '{"organisation_name": "…"}. Instead, each field may come as its own '
            "part named field.<key>."
        ),
    },
    "certificates": {
        "type": "string",
        "description": (
            "A JSON object from material key to the identifier of an electronic "
            "certificate that replaces the upload. Needs certificate_consent."
        ),
    },
    "certificate_consent": {
        "type": "string",
        "enum": ["on", "1", "true"],
        "description": "The applicant's consent to use certificates instead of uploads.",
    },
}
_KEYED_PARTS: dict[str, Any] = {
    r"^field\..+$": {
        "type": "string",
        "description": "field.<key>: the value of one form field.",
    },
    r"^material\..+$": {
        "type": "string",
        "format": "binary",
        "description": (
            "material.<key>: a PDF, JPEG or PNG file of one material, at most 10 files "
            "per material."
        ),
    },
    r"^certificate\..+$": {
        "type": "string",
        "description": "certificate.<key>: a certificate identifier for one material.",
    },
}


def multipart_body(
    parts: dict[str, Any], *, required: list[str], description: str
) -> dict[str, Any]:
    """Return an operation's openapi_extra that describes its multipart request body."""
    schema = {
        "type": "object",
        "required": required,
        "properties": {**parts, **_FORM_PARTS},
        "patternProperties": _KEYED_PARTS,
    }
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "multipart/form-data": {
                    "schema": schema,
                    "encoding": {
                        "form": {"contentType": "application/json"},
                        "certificates": {"contentType": "application/json"},
                    },
                }
            },
        }
    }


APPLICATION_BODY = multipart_body(
    {
        "centre": {
            "type": "string",
            "description": "The centre's id, its region code, for example 440604.",
        },
        "matter": {
            "type": "string",
            "description": "The matter's id, for example food-business-licence.",
        },
        "enterprise": {
            "type": "string",
            "description": (
                "The unified social credit code (USCC) of the registered enterprise "
                "the caller applies for as its agent. Leave it out to apply for "
                "oneself. A form whose certificate would go to a registered "
                "enterprise needs it."
            ),
        },
    },
    required=["centre", "matter"],
    description=(
        "The application: which centre and matter, for whom, the form, and the "
        "materials. A body that is not multipart answers 415."
    ),
)
RESUBMISSION_BODY = multipart_body(
    {},
    required=[],
    description=(
        "The corrections: the materials and form fields that the correction notice "
        "lists. Materials given here replace the case's earlier ones."
    ),
)

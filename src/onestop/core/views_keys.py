"""The public key set of the deployment, for verifiers without an account."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from onestop.core.signing import published_keys

# Verifiers may cache the key set for this long. A new key signs at once, so a verifier
# that meets an unknown key id should fetch the set again before it reports a failure.
KEY_SET_MAX_AGE_SECONDS = 300


# Exempt from CSRF, because the view only reads and a POST gets its 405 rather than the
# CSRF failure page.
@csrf_exempt
@require_safe
def well_known_keys(request: HttpRequest) -> JsonResponse:
    """Serve every signing key of the deployment as /.well-known/onestop-keys.json."""
    response = JsonResponse(published_keys(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = f"public, max-age={KEY_SET_MAX_AGE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response

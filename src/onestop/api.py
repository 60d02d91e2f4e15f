"""The /api/v1 Django Ninja application: authentication, error bodies and the routers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from onestop.core import rows
from onestop.core.dates import api_datetime
from onestop.core.errors import JsonBodyRequired, NotFound, OneStopError, echoed
from onestop.core.json_body import read_json_body
from onestop.core.logging import get_logger
from onestop.core.models import ApiToken
from onestop.core.query_names import reject_unknown_query_names
from onestop.core.request_errors import request_error
from onestop.core.schema_errors import (
    MAX_REPORTED_PROBLEMS,
    SchemaMismatch,
    value_facts,
)
from onestop.core.staff.errors import AccountDeactivated
from onestop.openapi import add_error_responses

log = get_logger(__name__)


TOKEN_USE_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer os_…` with a token from POST /api/v1/auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Revoked tokens are read too, because deactivation revokes every token of
        # the account, and its owner should learn why the token stopped working.
        record = rows.fetch_one(
            ApiToken, {"digest": ApiToken.digest_of(token)}, related={"user": ()}
        )
        if record is None or record.user is None:
            return None
        if not record.user.is_active:
            raise AccountDeactivated(username=echoed(record.user.get_username()))
        if record.revoked_at is not None:
            return None
        now = timezone.now()
        # Writing the time on every request would add a commit to each; a minute's
        # precision is enough to see which tokens are in use.
        if (
            record.last_used_at is None
            or now - record.last_used_at > TOKEN_USE_PRECISION
        ):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


class CsrfFailed(OneStopError):
    code = "csrf_failed"
    status = 403
    message = gettext_lazy(
        "The request carries a session cookie but no valid CSRF token. Send the "
        "csrftoken cookie's value as the X-CSRFToken header, or send "
        "Authorization: Bearer <token> without cookies."
    )


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; unsafe methods need the CSRF token as well."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no session to protect, so a script whose
        # token is missing or wrong gets 401 not_authenticated, not a CSRF failure.
        if self.param_name not in request.COOKIES:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            log.info("api.request_rejected", code=CsrfFailed.code, path=request.path)
            raise CsrfFailed()
        return request.COOKIES[self.param_name]

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class JsonEncoder(NinjaJSONEncoder):
    """Django Ninja's encoder, writing each datetime as `api_datetime` does."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return api_datetime(o)
        return super().default(o)


class JsonRenderer(JSONRenderer):
    """JSON with Chinese text as UTF-8 instead of \\u escapes, and one datetime form."""

    encoder_class = JsonEncoder
    json_dumps_params = {"ensure_ascii": False}


class JsonParser(Parser):
    """Django Ninja's JSON body parser, with the content type and text rules of
    `read_json_body`."""

    def parse_body(self, request: HttpRequest) -> Any:
        return read_json_body(request)


class CountedValidationError(NinjaValidationError):
    """Django Ninja's validation error with the first problems and the count of all."""

    def __init__(self, errors: list[dict[str, Any]], *, error_count: int) -> None:
        super().__init__(errors)
        self.error_count = error_count


class OneStopApi(NinjaAPI):
    """The Django Ninja API whose OpenAPI document lists each operation's error responses."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return add_error_responses(super().get_openapi_schema(**kwargs))

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> NinjaValidationError:
        """Return Django Ninja's validation error with the first problems only, each
        with the JSON type and length of its value.

        Django Ninja deletes pydantic's `input` from each error, but the messages name
        the value's type, so it is read here before that. A body of a few megabytes can
        hold hundreds of thousands of problems, so only the first MAX_REPORTED_PROBLEMS
        are converted, and `error_count` on the result counts them all.
        """
        errors: list[dict[str, Any]] = []
        total = 0
        for context in error_contexts:
            model = context.model
            failure = context.pydantic_validation_error
            total += failure.error_count()
            room = MAX_REPORTED_PROBLEMS - len(errors)
            if room <= 0:
                continue
            for item in failure.errors(include_url=False)[:room]:
                location = model.__ninja_flatten_map_reverse__.get(
                    item["loc"], item["loc"]
                )
                problem: dict[str, Any] = {
                    key: value for key, value in item.items() if key != "input"
                }
                problem["loc"] = (model.__ninja_param_source__, *location)
                context_values = problem.get("ctx")
                if context_values and isinstance(
                    context_values.get("error"), Exception
                ):
                    problem["ctx"] = {
                        **context_values,
                        "error": str(context_values["error"]),
                    }
                problem.update(value_facts(item.get("input"), str(item["type"])))
                errors.append(problem)
        return CountedValidationError(errors, error_count=total)


api = OneStopApi(
    renderer=JsonRenderer(),
    parser=JsonParser(),
    title="OneStop API",
    version="1",
    description="一门式政务服务平台 OneStop: applicants, windows, departments and verifiers.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
    # The OpenAPI document and its page only read, so other methods get the API's 405.
    docs_decorator=require_safe,
)
# Every operation, writes included, rejects a query parameter that it does not read.
api.add_decorator(reject_unknown_query_names)


def error_response(
    request: HttpRequest, status: int, body: dict[str, Any]
) -> HttpResponse:
    return api.create_response(request, body, status=status)


class PathNotFound(NotFound):
    code = "api.path_not_found"
    message = gettext_lazy(
        "The API has no path %(path)s. Its operations are listed at /api/v1/docs and "
        "in /api/v1/openapi.json."
    )


# An unknown path changes nothing, so it needs no CSRF check. Every method then gets
# the JSON 404 rather than Django's CSRF page.
@csrf_exempt
def path_not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Return the API's 404 error body for a path under /api/v1/ that no operation serves."""
    error = PathNotFound(path=echoed(request.path))
    log.info("api.request_rejected", code=error.code, path=request.path)
    return error_response(request, error.status, error.as_dict())


@api.exception_handler(OneStopError)
def on_onestop_error(request: HttpRequest, error: OneStopError) -> HttpResponse:
    log.info("api.request_rejected", code=error.code, path=request.path)
    response = error_response(request, error.status, error.as_dict())
    retry_after = error.details.get("retry_after")
    if error.status == 429 and retry_after is not None:
        # HTTP's own header for when to try again, beside details.retry_after.
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(
    request: HttpRequest, error: NinjaValidationError
) -> HttpResponse:
    mismatch = SchemaMismatch(
        list(error.errors), error_count=getattr(error, "error_count", None)
    )
    return on_onestop_error(request, mismatch)


@api.exception_handler(AuthenticationError)
def on_authentication_error(
    request: HttpRequest, error: AuthenticationError
) -> HttpResponse:
    body = {
        "code": "not_authenticated",
        "message": _(
            "Sign in, or send a valid token as Authorization: Bearer <token>."
        ),
        "details": {},
    }
    return error_response(request, 401, body)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    # Django Ninja raises this HttpError when the parser fails, with the parser's
    # error as its cause: a OneStopError from `read_json_body`, or Django's error for
    # a body it cannot read.
    cause = error.__cause__
    if isinstance(cause, OneStopError):
        return on_onestop_error(request, cause)
    if isinstance(cause, SuspiciousOperation | BadRequest):
        return on_request_unreadable(request, cause)
    body = {"code": f"http.{error.status_code}", "message": str(error), "details": {}}
    return error_response(request, error.status_code, body)


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
def on_request_unreadable(request: HttpRequest, error: Exception) -> HttpResponse:
    # Django raises these while a handler reads the body or the query string, for
    # example RequestDataTooBig for a JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE.
    return on_onestop_error(request, request_error(error, request))


@api.exception_handler(RawPostDataException)
def on_form_body(request: HttpRequest, error: RawPostDataException) -> HttpResponse:
    # FormTextMiddleware has parsed a form body to check its text, so an operation that
    # takes JSON can no longer read the raw body. The client sent the wrong body type.
    return on_onestop_error(
        request, JsonBodyRequired(content_type=request.content_type or "")
    )


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, error: Exception) -> HttpResponse:
    log.exception("api.internal_error", path=request.path, error=type(error).__name__)
    body = {
        "code": "internal_error",
        "message": _(
            "The server failed to handle the request; nothing was changed. Try again later "
            "and quote the request id %(request_id)s if it fails again."
        )
        % {"request_id": request.META.get("HTTP_X_REQUEST_ID") or _request_id()},
        "details": {},
    }
    return error_response(request, 500, body)


def _request_id() -> str:
    import structlog

    return str(structlog.contextvars.get_contextvars().get("request_id", ""))


def _mount_routers() -> None:
    from onestop.cases.api import router as cases_router
    from onestop.cases.api_clock import router as cases_clock_router
    from onestop.cases.api_documents import router as cases_documents_router
    from onestop.cases.api_posting import router as cases_posting_router
    from onestop.cases.api_window import router as window_cases_router
    from onestop.catalog.api import router as catalog_router
    from onestop.certificates.api import router as certificates_router
    from onestop.core.api import router as core_router
    from onestop.core.api_notifications import router as notifications_router
    from onestop.core.ledger.api import router as ledger_router
    from onestop.core.staff.api import router as staff_router
    from onestop.core.staff.api_accounts import router as accounts_router
    from onestop.credit.api import router as credit_router
    from onestop.exchange.api import router as exchange_router
    from onestop.identity.api import router as identity_router
    from onestop.identity.api_agency import router as agency_router
    from onestop.identity.api_window import router as window_reset_router
    from onestop.ratings.api import router as ratings_router
    from onestop.window.api import router as windows_router

    api.add_router("/auth", core_router)
    api.add_router("/identity", identity_router)
    api.add_router("/centres", catalog_router)
    api.add_router("/centres", staff_router)
    api.add_router("/centres", accounts_router)
    api.add_router("/centres", window_reset_router)
    api.add_router("/centres", window_cases_router)
    api.add_router("/centres", agency_router)
    api.add_router("/centres", windows_router)
    api.add_router("/cases", cases_router)
    api.add_router("/cases", cases_clock_router)
    api.add_router("/cases", cases_documents_router)
    api.add_router("/cases", cases_posting_router)
    api.add_router("/ledger", ledger_router)
    api.add_router("/ratings", ratings_router)
    api.add_router("/exchange", exchange_router)
    api.add_router("/credit", credit_router)
    api.add_router("/certificates", certificates_router)
    api.add_router("/notifications", notifications_router)


_mount_routers()

"""Case endpoints under /api/v1/cases: apply, track, and the window's and department's actions."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import WithJsonSchema

from onestop.cases import actions, queries, receipts
from onestop.cases.api_parts import APPLICATION_BODY, RESUBMISSION_BODY
from onestop.cases.downloads import document_pdf_url
from onestop.cases.errors import CaseStateUnknown, ReceiptNotIssued
from onestop.cases.intake import (
    MaterialCheckIn,
    ResubmissionMultipartRequired,
    application_from_request,
    check_form_body,
    online_request,
    window_request,
)
from onestop.cases.models import Case, CaseState
from onestop.cases.presenters import case_detail, case_summary
from onestop.catalog.queries import get_centre
from onestop.core.dates import api_datetime
from onestop.core.errors import echoed, listed_choices
from onestop.core.models import Centre
from onestop.core.paging import PageNumberText, PageSize, page_of, parse_page_number
from onestop.core.permissions import require_role, staff_roles
from onestop.core.schemas import ApiDate, ApiDateTime, InputSchema
from onestop.identity.lookup import find_enterprise, find_person_by_id_number

router = Router(tags=["cases"])

CASE_LIST_LIMITS = PageSize(default=50, min=1, max=200)
# The query parameter `limit`, declared as text like `PageNumberText` and read by
# CASE_LIST_LIMITS.parse.
CaseListLimitText = Annotated[
    str | None, WithJsonSchema(CASE_LIST_LIMITS.json_schema()), Query(None)
]


class CaseSummaryOut(Schema):
    number: str
    state: str
    state_label: str
    matter: str
    matter_name: str
    department: str
    applicant: str
    agent: str | None
    channel: str
    created_at: ApiDateTime
    promised_due: ApiDate | None
    warning: str


class PostingOut(Schema):
    # When the posting, or its latest correction, was recorded.
    at: ApiDateTime
    posted_on: ApiDate
    carrier: str
    tracking_number: str


class CaseOut(CaseSummaryOut):
    matter_version: int
    statutory_due: ApiDate | None
    deadline_provisional: bool
    promised_due_provisional: bool
    statutory_due_provisional: bool
    remaining_working_days: int | None
    form_data: dict[str, Any]
    correction_items: list[dict[str, Any]]
    opinion: str
    refusal_reason: str
    materials: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    # The current posting of a result posted to the applicant (邮寄送达): at most one,
    # with the values of its latest correction. The events keep the earlier values.
    postings: list[PostingOut]
    receipt_status: str
    events: list[dict[str, Any]]


class CaseReceiptOut(Schema):
    id: int
    kind: str
    created_at: ApiDateTime
    data: dict[str, Any]
    signature: dict[str, Any]
    pdf_url: str


class ReceiptPendingOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


class AcceptIn(InputSchema):
    checklist: dict[str, MaterialCheckIn] = {}
    # The code of an active window of the case's centre that accepts the case's
    # matter, or empty for none. Left out, the clerk's last window is recorded, and a
    # code given becomes the clerk's last one.
    window: str | None = None


class ReasonIn(InputSchema):
    reason: str


class OpinionIn(InputSchema):
    opinion: str


class ApprovalIn(OpinionIn):
    face: dict[str, str] = {}
    holder_code: str = ""


class CorrectionItem(InputSchema):
    material: str = ""
    field: str = ""
    note: str = ""


class CorrectionIn(InputSchema):
    items: list[CorrectionItem]


def check_case_state(state: str) -> CaseState:
    """Return the case state that the query parameter `state` names, or raise
    CaseStateUnknown."""
    if state not in CaseState.values:
        raise CaseStateUnknown(
            state=echoed(state), states=listed_choices(CaseState.choices)
        )
    return CaseState(state)


def _case(request: HttpRequest, number: str) -> Case:
    return queries.get_case_for(request.user, number, audit=False)


def _staff_centre(request: HttpRequest, slug: str) -> Centre:
    """Return the centre with this slug, from the caller's staff memberships if one has it.

    The memberships are read for the role check anyway, so the usual case needs no
    query of its own. Any other centre is read as usual and fails the role check.
    """
    for membership in staff_roles(request.user):
        if membership.centre is not None and membership.centre.slug == slug:
            return membership.centre
    return get_centre(slug)


def _detail(request: HttpRequest, case: Case, *, audit: bool = False) -> dict[str, Any]:
    """Return the full record. Only a plain read is audited as a view: an action's
    response shows what the actor just did, and the action has its own event."""
    if audit:
        case = queries.get_case_for(request.user, case.number)
    return case_detail(case, viewer=request.user)


@router.post("", response={201: CaseOut, 200: CaseOut}, openapi_extra=APPLICATION_BODY)
def submit_case(request: HttpRequest) -> Status:
    """Apply online: multipart with centre, matter, form (JSON) and material.<key> files.

    An agent applying for a registered enterprise adds the part enterprise=<USCC>. Send
    an Idempotency-Key header: the same key returns the case it created first (200).
    """
    sent = online_request(request)
    matter = queries.get_matter(get_centre(sent.centre), sent.matter)
    enterprise = find_enterprise(sent.enterprise)
    filing = actions.submit_online_case(
        actor=request.user,
        matter=matter,
        application=application_from_request(request.POST, request.FILES),
        enterprise=enterprise,
        idempotency_key=request.headers.get("Idempotency-Key") or None,
    )
    return Status(201 if filing.created else 200, _detail(request, filing.case))


@router.post("/window", response={201: CaseOut, 200: CaseOut})
def create_window_case(request: HttpRequest) -> Status:
    """Accept at the window: multipart with centre, matter, id_number, form, check.* ticks.

    Without files, the same parts may come as one JSON object (Content-Type:
    application/json) with `form`, `checklist` and `certificates` as objects.
    """
    sent = window_request(request)
    centre = _staff_centre(request, sent.centre)
    require_role(request.user, actions.WINDOW_ROLES, centre=centre)
    matter = queries.get_matter(centre, sent.matter)
    person = find_person_by_id_number(sent.id_number)
    acceptance = actions.get_or_create_window_case(
        actor=request.user,
        matter=matter,
        person=person,
        application=sent.application,
        enterprise=find_enterprise(sent.enterprise),
        window=sent.window,
        idempotency_key=request.headers.get("Idempotency-Key") or None,
    )
    if not acceptance.created:
        return Status(200, _detail(request, acceptance.case))
    detail = case_detail(
        acceptance.case,
        viewer=request.user,
        submissions=acceptance.submissions,
        events=acceptance.events,
        documents=[],
    )
    return Status(201, detail)


@router.get("", response=list[CaseSummaryOut])
def list_cases(
    request: HttpRequest,
    response: HttpResponse,
    limit: CaseListLimitText,
    page: PageNumberText,
    state: str = "",
) -> list[dict[str, Any]]:
    """List the caller's cases, newest first, `limit` to a page.

    `state` keeps the cases in one state. The X-Total-Count header gives the number
    of cases, and a Link header with rel="next" the URL of the next page, if any.
    """
    cases = queries.visible_cases(request.user).order_by("-created_at")
    if state:
        cases = cases.filter(state=check_case_state(state))
    found: Page[Case] = page_of(
        cases, parse_page_number(page), CASE_LIST_LIMITS.parse(limit)
    )
    response["X-Total-Count"] = str(found.paginator.count)
    if found.has_next():
        query = request.GET.copy()
        query["page"] = str(found.next_page_number())
        response["Link"] = f'<{request.path}?{query.urlencode()}>; rel="next"'
    return [case_summary(case) for case in found]


@router.get("/{number}", response=CaseOut)
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    return _detail(request, _case(request, number), audit=True)


@router.get("/{number}/receipt", response={200: CaseReceiptOut, 202: ReceiptPendingOut})
def get_receipt(
    request: HttpRequest, number: str, response: HttpResponse
) -> Status | dict[str, Any]:
    """Return the signed acceptance receipt, or 202 with Retry-After while it is pending."""
    case = _case(request, number)
    receipt = receipts.get_receipt(case)
    if receipt is not None:
        return {
            "id": receipt.pk,
            "kind": receipt.kind,
            "created_at": api_datetime(receipt.created_at),
            "data": receipt.data,
            "signature": receipt.signature,
            "pdf_url": document_pdf_url(case.number, receipt),
        }
    if case.accepted_at is None:
        raise ReceiptNotIssued(number=case.number, state=CaseState(case.state))
    seconds = receipts.RETRY_AFTER_SECONDS
    response["Retry-After"] = str(seconds)
    message = ngettext(
        "The acceptance receipt of case %(number)s is being prepared. Ask again in "
        "%(seconds)s second.",
        "The acceptance receipt of case %(number)s is being prepared. Ask again in "
        "%(seconds)s seconds.",
        seconds,
    ) % {"number": case.number, "seconds": seconds}
    details = {"number": case.number, "retry_after": seconds}
    return Status(
        202, {"code": "receipt.pending", "message": message, "details": details}
    )


@router.post("/{number}/accept", response=CaseOut)
def accept(request: HttpRequest, number: str, payload: AcceptIn) -> dict[str, Any]:
    case = actions.accept_case(
        actor=request.user,
        case=_case(request, number),
        checklist={
            key: actions.MaterialCheck(**check.model_dump())
            for key, check in payload.checklist.items()
        },
        window=payload.window,
    )
    return _detail(request, case)


@router.post("/{number}/refuse", response=CaseOut)
def refuse(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    case = actions.refuse_case(
        actor=request.user, case=_case(request, number), reason=payload.reason
    )
    return _detail(request, case)


@router.post("/{number}/correction", response=CaseOut)
def request_correction(
    request: HttpRequest, number: str, payload: CorrectionIn
) -> dict[str, Any]:
    case = actions.request_correction(
        actor=request.user,
        case=_case(request, number),
        items=[item.dict() for item in payload.items],
    )
    return _detail(request, case)


@router.post("/{number}/resubmit", response=CaseOut, openapi_extra=RESUBMISSION_BODY)
def resubmit(request: HttpRequest, number: str) -> dict[str, Any]:
    """Answer a correction request: multipart like the application, only what changes."""
    check_form_body(request, ResubmissionMultipartRequired)
    case = actions.resubmit_case(
        actor=request.user,
        case=_case(request, number),
        application=application_from_request(request.POST, request.FILES),
    )
    return _detail(request, case)


@router.post("/{number}/approve", response=CaseOut)
def approve(request: HttpRequest, number: str, payload: ApprovalIn) -> dict[str, Any]:
    """Approve; when the result is a certificate, `face` fills its open face fields."""
    case = actions.approve_case(
        actor=request.user,
        case=_case(request, number),
        opinion=payload.opinion,
        result={"face": payload.face, "holder_code": payload.holder_code},
    )
    return _detail(request, case)


@router.post("/{number}/deny", response=CaseOut)
def deny(request: HttpRequest, number: str, payload: OpinionIn) -> dict[str, Any]:
    case = actions.deny_case(
        actor=request.user, case=_case(request, number), opinion=payload.opinion
    )
    return _detail(request, case)


@router.post("/{number}/deliver", response=CaseOut)
def deliver(request: HttpRequest, number: str) -> dict[str, Any]:
    case = actions.deliver_result(actor=request.user, case=_case(request, number))
    return _detail(request, case)


@router.post("/{number}/withdraw", response=CaseOut)
def withdraw(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    case = actions.withdraw_case(
        actor=request.user, case=_case(request, number), reason=payload.reason
    )
    return _detail(request, case)

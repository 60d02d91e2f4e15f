"""Shared steps of the credit tests: record facts and issue consents through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from onestop.credit.actions import RecordFacts, record_credit

APPLICANT_ID = "440604198503150024"
APPLICANT_NAME = "李秀英"
AGENT_ID = "44060419900101123X"
ENTERPRISE_USCC = "91440604MA4W1X2YX9"
BANK_NAME = "中国工商银行佛山分行"
BANK_USCC = "91440600MA4W1X2Y3Y"


def broken_commitment(**overrides: Any) -> RecordFacts:
    values: dict[str, Any] = {
        "kind": "commitment_broken",
        "legal_basis": "《优化营商环境条例》第十九条",
        "facts": "申请时承诺经营场所符合要求，现场核查发现不符。",
        "decided_on": dt.date(2026, 11, 20),
        "case_number": "",
    }
    values.update(overrides)
    return RecordFacts(**values)


def record_for_applicant(demo: Any, **overrides: Any):
    return record_credit(
        actor=demo.user("reviewer"),
        centre=demo.centre,
        department=demo.market,
        subject_type="person",
        subject_code=APPLICANT_ID,
        facts=broken_commitment(**overrides),
    )


def consent_request(**overrides: Any) -> dict[str, Any]:
    body = {
        "recipient_name": BANK_NAME,
        "recipient_uscc": BANK_USCC,
        "purpose": "个人经营贷款审批",
        "days": 7,
        "single_use": False,
    }
    body.update(overrides)
    return body


def issue_token(demo: Any, username: str = "applicant", **overrides: Any) -> str:
    response = demo.client(username).post(
        f"/api/v1/credit/centres/{demo.centre.slug}/consents",
        consent_request(**overrides),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]

"""Every state change of certificates, one function each.

Each action runs in one transaction, checks the caller's role, signs what it issues
with the centre's key, and writes the audit event and the ledger entry in that
transaction.
`actor=None` is the platform itself, for example a department system that returns a
result through a connector, and skips the role check.
"""

from .certificate_types import sync_certificate_types
from .issuance import issue_certificate
from .renewal import issue_or_renew_certificate, renew_certificate
from .revocation import revoke_certificate
from .uses import use_certificate
from .verification import verify_certificate

__all__ = [
    "issue_certificate",
    "issue_or_renew_certificate",
    "renew_certificate",
    "revoke_certificate",
    "sync_certificate_types",
    "use_certificate",
    "verify_certificate",
]

"""User-facing errors of the ledger, each with a stable `ledger.*` code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import Conflict, InvalidInput, NotFound, quoted_text


class NumberInvalid(InvalidInput):
    code = "ledger.number_invalid"
    message = _(
        "The parameter %(field)s (%(value)s) is not a whole number of zero or more. "
        "Give a decimal integer such as 0 or 42."
    )

    def message_values(self) -> dict[str, Any]:
        """Quote the value in the message, while `details.value` keeps it as sent."""
        values = super().message_values()
        return {**values, "value": quoted_text(self.details["value"])}


class NumberTooLarge(InvalidInput):
    code = "ledger.number_too_large"
    message = _(
        "The parameter %(field)s (%(value)s) is too large: ledger numbers are below "
        "%(limit)s."
    )


class TreeSizeInvalid(InvalidInput):
    code = "ledger.tree_size_invalid"
    message = _(
        "The tree size %(tree_size)s has no entries. Give a tree size of at least 1, "
        "such as the size of the latest checkpoint."
    )


class TreeSizeBeyondLog(InvalidInput):
    code = "ledger.tree_size_beyond_log"
    message = _(
        "The tree size %(tree_size)s is larger than the log, whose size (its number "
        "of integrated entries) is %(log_size)s. Give a tree size of at most "
        "%(log_size)s."
    )


class IndexBeyondTreeSize(InvalidInput):
    code = "ledger.index_beyond_size"
    message = _(
        "The index %(index)s is not in a tree of size %(tree_size)s. Give an index "
        "below %(tree_size)s, or a larger tree size."
    )


class FirstAfterSecond(InvalidInput):
    code = "ledger.first_after_second"
    message = _(
        "The first tree size %(first)s is larger than the second tree size %(second)s. "
        "Give the older, smaller tree size first."
    )


class FirstSizeZero(InvalidInput):
    code = "ledger.consistency_from_empty_tree"
    message = _(
        "A consistency proof from the empty tree proves nothing, so the first tree "
        "size must be at least 1, not %(first)s."
    )


class EntryNotFound(NotFound):
    code = "ledger.entry_not_found"
    message = _(
        "No integrated ledger entry has the index %(index)s. The log's size is "
        "%(log_size)s, and its indices run from 0 to one less than that."
    )


class NoCheckpoint(NotFound):
    code = "ledger.no_checkpoint"
    message = _(
        "The ledger has not published a checkpoint yet. Try again after the sequencer "
        "has integrated entries and published one."
    )


class EntryNotIntegrated(Conflict):
    code = "ledger.entry_pending"
    message = _(
        "The ledger entry %(entry_id)s is still pending and has no index yet. Try "
        "again after the sequencer has integrated it."
    )


class NoCheckpointCoversEntry(Conflict):
    code = "ledger.entry_not_checkpointed"
    message = _(
        "No checkpoint covers the ledger entry at index %(index)s yet; the latest one "
        "is of tree size %(size)s. Try again after the next checkpoint is published."
    )


class KindInvalid(InvalidInput):
    code = "ledger.kind_invalid"
    message = _(
        "The ledger entry kind %(kind)s is invalid. Use a dotted lower-case name of at "
        "most 80 characters, such as case.accepted."
    )


class BodyInvalid(InvalidInput):
    code = "ledger.body_invalid"
    message = _(
        "The ledger entry body must be a JSON object, not %(type)s. Pass a dict of "
        "ids, codes, states, times and hashes."
    )


class PersonalDataInEntry(InvalidInput):
    code = "ledger.personal_data"
    message = _(
        "The ledger entry field %(field)s looks like an ID number or a mobile number. "
        "Store subject_reference() of the code instead of the code itself."
    )


class CheckpointInconsistent(Conflict):
    code = "ledger.checkpoint_inconsistent"
    message = _(
        "The tree of size %(size)s is not consistent with checkpoint "
        "%(checkpoint_id)s of size %(previous_size)s (%(reason)s), so no checkpoint "
        "was published. Run `onestop ledger verify` to find the changed rows."
    )


class BundleInvalid(InvalidInput):
    code = "ledger.bundle_invalid"
    message = _(
        "The ledger proof bundle failed verification: %(reason)s. Ask the issuer for a "
        "new bundle, and check that the verifier key is the ledger's published key."
    )


class ParameterMissing(InvalidInput):
    code = "ledger.parameter_missing"
    message = _(
        "The query parameter %(field)s is missing. Add it, for example ?%(field)s=1."
    )

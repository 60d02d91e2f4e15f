"""Every state change of the department exchange, one function each.

The actions live in one module per stage: `dispatch` (connector settings, and
building, signing and delivering envelopes), `department_callbacks` (verifying and
applying a department's callback), `acknowledgement` (envelopes fetched by pull
departments) and `dead_letters` (replaying dead dispatches). This package re-exports
the actions and constants that views, the API, tasks, commands and tests use.
"""

from onestop.exchange.actions.acknowledgement import acknowledge_envelopes
from onestop.exchange.actions.dead_letters import SUPERVISING_ROLES, replay_dead_letter
from onestop.exchange.actions.department_callbacks import receive_callback
from onestop.exchange.actions.dispatch import (
    DISPATCH_TOPIC,
    SYSTEM,
    connector_for,
    deliver_envelope,
    prepare_envelope,
    save_connector_config,
)

__all__ = [
    "DISPATCH_TOPIC",
    "SUPERVISING_ROLES",
    "SYSTEM",
    "acknowledge_envelopes",
    "connector_for",
    "deliver_envelope",
    "prepare_envelope",
    "receive_callback",
    "replay_dead_letter",
    "save_connector_config",
]

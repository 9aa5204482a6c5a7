"""Optional wording suggestions for progress notes from an OpenAI-compatible endpoint.

Not a Django app and holds no data. Off unless THREADLINE_ASSIST_URL is set; then the facts that
pre-fill a note (objectives due, interventions, the previous note's plan) may be sent there to be
rephrased as note prose, and the clinician accepts each proposed piece one at a time.
"""

from threadline.assist.wording import (
    AssistUnavailable,
    Piece,
    Proposal,
    Provider,
    configured_provider,
    propose,
    require_provider,
)

__all__ = [
    "AssistUnavailable",
    "Piece",
    "Proposal",
    "Provider",
    "configured_provider",
    "propose",
    "require_provider",
]

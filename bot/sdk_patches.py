"""The one place where the SDK stack is patched, each patch with its reason.

1. msrest (under botframework-connector) builds a `ClientRetryPolicy` for every
   ConnectorClient, and CloudAdapter makes a ConnectorClient for every turn. Its constructor
   tests 999 status codes for membership in a 500-element *list*: half a million comparisons,
   about 5 ms of CPU per turn. The same codes as a frozenset give the same retry list.
2. msrest serializes an adaptive card (an attachment's `content`, typed `object`) by walking
   every value in Python: about 2 ms for a check-in card, the largest single cost of a turn.
   A card built by `cards/` is plain JSON data, for which a JSON round trip gives the same
   result in a fraction of the time; anything else (models, dates, NaN) still takes
   msrest's own path.
"""

from __future__ import annotations

import json
from typing import Any

from msrest import serialization
from msrest.universal_http import requests as msrest_requests

# msrest's own, kept from before any patch (tests compare against it).
MSREST_SERIALIZE_OBJECT = serialization.Serializer.serialize_object
_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    _applied = True
    policy = msrest_requests.ClientRetryPolicy
    policy.safe_codes = frozenset(policy.safe_codes)  # type: ignore[assignment]  # only `in` reads it

    def serialize_object(self: serialization.Serializer, attr: Any, **kwargs: Any) -> Any:
        if isinstance(attr, dict | list):
            try:
                return json.loads(json.dumps(attr, allow_nan=False))
            except (TypeError, ValueError):
                pass  # not plain JSON data: msrest knows how
        return MSREST_SERIALIZE_OBJECT(self, attr, **kwargs)

    serialization.Serializer.serialize_object = serialize_object  # type: ignore[method-assign]

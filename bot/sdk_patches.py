"""The one place where the SDK stack is patched, each patch with its reason.

msrest (under botframework-connector) builds a `ClientRetryPolicy` for every ConnectorClient,
and CloudAdapter makes a ConnectorClient for every turn. Its constructor tests 999 status codes
for membership in a 500-element *list*: half a million comparisons, about 5 ms of CPU per
turn. The same codes as a frozenset give the same retry list at a fraction of the cost.
"""

from __future__ import annotations

from msrest.universal_http import requests as msrest_requests


def apply() -> None:
    policy = msrest_requests.ClientRetryPolicy
    policy.safe_codes = frozenset(policy.safe_codes)  # type: ignore[assignment]  # only `in` reads it

"""What each kind of key may call, as data: one line per scope.

A scope lists the requests it allows as ``METHOD/path`` patterns, the tail of an execute-api
ARN (``arn:aws:execute-api:region:account:api/stage/METHOD/path``), where ``*`` matches any
characters, ``/`` included. The authorizer turns them into the Allow statements of its policy
(functions/authorizer/app.py), and the functions check the same patterns when API Gateway did
not run the authorizer (http/operation.py). Secret keys (``sk_``) have the full scope;
restricted keys (``rk_``) any other. Standard library only: the authorizer imports this.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase


@dataclass(frozen=True, slots=True)
class Scope:
    name: str
    # METHOD/path patterns of the requests a key of this scope may send.
    allows: tuple[str, ...]
    # What such a key may do, in words that finish "This API key ...".
    description: str


FULL = "full"
READ_ONLY = "read_only"

SCOPES = {
    scope.name: scope
    for scope in (
        Scope(FULL, ("*/*",), "may send any request"),
        Scope(READ_ONLY, ("GET/*",), "is read-only: it may only send GET requests"),
    )
}
RESTRICTED_SCOPES = tuple(name for name in SCOPES if name != FULL)


def allows(scope: str, method: str, path: str) -> bool:
    """Whether a key of ``scope`` may send ``method`` to ``path`` (which starts with '/'); an
    unknown scope allows nothing."""
    known = SCOPES.get(scope)
    if known is None:
        return False
    request = f"{method}{path}"
    return any(fnmatchcase(request, pattern) for pattern in known.allows)


def describe(scope: str) -> str:
    """What a key of ``scope`` may do, in words."""
    known = SCOPES.get(scope)
    return known.description if known else "may not send this request"


def policy_resources(scope: str, method_arn: str) -> list[str]:
    """The execute-api resources a key of ``scope`` may invoke, on every route of the stage that
    ``method_arn`` (arn:...:api-id/stage/VERB/path) belongs to: API Gateway caches one answer
    per key for all routes, so the answer must not depend on the route that asked."""
    api, stage = method_arn.split("/", 2)[:2]
    return [f"{api}/{stage}/{pattern}" for pattern in SCOPES[scope].allows]

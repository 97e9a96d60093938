"""The error answers of every operation in the OpenAPI schema: problem details (RFC 9457).

A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]): it adds
the component `Problem` (the body planning_cycle.api.errors writes) and, to every operation,
the error statuses it can answer with as `application/problem+json`. An answer the view
documents itself (say a 409 with its own schema) is kept.
"""

from __future__ import annotations

from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

# Any request can be refused in these ways (authentication, permission, unknown object,
# an Accept header the API cannot serve, the rate limit), and any query string or body can
# be invalid.
COMMON = {
    "400": "Invalid request: query parameters or body (see `errors`).",
    "401": "Not authenticated, or the API token is unknown, expired or revoked.",
    "403": "Not permitted (also: a read-only token on a request that changes something).",
    "404": "Not found, or not in the body of the user.",
    "405": "Method not allowed.",
    "406": "The requested format (Accept) is not available.",
    "429": "Too many requests: the rate limit of the token is reached (see `retry_after`).",
}
# Requests that change something can also conflict, be refused by the domain, or send a
# body of an unknown format.
WRITE = {
    "409": "Conflict: someone else changed the object just now, or it exists already.",
    "415": "The format of the request body (Content-Type) is not supported.",
    "422": "Not possible: the transition or change is not allowed in this state.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Problem details (RFC 9457). `title` and `detail` are in the language of the request "
        "(Accept-Language, else German)."
    ),
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`."},
        "title": {"type": "string", "description": "Short summary of the status."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong, for people."},
        "instance": {"type": "string", "description": "The path of the request."},
        "errors": {
            "type": "array",
            "description": "Invalid input (400): one entry per message.",
            "items": {
                "type": "object",
                "properties": {
                    "field": {
                        "type": "string",
                        "description": "JSON pointer into the request body (`/` for the whole).",
                    },
                    "message": {"type": "string"},
                },
                "required": ["field", "message"],
            },
        },
        "reasons": {
            "type": "array",
            "description": "Why a transition is blocked (409, 422).",
            "items": {"type": "string"},
        },
        "retry_after": {
            "type": "integer",
            "description": "Seconds to wait before the next request (429).",
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_REF}}}


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Declare the problem-details answers of every operation (a postprocessing hook)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = dict(COMMON)
            if method in WRITE_METHODS:
                statuses.update(WRITE)
            responses = operation["responses"]
            for code, description in statuses.items():
                responses.setdefault(code, _problem_response(description))
            operation["responses"] = dict(sorted(responses.items()))
    return result

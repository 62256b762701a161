"""The one JSON error shape of the site and the API."""

from __future__ import annotations

from django.http import JsonResponse


def error_body(status: int, error: str, errors: list | None = None) -> dict:
    return {"ok": False, "error": error, "errors": errors or [], "status": status}


def json_error(status: int, error: str, errors: list | None = None, **headers) -> JsonResponse:
    response = JsonResponse(error_body(status, error, errors), status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response

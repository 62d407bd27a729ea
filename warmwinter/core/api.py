"""API plumbing shared by every app: domain errors become JSON 4xx in one place."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from warmwinter.core.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        if exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_403_FORBIDDEN and not getattr(context["request"], "user", None):
        response.status_code = status.HTTP_401_UNAUTHORIZED
    return response

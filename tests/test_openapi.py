"""The API's OpenAPI document, its docs page and the health check, as a client sees them."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from openapi_spec_validator import validate

from tests.factories import make_member
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue

EXTERNAL_ASSET = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)
STATIC_ASSET = re.compile(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""", re.IGNORECASE)


@pytest.fixture
def document(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200, "the OpenAPI document must be readable without signing in"
    assert "json" in response["Content-Type"]
    return response.json()


def test_openapi_document_is_valid_without_login(document):
    validate(document)  # raises on any violation of the OpenAPI specification
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"]


def test_openapi_document_lists_the_foundation_operations(document):
    paths = document["paths"]
    assert "post" in paths["/api/v1/auth/token"]
    assert "get" in paths["/api/v1/regions/{code}"]
    assert "get" in paths["/api/v1/regions/{code}/children"]
    code = next(p for p in paths["/api/v1/regions/{code}"]["get"]["parameters"] if p["name"] == "code")
    assert code["in"] == "path" and code["required"] is True
    body_ref = paths["/api/v1/auth/token"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    token_body = document["components"]["schemas"][body_ref.rsplit("/", 1)[-1]]
    assert {"username", "password"} <= set(token_body["required"])
    assert "otp" in token_body["properties"]


def test_openapi_document_declares_bearer_tokens(document):
    schemes = document["components"]["securitySchemes"]
    bearer = [name for name, s in schemes.items() if s.get("type") == "http" and s.get("scheme", "").lower() == "bearer"]
    assert bearer, f"no HTTP Bearer security scheme among {sorted(schemes)}"
    for path in ("/api/v1/regions/{code}", "/api/v1/regions/{code}/children", "/api/v1/me"):
        required = {name for requirement in document["paths"][path]["get"]["security"] for name in requirement}
        assert set(bearer) & required, f"{path} does not accept the Bearer token"
    # Getting a token needs no token.
    token_security = document["paths"]["/api/v1/auth/token"]["post"].get("security", [])
    assert not any(set(bearer) & set(requirement) for requirement in token_security)


@pytest.mark.django_db
def test_openapi_document_is_the_same_for_a_signed_in_client(document):
    user = make_member(Role.VILLAGE_CLERK, "520402005001")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}").get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == document


@pytest.fixture
def static_served(settings):
    """WhiteNoise serves straight from the app static folders, as after collectstatic."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.mark.django_db
def test_api_docs_page_loads_swagger_ui_from_our_static_files(static_served):
    client = Client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert not EXTERNAL_ASSET.search(html), f"the docs page loads something from another site: {EXTERNAL_ASSET.findall(html)}"
    assets = STATIC_ASSET.findall(html)
    scripts = [a for a in assets if a.endswith(".js")]
    assert any("swagger-ui-bundle" in a for a in scripts), f"Swagger UI script not served from /static/: {assets}"
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is referenced but not in any static folder"
        assert client.get(asset).status_code == 200, f"{asset} is not served"
    assert "/api/v1/openapi.json" in html


@pytest.mark.django_db
def test_healthz_checks_the_database():
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] in ("sqlite", "postgresql")


def test_the_schema_generates_without_warnings(tmp_path):
    """Name collisions between choice sets (several `kind` fields) warn, and `check --deploy` fails on warnings."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

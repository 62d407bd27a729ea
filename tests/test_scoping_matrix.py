"""The scoping matrix: every role x every URL x an object outside the role's scope -> 404.

The URL list is not written down here: it is walked from the resolver, so a URL added later
is tested without anyone remembering to. A URL with a path parameter whose name has no entry
in tests/scoping_cases.py fails with a message saying what to register; a new URL that needs
no login fails until it is added to PUBLIC below. Parameterless pages and API operations
(lists, dashboards) are checked for leaks: no text of an out-of-scope object in the response.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.factories import make_member
from tests.scoping_cases import DONGGUAN, REGISTRY, Requester, World, build_world, requesters
from warmwinter.accounts.models import Membership
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue

# URLs anyone may open without signing in. Keep this exact: the test below fails both for a
# name listed here that no longer exists and for a parameterless URL missing from it that
# answers an anonymous request.
PUBLIC = frozenset({
    "accounts:login",
    "accounts:login_otp",
    "accounts:logout",
    "set_language",  # /i18n/setlang/
    "healthz",
    "api:openapi",
    "api:docs",
    "api:auth-token",
})
# Static files are served by WhiteNoise in front of the URL resolver; should a static URL
# pattern ever be added (e.g. staticfiles_urlpatterns()), it is public too.
PUBLIC_ROUTE_PREFIXES = (settings.STATIC_URL.lstrip("/"),)

METHODS = ("get", "post", "put", "patch", "delete")
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern, with the chain of patterns from the root resolver down to it."""

    patterns: tuple
    name: str | None
    callback: Callable

    @property
    def route(self) -> str:
        return "/" + "".join(str(p) for p in self.patterns)

    @property
    def params(self) -> tuple[str, ...]:
        names: list[str] = []
        for pattern in self.patterns:
            if isinstance(pattern, RoutePattern):
                names.extend(pattern.converters)
            elif isinstance(pattern, RegexPattern):
                names.extend(pattern.regex.groupindex)
        return tuple(names)

    @property
    def positional_groups(self) -> bool:
        return any(
            isinstance(p, RegexPattern) and p.regex.groups > len(p.regex.groupindex) for p in self.patterns
        )

    @property
    def is_api(self) -> bool:
        return self.route.startswith("/api/")

    @property
    def is_public(self) -> bool:
        return self.name in PUBLIC or self.route.lstrip("/").startswith(PUBLIC_ROUTE_PREFIXES)

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods to try: those a class-based view defines, else GET and POST."""
        actions = getattr(self.callback, "actions", None)  # a DRF ViewSet routed by a router
        if actions:
            return tuple(m for m in METHODS if m in actions)
        view_class = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        if view_class is None:
            return ("get", "post")
        return tuple(m for m in METHODS if hasattr(view_class, m))

    def url(self, kwargs: dict | None = None) -> str:
        kwargs = kwargs or {}
        if all(isinstance(p, RoutePattern) for p in self.patterns):
            path = ""
            for pattern in self.patterns:
                converters = pattern.converters
                path += _PARAM.sub(lambda m: converters[m["name"]].to_url(kwargs[m["name"]]), str(pattern))
            return "/" + path
        assert self.name, f"{self.route}: a regex URL pattern needs a name so the matrix can reverse it"
        return reverse(self.name, kwargs=kwargs)


def _walk(patterns, chain: tuple = (), namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, chain + (entry.pattern,), inner)
        elif isinstance(entry, URLPattern):
            yield Endpoint(chain + (entry.pattern,), f"{namespace}{entry.name}" if entry.name else None, entry.callback)


ENDPOINTS = list(_walk(get_resolver().url_patterns))
WITH_PARAMS = [e for e in ENDPOINTS if e.params or e.positional_groups]
LISTS = [e for e in ENDPOINTS if not e.params and not e.positional_groups and not e.is_public]
REQUESTERS = requesters()


def _ids(endpoints):
    return [e.route for e in endpoints]


# --- helpers --------------------------------------------------------------------------------------


def _client_for(user, *, api: bool) -> Client:
    if api:
        return Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    client = Client()
    client.force_login(user)  # county-level users hold a confirmed TOTP secret (make_member)
    return client


def _send(client: Client, method: str, url: str, *, api: bool, follow: bool = False):
    if method in ("get", "delete"):
        return getattr(client, method)(url, follow=follow)
    if api:
        return getattr(client, method)(url, data={}, content_type="application/json", follow=follow)
    return getattr(client, method)(url, data={}, follow=follow)


def _values(endpoint: Endpoint, world: World, which: str) -> list[dict]:
    """Every combination of values for the endpoint's kwargs, from the registry."""
    if endpoint.positional_groups:
        pytest.fail(f"{endpoint.route}: uses unnamed regex groups; name them so the scoping matrix can fill them in.")
    choices = []
    for name in endpoint.params:
        case = REGISTRY.get(name)
        if case is None:
            pytest.fail(
                f"URL {endpoint.route} has the path parameter <{name}>, which the scoping matrix does not know.\n"
                f"Register it in tests/scoping_cases.py with @register({name!r}): an `outside(world)` that creates "
                f"an object outside the requester's scope (under world.outside / world.outside_village) and returns "
                f"the value for <{name}>, and an `inside(world)` that returns one inside it.",
                pytrace=False,
            )
        value = getattr(case, which)(world)
        choices.append(value if isinstance(value, list | tuple) else [value])
    return [dict(zip(endpoint.params, combo, strict=True)) for combo in itertools.product(*choices)]


def _demands_login(endpoint: Endpoint, response) -> bool:
    if endpoint.is_api:
        return response.status_code in (401, 403)
    login = reverse(settings.LOGIN_URL)
    return response.status_code == 302 and response["Location"].startswith(f"{login}?next=")


def _leaks(world: World, response) -> list[str]:
    body = response.content.decode(errors="replace")
    return [marker for marker in world.markers if marker in body]


# --- the registry and the allow-list stay complete ------------------------------------------------


def test_url_walk_finds_pages_and_api_operations():
    routes = {e.route for e in ENDPOINTS}
    for expected in ("/", "/accounts/users/<int:user_id>/", "/regions/<str:code>/", "/api/v1/regions/<str:code>/children", "/api/v1/audit/events"):
        assert expected in routes
    for endpoint in ENDPOINTS:
        if not endpoint.params and not endpoint.positional_groups:
            assert resolve(endpoint.url()).func == endpoint.callback, f"{endpoint.route} is shadowed by another pattern"


def test_every_path_parameter_has_an_out_of_scope_factory():
    missing = sorted({f"<{p}> in {e.route}" for e in WITH_PARAMS for p in e.params if p not in REGISTRY})
    assert not missing, (
        "Path parameters unknown to the scoping matrix; register each in tests/scoping_cases.py "
        f"(see its docstring): {missing}"
    )


@pytest.mark.django_db
def test_public_urls_are_exactly_the_allow_list():
    by_name = {e.name: e for e in ENDPOINTS if e.name}
    stale = sorted(PUBLIC - set(by_name))
    assert not stale, f"PUBLIC names URLs that no longer exist: {stale}"
    with_params = sorted(n for n in PUBLIC if by_name[n].params)
    assert not with_params, f"a public URL takes parameters; scope it instead: {with_params}"

    anonymous = Client()
    public = set()
    for endpoint in ENDPOINTS:
        if endpoint.params or endpoint.positional_groups:
            continue
        response = anonymous.get(endpoint.url())
        if not _demands_login(endpoint, response):
            public.add(endpoint.name or endpoint.route)
    assert public == set(PUBLIC), (
        "The URLs that answer without login changed. Opened without login but not in PUBLIC: "
        f"{sorted(public - PUBLIC)}; in PUBLIC but asking for login: {sorted(PUBLIC - public)}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", WITH_PARAMS, ids=_ids(WITH_PARAMS))
def test_urls_with_parameters_ask_for_login(endpoint):
    world = build_world(Requester(Role.ADMIN.value, DONGGUAN))
    for kwargs in _values(endpoint, world, "inside"):
        for method in endpoint.methods:
            response = _send(Client(), method, endpoint.url(kwargs), api=endpoint.is_api)
            assert _demands_login(endpoint, response), (
                f"anonymous {method.upper()} {endpoint.url(kwargs)} answered {response.status_code} instead of asking for login"
            )


# --- the matrix -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("spec", REQUESTERS, ids=[r.id for r in REQUESTERS])
@pytest.mark.parametrize("endpoint", WITH_PARAMS, ids=_ids(WITH_PARAMS))
def test_object_outside_scope_is_404(endpoint, spec):
    world = build_world(spec)
    client = _client_for(world.requester, api=endpoint.is_api)
    problems = []
    for kwargs in _values(endpoint, world, "outside"):
        url = endpoint.url(kwargs)
        answers = {m: _send(client, m, url, api=endpoint.is_api).status_code for m in endpoint.methods}
        if any(code not in (404, 405) for code in answers.values()) or 404 not in answers.values():
            problems.append(f"{url}: {answers}")
    assert not problems, f"{spec.id} reached objects outside its scope (expected 404): " + "; ".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", WITH_PARAMS, ids=_ids(WITH_PARAMS))
def test_object_inside_scope_is_reachable_by_some_role(endpoint):
    """The control: the matrix's 404s come from scoping, not from values the URL never accepts."""
    world = build_world(Requester(Role.ADMIN.value, DONGGUAN))
    candidates = [world.requester] + [
        make_member(spec.role, spec.home, username=f"ctl_{spec.role}_{spec.home}") for spec in REQUESTERS
    ]
    kwargs = _values(endpoint, world, "inside")[0]
    url = endpoint.url(kwargs)
    for user in candidates:
        client = _client_for(user, api=endpoint.is_api)
        if any(_send(client, m, url, api=endpoint.is_api).status_code not in (404, 405) for m in endpoint.methods):
            return
    pytest.fail(f"no role reaches {url} with the in-scope values {kwargs}: check `inside` in tests/scoping_cases.py")


@pytest.mark.django_db
@pytest.mark.parametrize("spec", REQUESTERS, ids=[r.id for r in REQUESTERS])
@pytest.mark.parametrize("endpoint", LISTS, ids=_ids(LISTS))
def test_lists_do_not_leak_out_of_scope_objects(endpoint, spec):
    world = build_world(spec)
    client = _client_for(world.requester, api=endpoint.is_api)
    url = endpoint.url()
    response = _send(client, "get", url, api=endpoint.is_api, follow=not endpoint.is_api)
    if response.status_code == 405:
        response = _send(client, "post", url, api=endpoint.is_api, follow=not endpoint.is_api)
    assert response.status_code < 500
    leaked = _leaks(world, response)
    assert not leaked, f"{spec.id}: {url} shows out-of-scope {leaked}"


# --- what the matrix cannot see: objects inside scope with parts outside it -----------------------


@pytest.mark.django_db
def test_membership_outside_scope_of_a_visible_user_is_404():
    world = build_world(Requester(Role.ADMIN.value, DONGGUAN))
    straddler = world.cache["straddler"]
    outside = Membership.objects.get(user=straddler, region_id=world.outside_village)
    client = _client_for(world.requester, api=False)

    page = client.get(reverse("accounts:user_detail", kwargs={"user_id": straddler.pk}))
    assert page.status_code == 200
    assert "金钟社区居民委员会" in page.content.decode()
    assert not _leaks(world, page)

    response = client.post(reverse("accounts:membership_deactivate", kwargs={"user_id": straddler.pk, "membership_id": outside.pk}))
    assert response.status_code == 404
    outside.refresh_from_db()
    assert outside.active


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url", "insider_marker"), [
    (Role.ADMIN, "/accounts/users/", "insider"),
    (Role.ADMIN, "/audit/", "insider"),
    (Role.AUDITOR, "/api/v1/audit/events", "insider"),
])
def test_lists_show_what_is_inside_scope(role, url, insider_marker):
    """The leak checks above are only worth something if the lists are not simply empty."""
    spec = next(r for r in REQUESTERS if r.role == role)
    world = build_world(spec)
    response = _client_for(world.requester, api=url.startswith("/api/")).get(url)
    assert response.status_code == 200
    assert insider_marker in response.content.decode()
    assert not _leaks(world, response)


"""Scope on every door: every route is asked for what lies outside the caller's scope."""

from rmdesk.core.routes import all_routes
from rmdesk.core.testing import sweep_routes


def test_no_route_of_the_application_leaks_outside_the_scope(client, bank):
    assert sweep_routes(client, caller=bank.am_b) == []


def test_the_sweep_covers_every_route_including_new_ones():
    names = {route.name for route in all_routes()}
    assert {"book", "team", "customer_detail", "customer_new", "login", "logout", "set_language"} <= names


def test_the_sweep_catches_a_route_that_bypasses_the_scope(client, bank, settings):
    settings.ROOT_URLCONF = "rmdesk.core.tests.leaky_urls"
    findings = sweep_routes(client, caller=bank.am_b)
    assert any(f.startswith("leaky_customer (GET) answers 200") for f in findings), findings
    assert any(f.startswith("leaky_list (GET) shows") for f in findings), findings
    assert "undeclared takes pk but declares no scoped object" in findings
    assert not any(f.startswith(("book", "customer_detail")) for f in findings), findings


def test_the_administration_site_holds_no_customer_data():
    from rmdesk.org.admin import desk_admin

    scoped = [model.__name__ for model in desk_admin._registry if hasattr(model, "scope_customer")]
    assert scoped == []

"""Compliance searches the whole bank's trail; a branch's risk officer the trail of a customer in scope."""

from django.urls import reverse


def look_in_full(client, bank):
    client.force_login(bank.am_a)
    client.post(reverse("customer_personal_data", args=[bank.farmer.pk]), {"reason": "核实身份"})


def test_compliance_finds_who_looked_at_personal_data_across_the_bank(client, bank):
    look_in_full(client, bank)
    client.force_login(bank.compliance)
    response = client.get(reverse("audit_search"), {"person": "am_a", "action": 3})
    entries = list(response.context["page"])
    assert [(e.actor, e.additional_data["reason"]) for e in entries] == [(bank.am_a, "核实身份")]


def test_compliance_finds_what_changed_on_a_customer(client, bank):
    client.force_login(bank.compliance)
    response = client.get(reverse("audit_search"), {"customer": bank.farmer.number})
    models = {e.content_type.model for e in response.context["page"]}
    assert {"customer", "bookassignment", "holding", "loan"} <= models


def test_a_branch_risk_officer_must_name_a_customer_of_their_scope(client, bank):
    look_in_full(client, bank)
    client.force_login(bank.risk)
    broad = client.get(reverse("audit_search"), {"person": "am_a"})
    assert 'data-testid="needs-customer"' in broad.content.decode()
    assert list(broad.context["page"]) == []
    named = client.get(reverse("audit_search"), {"customer": bank.farmer.number})
    assert any(e.actor == bank.am_a for e in named.context["page"])


def test_a_customer_outside_the_readers_scope_is_not_found(client, bank):
    client.force_login(bank.risk)
    bank.risk.org_unit = bank.outlet_b
    bank.risk.save()
    foreign = client.get(reverse("audit_search"), {"customer": bank.farmer.number})
    missing = client.get(reverse("audit_search"), {"customer": "C9999999999"})
    assert foreign.status_code == missing.status_code == 404
    assert bank.farmer.name.encode() not in foreign.content


def test_account_managers_do_not_search_the_audit_trail(client, bank):
    client.force_login(bank.am_a)
    assert client.get(reverse("audit_search")).status_code == 403

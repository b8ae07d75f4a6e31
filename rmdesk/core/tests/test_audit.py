"""The audit trail: who, when, from where, before and after; personal data seen in full; immutable."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import transaction
from django.urls import reverse

from rmdesk.core.audit import AuditRecordImmutable
from rmdesk.customers.models import Customer, CustomerKind, KeyPerson


def entries_about(customer):
    return LogEntry.objects.filter(additional_data__customer_id=customer.pk).order_by("pk")


def test_registering_a_customer_records_who_and_from_where(client, bank):
    client.force_login(bank.am_a)
    client.post(
        reverse("customer_new"),
        {"kind": CustomerKind.ENTERPRISE, "name": "审计测试有限公司", "id_number": "91350100M000100Y43", "industry": "C"},
        REMOTE_ADDR="10.20.30.40",
    )
    customer = Customer.objects.get(name="审计测试有限公司")
    created = entries_about(customer).filter(action=LogEntry.Action.CREATE, content_type__model="customer").get()
    assert created.actor == bank.am_a
    assert created.remote_addr == "10.20.30.40"
    assert created.changes_dict["id_number"] == ["None", "91350100M000100Y43"]


def test_a_change_records_the_values_before_and_after(bank):
    with set_actor(bank.leader_a, remote_addr="10.0.0.9"):
        bank.farmer.phone = "13900009999"
        bank.farmer.save()
    change = entries_about(bank.farmer).filter(action=LogEntry.Action.UPDATE).latest("pk")
    assert change.changes_dict == {"phone": ["13857112345", "13900009999"]}
    assert change.actor == bank.leader_a


def test_changes_to_related_records_are_found_under_their_customer(bank):
    with set_actor(bank.am_a):
        person = KeyPerson.objects.create(customer=bank.farmer, role="spouse", name="李秀英")
        person.delete()
        bank.loan.days_past_due = 5
        bank.loan.save()
    actions = {(e.content_type.model, e.action) for e in entries_about(bank.farmer)}
    assert ("keyperson", LogEntry.Action.CREATE) in actions
    assert ("keyperson", LogEntry.Action.DELETE) in actions
    assert ("loan", LogEntry.Action.UPDATE) in actions


def test_a_handover_is_in_the_trail(bank):
    from rmdesk.customers.services import book_assign_primary

    with set_actor(bank.leader_a):
        book_assign_primary(customer=bank.farmer, manager=bank.am_a2, assigned_by=bank.leader_a)
    moved = entries_about(bank.farmer).filter(action=LogEntry.Action.UPDATE, content_type__model="customer").latest("pk")
    assert moved.changes_dict["primary_manager"] == [str(bank.am_a.pk), str(bank.am_a2.pk)]
    assert moved.actor == bank.leader_a


def test_audit_records_cannot_be_changed(bank):
    entry = entries_about(bank.farmer).first()
    entry.object_repr = "tampered"
    with pytest.raises(AuditRecordImmutable):
        entry.save()


def test_audit_records_cannot_be_deleted_one_by_one_or_in_bulk(bank):
    entry = entries_about(bank.farmer).first()
    with pytest.raises(AuditRecordImmutable), transaction.atomic():
        entry.delete()
    with pytest.raises(AuditRecordImmutable), transaction.atomic():
        LogEntry.objects.all().delete()
    assert entries_about(bank.farmer).exists()


def test_personal_data_is_masked_on_the_customer_page(client, bank):
    client.force_login(bank.am_a)
    html = client.get(reverse("customer_detail", args=[bank.farmer.pk])).content.decode()
    assert "138****2345" in html
    assert "13857112345" not in html
    assert bank.farmer.id_number not in html
    assert "330181********" in html


def test_seeing_personal_data_in_full_needs_a_reason_and_is_recorded(client, bank):
    client.force_login(bank.am_a)
    url = reverse("customer_personal_data", args=[bank.farmer.pk])
    refused = client.post(url, {"reason": " "}, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 400
    assert not entries_about(bank.farmer).filter(action=LogEntry.Action.ACCESS).exists()
    shown = client.post(url, {"reason": "回访客户核对电话"}, REMOTE_ADDR="10.1.1.1")
    html = shown.content.decode()
    assert "13857112345" in html and bank.farmer.id_number in html
    seen = entries_about(bank.farmer).get(action=LogEntry.Action.ACCESS)
    assert seen.actor == bank.am_a
    assert seen.remote_addr == "10.1.1.1"
    assert seen.additional_data["reason"] == "回访客户核对电话"
    assert "phone" in seen.additional_data["fields"]


def test_head_office_reads_masked_data_and_may_not_unmask(client, bank):
    client.force_login(bank.head)
    assert "13857112345" not in client.get(reverse("customer_detail", args=[bank.farmer.pk])).content.decode()
    assert client.post(reverse("customer_personal_data", args=[bank.farmer.pk]), {"reason": "x"}).status_code == 403


def test_risk_officer_sees_who_looked_at_a_customer_and_what_changed(client, bank):
    client.force_login(bank.am_a)
    client.post(reverse("customer_personal_data", args=[bank.farmer.pk]), {"reason": "核实身份"})
    client.force_login(bank.risk)
    response = client.get(reverse("customer_detail", args=[bank.farmer.pk]))
    trail = response.context["audit_entries"]
    assert any(e.action == LogEntry.Action.ACCESS and e.actor == bank.am_a for e in trail)
    assert 'id="audit"' in response.content.decode()


def test_account_managers_do_not_read_the_audit_trail(client, bank):
    client.force_login(bank.am_a)
    response = client.get(reverse("customer_detail", args=[bank.farmer.pk]))
    assert response.context["audit_entries"] is None
    assert 'id="audit"' not in response.content.decode()

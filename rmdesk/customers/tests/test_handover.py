"""Handover: the whole book moves with its history, the old manager can leave, the new one gets a pack."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from rmdesk.customers.models import BookAssignment, BookRole, Customer
from rmdesk.customers.services import HandoverErrorCode, book_handover
from rmdesk.desk.models import Document, Interaction
from rmdesk.org.services import user_deactivate

ON = datetime.date(2026, 11, 2)


def test_a_handover_moves_every_customer_and_keeps_the_history(bank):
    before = set(Customer.objects.filter(primary_manager=bank.am_a).values_list("pk", flat=True))
    handover = book_handover(from_manager=bank.am_a, to_manager=bank.am_a2, decided_by=bank.leader_a, reason="调岗", on=ON)
    assert set(handover.customers.values_list("pk", flat=True)) == before
    assert not BookAssignment.objects.current().filter(manager=bank.am_a).exists()
    for customer in Customer.objects.filter(pk__in=before):
        assert customer.primary_manager == bank.am_a2
        ended = BookAssignment.objects.get(customer=customer, manager=bank.am_a, role=BookRole.PRIMARY)
        assert ended.ended_on == ON - datetime.timedelta(days=1)


def test_after_the_handover_the_old_manager_can_be_deactivated(bank):
    with pytest.raises(ValidationError):
        user_deactivate(user=bank.am_a)
    book_handover(from_manager=bank.am_a, to_manager=bank.am_a2, decided_by=bank.leader_a, reason="离职", on=ON)
    assert not user_deactivate(user=bank.am_a).is_active


def test_assisting_roles_move_too(bank):
    book_handover(from_manager=bank.am_a2, to_manager=bank.am_a, decided_by=bank.leader_a, reason="调岗", on=ON)
    current = BookAssignment.objects.current().get(customer=bank.factory, role=BookRole.ASSISTING)
    assert current.manager == bank.am_a


@pytest.mark.parametrize(
    "decider, from_, to, code",
    [
        ("am_a", "am_a", "am_a2", HandoverErrorCode.NOT_A_LEADER),
        ("leader_a", "am_b", "am_a", HandoverErrorCode.OUTSIDE_UNIT),
        ("leader_a", "am_a", "am_a", HandoverErrorCode.SAME_MANAGER),
    ],
)
def test_a_handover_against_the_rules_is_refused_and_changes_nothing(bank, decider, from_, to, code):
    before = list(BookAssignment.objects.values_list("pk", "ended_on"))
    with pytest.raises(ValidationError) as error:
        book_handover(
            from_manager=getattr(bank, from_), to_manager=getattr(bank, to), decided_by=getattr(bank, decider), reason="x", on=ON
        )
    assert error.value.code == code
    assert list(BookAssignment.objects.values_list("pk", "ended_on")) == before


def test_the_pack_shows_arrears_documents_due_and_recent_promises(client, bank):
    bank.loan.days_past_due = 12
    bank.loan.save()
    Document.objects.create(customer=bank.farmer, kind="land_contract", title="土地承包合同", expires_on=ON + datetime.timedelta(days=20))
    Interaction.objects.create(
        customer=bank.farmer, manager=bank.am_a, kind="visit", work_kind="credit", duration_minutes=40,
        occurred_at=timezone.make_aware(datetime.datetime(2026, 10, 15, 10)), summary="答应下月上门办理续贷",
    )
    client.force_login(bank.leader_a)
    response = client.post(
        reverse("handover_new"),
        {"from_manager": bank.am_a.pk, "to_manager": bank.am_a2.pk, "effective_on": ON.isoformat(), "reason": "调岗"},
    )
    assert response.status_code == 302
    client.force_login(bank.am_a2)
    html = client.get(response.url).content.decode()
    assert "张大山" in html and "青石镇刘记五金店" in html
    assert "逾期 12 天" in html
    assert "土地承包合同" in html
    assert "答应下月上门办理续贷" in html


def test_an_account_manager_cannot_hand_over_books(client, bank):
    client.force_login(bank.am_a)
    assert client.get(reverse("handover_new")).status_code == 403


def test_a_refused_handover_form_says_why(client, bank):
    client.force_login(bank.leader_a)
    response = client.post(
        reverse("handover_new"),
        {"from_manager": bank.am_a.pk, "to_manager": bank.am_a.pk, "effective_on": ON.isoformat(), "reason": "x"},
    )
    assert response.status_code == 400
    assert 'data-testid="handover-error"' in response.content.decode()

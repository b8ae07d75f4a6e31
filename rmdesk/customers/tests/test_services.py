"""The book's rules: one primary manager at a time, history kept, bad identifiers refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from rmdesk.customers.models import BookAssignment, BookRole, Customer, CustomerKind
from rmdesk.customers.services import BookErrorCode, book_add_assisting, book_assign_primary, customer_create


def test_handover_ends_the_old_primary_assignment_and_keeps_the_history(bank):
    book_assign_primary(
        customer=bank.farmer, manager=bank.am_a2, assigned_by=bank.leader_a, on=datetime.date(2026, 11, 1), reason="调岗"
    )
    history = list(BookAssignment.objects.filter(customer=bank.farmer, role=BookRole.PRIMARY).order_by("started_on"))
    assert [(a.manager, a.ended_on) for a in history] == [
        (bank.am_a, datetime.date(2026, 10, 31)),
        (bank.am_a2, None),
    ]
    bank.farmer.refresh_from_db()
    assert bank.farmer.primary_manager == bank.am_a2
    assert bank.farmer.org_unit == bank.outlet_a


def test_the_database_refuses_a_second_open_primary_assignment(bank):
    with pytest.raises(IntegrityError), transaction.atomic():
        BookAssignment.objects.create(
            customer=bank.farmer, manager=bank.am_a2, role=BookRole.PRIMARY, started_on=datetime.date(2026, 1, 1)
        )


def test_handover_to_someone_who_cannot_hold_a_book_is_refused(bank):
    with pytest.raises(ValidationError) as error:
        book_assign_primary(customer=bank.farmer, manager=bank.risk, assigned_by=bank.leader_a)
    assert error.value.code == BookErrorCode.CANNOT_HOLD_BOOK
    assert BookAssignment.objects.current().get(customer=bank.farmer).manager == bank.am_a


def test_assisting_manager_becoming_primary_stops_assisting(bank):
    book_assign_primary(customer=bank.factory, manager=bank.am_a2, assigned_by=bank.risk, on=datetime.date(2026, 11, 1))
    current = BookAssignment.objects.current().filter(customer=bank.factory)
    assert [(a.manager, a.role) for a in current] == [(bank.am_a2, BookRole.PRIMARY)]


def test_primary_manager_cannot_also_assist(bank):
    with pytest.raises(ValidationError) as error:
        book_add_assisting(customer=bank.farmer, manager=bank.am_a, assigned_by=bank.leader_a)
    assert error.value.code == BookErrorCode.ALREADY_PRIMARY


def test_customer_with_wrong_check_character_is_refused_and_nothing_is_written(bank):
    before = (Customer.objects.count(), BookAssignment.objects.count())
    with pytest.raises(ValidationError) as error:
        customer_create(
            kind=CustomerKind.INDIVIDUAL, name="错号码", id_number="110105194912310021",
            primary_manager=bank.am_a, created_by=bank.am_a,
        )
    assert "id_number" in error.value.message_dict
    assert (Customer.objects.count(), BookAssignment.objects.count()) == before


def test_new_customer_form_names_the_field_and_the_reason(client, bank):
    client.force_login(bank.am_a)
    before = Customer.objects.count()
    response = client.post(
        reverse("customer_new"),
        {"kind": CustomerKind.ENTERPRISE, "name": "新客户有限公司", "id_number": "91350100M000100Y44", "industry": "C"},
    )
    assert response.status_code == 400
    error = response.context["form"].errors.as_data()["id_number"][0]
    assert error.code == "check_character"
    assert "统一社会信用代码校验位错误：末位为 4，按前面各位计算应为 3" in response.content.decode()
    assert Customer.objects.count() == before


def test_new_customer_form_registers_into_my_book(client, bank):
    client.force_login(bank.am_a)
    response = client.post(
        reverse("customer_new"),
        {"kind": CustomerKind.ENTERPRISE, "name": "新客户有限公司", "id_number": "91350100M000100Y43", "industry": "C"},
    )
    customer = Customer.objects.get(name="新客户有限公司")
    assert response.status_code == 302
    assert customer.primary_manager == bank.am_a
    assert BookAssignment.objects.current().get(customer=customer).role == BookRole.PRIMARY

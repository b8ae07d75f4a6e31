"""Book positions: the unit totals read from a few cells always equal the sum over the customers."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rmdesk.core.testing import AS_OF, resident_id
from rmdesk.customers.filters import BookFilter
from rmdesk.customers.models import BookPosition, Customer, CustomerKind, Industry, Tier
from rmdesk.customers.selectors import BookTotals, book_page_totals, book_totals, team_books
from rmdesk.customers.services import book_assign_primary, book_handover, customer_create, customer_update
from rmdesk.products.services import positions_refresh


def _criteria(bank, user) -> list[dict]:
    """Every single filter the positions answer, with every value it can take in the small bank."""
    criteria = [{}]
    criteria += [{"kind": kind} for kind in CustomerKind.values]
    criteria += [{"tier": tier} for tier in Tier.values]
    criteria += [{"industry": industry} for industry in ("A", "C", "F", "Z")]
    criteria += [{"outlet": unit} for unit in (bank.head_office, bank.branch, bank.outlet_a, bank.outlet_b)]
    criteria += [{"manager": manager} for manager in (bank.am_a, bank.am_a2, bank.am_b)]
    criteria += [{"kind": CustomerKind.FARMER_HOUSEHOLD, "industry": "A", "outlet": bank.outlet_a}]
    return criteria


def _book(user, criteria: dict) -> BookFilter:
    """The book filter as the page binds it, so an outlet outside the scope is dropped alike."""
    data = {name: getattr(value, "pk", value) for name, value in criteria.items()}
    return BookFilter(data or None, queryset=Customer.objects.restrict(user), user=user)


def _live(user, criteria: dict) -> BookTotals:
    book = _book(user, criteria)
    return book_totals(book.qs if book.is_bound else Customer.objects.restrict(user))


def _from_positions(user, criteria: dict) -> BookTotals:
    return book_page_totals(user=user, customers=Customer.objects.none(), criteria=_book(user, criteria).criteria)


def assert_positions_agree_with_the_customers(bank) -> None:
    for user in (bank.head, bank.leader_a, bank.risk):
        for criteria in _criteria(bank, user):
            assert _from_positions(user, criteria) == _live(user, criteria), (user.username, criteria)


def test_unit_totals_from_the_positions_equal_the_sum_over_the_customers(bank):
    assert BookPosition.objects.filter(as_of=AS_OF).exists()
    assert _from_positions(bank.head, {}) == BookTotals(4, Decimal("1354300.75"), Decimal("200000.00"))
    assert _from_positions(bank.head, {"outlet": bank.outlet_b}) == BookTotals(2, Decimal("1257300.25"), Decimal("0.00"))
    assert_positions_agree_with_the_customers(bank)


def test_a_new_customer_is_in_the_latest_positions_at_once(bank):
    customer_create(
        kind=CustomerKind.INDIVIDUAL, name="新客户", id_number=resident_id("33018119900101001"),
        primary_manager=bank.am_b, created_by=bank.am_b, customer_since=datetime.date(2026, 11, 2),
    )
    assert _from_positions(bank.head, {"manager": bank.am_b}).customers == 3
    assert_positions_agree_with_the_customers(bank)


def test_a_handover_moves_the_positions_with_the_customers(bank):
    book_handover(from_manager=bank.am_a, to_manager=bank.am_a2, decided_by=bank.leader_a, reason="调岗", on=datetime.date(2026, 11, 2))
    assert _from_positions(bank.leader_a, {"manager": bank.am_a}) == BookTotals(0, Decimal(0), Decimal(0))
    assert _from_positions(bank.leader_a, {"manager": bank.am_a2}) == BookTotals(2, Decimal("97000.50"), Decimal("200000.00"))
    assert_positions_agree_with_the_customers(bank)


def test_a_customer_moved_to_another_outlet_moves_between_the_units_totals(bank):
    book_assign_primary(customer=bank.teacher, manager=bank.am_a, assigned_by=bank.head, on=datetime.date(2026, 11, 2))
    assert _from_positions(bank.head, {"outlet": bank.outlet_a}).customers == 3
    assert_positions_agree_with_the_customers(bank)


def test_a_changed_industry_moves_the_customer_between_cells(bank):
    loaded = {"industry": bank.farmer.industry}
    customer_update(customer_id=bank.farmer.pk, user=bank.am_a, as_loaded=loaded, changes={"industry": Industry.TRADE})
    assert _from_positions(bank.head, {"industry": "A"}).customers == 0
    assert_positions_agree_with_the_customers(bank)


def test_team_books_are_the_latest_positions_grouped_by_manager(bank):
    book_handover(from_manager=bank.am_a, to_manager=bank.am_a2, decided_by=bank.leader_a, reason="调岗", on=datetime.date(2026, 11, 2))
    books = team_books(user=bank.head)
    assert {book.manager.username for book in books} == {"am_a", "am_a2", "am_b"}
    for book in books:
        assert book.totals == book_totals(Customer.objects.filter(primary_manager=book.manager)), book.manager.username


def test_positions_of_earlier_dates_stay_and_the_latest_are_read(bank):
    later = AS_OF + datetime.timedelta(days=1)
    Customer.objects.filter(pk=bank.farmer.pk).update(deposit_balance=0)
    positions_refresh(as_of=later)
    assert set(BookPosition.objects.values_list("as_of", flat=True)) == {AS_OF, later}
    assert BookPosition.objects.filter(as_of=AS_OF).count() == BookPosition.objects.filter(as_of=later).count()
    assert _from_positions(bank.head, {}) == _live(bank.head, {})


@pytest.mark.parametrize("username", ["head", "leader_a"])
def test_a_unit_page_adds_up_cells_not_customers(client, bank, username):
    client.force_login(getattr(bank, username))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("book"), {"tier": Tier.MASS})
    assert response.context["totals"] == _live(getattr(bank, username), {"tier": Tier.MASS})
    sums = [q["sql"] for q in captured.captured_queries if "SUM(" in q["sql"].upper()]
    assert sums and all(BookPosition._meta.db_table in sql for sql in sums)


def test_an_account_managers_totals_count_the_customers_they_assist(client, bank):
    client.force_login(bank.am_a2)
    totals = client.get(reverse("book")).context["totals"]
    assert totals == BookTotals(1, Decimal("1250000.00"), Decimal("0.00"))


def test_a_search_is_added_up_over_the_customers_found(client, bank):
    client.force_login(bank.head)
    assert client.get(reverse("book"), {"q": "张"}).context["totals"] == BookTotals(1, Decimal("82000.50"), Decimal("200000.00"))


def test_a_bank_whose_positions_were_never_refreshed_is_added_up_over_the_customers(client, bank):
    BookPosition.objects.all().delete()
    client.force_login(bank.head)
    assert client.get(reverse("book")).context["totals"] == _live(bank.head, {})

"""The book page: search, filters, sorting, pagination and totals, all inside the scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from rmdesk.customers.models import Customer, CustomerKind
from rmdesk.customers.services import customer_create
from rmdesk.core.testing import resident_id


def book(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("book"), params)
    assert response.status_code == 200
    return response


def listed(response) -> list[str]:
    return [customer.name for customer in response.context["page"]]


def test_account_manager_book_lists_their_customers_with_totals(client, bank):
    response = book(client, bank.am_a)
    assert sorted(listed(response)) == sorted(["张大山", "青石镇刘记五金店"])
    totals = response.context["totals"]
    assert totals.customers == 2
    assert totals.deposits == Decimal("97000.50")
    assert totals.loans == Decimal("200000.00")
    assert "97,000.50" in response.content.decode()


def test_search_finds_by_name_identifier_and_phone(client, bank):
    assert listed(book(client, bank.am_a, q="张")) == ["张大山"]
    assert listed(book(client, bank.am_a, q="刘记五金")) == ["青石镇刘记五金店"]
    assert listed(book(client, bank.am_a, q=bank.shop.id_number)) == ["青石镇刘记五金店"]
    assert listed(book(client, bank.am_a, q="13857112345")) == ["张大山"]


def test_a_short_name_search_is_a_surname(client, bank):
    assert listed(book(client, bank.am_a, q="大山")) == []
    assert listed(book(client, bank.am_a, q="张大")) == ["张大山"]


def test_search_never_reaches_outside_the_book(client, bank):
    assert listed(book(client, bank.am_a, q="刘芳")) == []


def test_filters_by_kind_industry_and_outlet(client, bank):
    assert listed(book(client, bank.head, kind=CustomerKind.ENTERPRISE)) == ["柳河竹木制品有限公司"]
    assert listed(book(client, bank.head, industry="A")) == ["张大山"]
    assert sorted(listed(book(client, bank.head, outlet=bank.outlet_b.pk))) == sorted(["柳河竹木制品有限公司", "刘芳"])


def test_sorting_by_deposits_descending(client, bank):
    assert listed(book(client, bank.head, sort="-deposits")) == ["柳河竹木制品有限公司", "张大山", "青石镇刘记五金店", "刘芳"]


def test_team_leader_filters_the_unit_by_account_manager(client, bank):
    response = book(client, bank.head, manager=bank.am_b.pk)
    assert sorted(listed(response)) == sorted(["柳河竹木制品有限公司", "刘芳"])


def test_account_manager_gets_no_manager_filter(client, bank):
    response = book(client, bank.am_a)
    assert "manager" not in response.context["filter"].form.fields


def test_pages_of_fifty(client, bank):
    for n in range(60):
        customer_create(
            kind=CustomerKind.INDIVIDUAL, name=f"测试客户{n:03d}", id_number=resident_id(f"33018119900101{n:03d}"),
            primary_manager=bank.am_a, created_by=bank.am_a, customer_since=datetime.date(2024, 1, 1),
        )
    first = book(client, bank.am_a)
    assert len(listed(first)) == 50
    assert first.context["totals"].customers == 62
    second = book(client, bank.am_a, page=2)
    assert len(listed(second)) == 12
    assert not set(listed(first)) & set(listed(second))


@pytest.mark.parametrize("asked, shown", [("9", 2), ("0", 2), ("abc", 1), ("2", 2)])
def test_a_page_out_of_range_is_the_last_and_not_a_number_the_first(client, bank, asked, shown):
    for n in range(60):
        customer_create(
            kind=CustomerKind.INDIVIDUAL, name=f"测试客户{n:03d}", id_number=resident_id(f"33018119900101{n:03d}"),
            primary_manager=bank.am_a, created_by=bank.am_a, customer_since=datetime.date(2024, 1, 1),
        )
    for user in (bank.am_a, bank.leader_a):
        response = book(client, user, page=asked)
        assert response.context["page"].number == shown
        assert len(listed(response)) == (50 if shown == 1 else 12)
        assert response.context["totals"].customers == 62


def test_htmx_search_returns_only_the_results_partial(client, bank):
    client.force_login(bank.am_a)
    response = client.get(reverse("book"), {"q": "张"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="book-results")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="book-results">')
    assert "<html" not in html
    assert "张大山" in html


def test_team_page_shows_each_managers_book(client, bank):
    client.force_login(bank.risk)
    response = client.get(reverse("team"))
    books = {book.manager.username: book.totals for book in response.context["books"]}
    assert books["am_a"].customers == 2
    assert books["am_b"].customers == 2
    assert books["am_a2"].customers == 0


def test_account_manager_cannot_open_the_team_page(client, bank):
    client.force_login(bank.am_a)
    assert client.get(reverse("team")).status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client, bank):
    response = client.get(reverse("book"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_customer_page_shows_every_section(client, bank):
    client.force_login(bank.am_a)
    response = client.get(reverse("customer_detail", args=[bank.farmer.pk]))
    html = response.content.decode()
    for section in ("profile", "people", "relationships", "holdings", "loans", "transactions", "interactions", "documents"):
        assert f'id="{section}"' in html
    assert bank.loan.contract_number in html
    assert "县粮食收储公司" in html
    assert response.context["loans"][0].instalments.count() == 12


def test_book_queries_do_not_grow_with_the_book(client, bank, django_assert_max_num_queries):
    client.force_login(bank.head)
    with django_assert_max_num_queries(12):
        client.get(reverse("book"))
    assert Customer.objects.count() == 4

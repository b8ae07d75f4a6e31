"""The one scope mechanism: who sees which customers, and what 'not yours' looks like."""

import pytest
from django.urls import reverse

from rmdesk.core.testing import comparable_page

from rmdesk.credit.models import Instalment, Loan
from rmdesk.customers.models import Customer, KeyPerson
from rmdesk.org.models import User
from rmdesk.products.models import Holding, Transaction


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_account_manager_sees_only_their_book(bank):
    assert names(Customer.objects.restrict(bank.am_a)) == {"张大山", "青石镇刘记五金店"}
    assert names(Customer.objects.restrict(bank.am_b)) == {"柳河竹木制品有限公司", "刘芳"}


def test_assisting_manager_sees_the_customers_they_assist(bank):
    assert names(Customer.objects.restrict(bank.am_a2)) == {"柳河竹木制品有限公司"}


def test_team_leader_sees_their_unit_and_below(bank):
    assert names(Customer.objects.restrict(bank.leader_a)) == {"张大山", "青石镇刘记五金店"}


def test_risk_officer_at_the_branch_sees_every_outlet_below_it(bank):
    assert Customer.objects.restrict(bank.risk).count() == 4


def test_head_office_sees_the_whole_bank(bank):
    assert Customer.objects.restrict(bank.head).count() == Customer.objects.count()


def test_administrator_sees_no_customer_data(bank):
    assert not Customer.objects.restrict(bank.admin).exists()
    assert not Holding.objects.restrict(bank.admin).exists()


def test_user_without_role_or_unit_sees_nothing(bank):
    stranger = User.objects.create_user(username="stranger", password="x-very-long-pass")
    assert not Customer.objects.restrict(stranger).exists()


def test_inactive_user_sees_nothing(bank):
    bank.am_a.is_active = False
    assert not Customer.objects.restrict(bank.am_a).exists()


@pytest.mark.parametrize("model", [Holding, Transaction, Loan, Instalment, KeyPerson])
def test_related_records_follow_the_customers_scope(bank, model):
    visible = model.objects.restrict(bank.am_b)
    path = model.scope_customer
    assert not visible.filter(**{f"{path}__primary_manager": bank.am_a}).exists()


def test_a_customer_outside_the_scope_answers_like_a_missing_one(client, bank):
    client.force_login(bank.am_b)
    foreign_url, missing_url = reverse("customer_detail", args=[bank.farmer.pk]), reverse("customer_detail", args=[999_999])
    foreign, missing = client.get(foreign_url), client.get(missing_url)
    assert foreign.status_code == missing.status_code == 404
    assert comparable_page(foreign.content, foreign_url) == comparable_page(missing.content, missing_url)
    assert "张大山".encode() not in foreign.content


def test_a_model_without_a_scope_path_cannot_be_restricted(bank):
    from rmdesk.core.scope import RestrictedQuerySet

    class Unscoped(RestrictedQuerySet):
        pass

    queryset = Unscoped(model=User)
    with pytest.raises(TypeError, match="declares no scope_customer"):
        queryset.restrict(bank.head)

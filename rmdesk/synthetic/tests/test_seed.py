"""`rmdesk seed` on a real database: what it loads, that it is repeatable, and that it refuses."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q, Sum

from rmdesk.customers.models import BookAssignment, Customer
from rmdesk.org.models import RoleCode, User
from rmdesk.products.models import DailyBalance, Holding, ProductFamily
from rmdesk.synthetic.models import PlantedTruth, PlantedTruthKind, SeedRun
from rmdesk.synthetic.scales import SCALES
from rmdesk.synthetic.services import DEMO_PASSWORD, DEMO_SIGN_INS, SEEDED_APPS, SeedRefused, bank_seed
from rmdesk.synthetic.tests.test_generator import AS_OF, SMALL

pytestmark = pytest.mark.django_db

# Not part of the bank a seed generates: password hashes are salted at random, the seed run
# records when it ran and gets a new id after a reset, and the book positions are written by the
# ORM after the load, so their ids follow the table's sequence, which PostgreSQL never rolls back.
_VARYING = {
    "org.User": {"password", "last_login"},
    "synthetic.PlantedTruth": {"seed_run_id"},
    "customers.BookPosition": {"id"},
}


def _tables():
    return [m for label in SEEDED_APPS for m in apps.get_app_config(label).get_models(include_auto_created=True) if m is not SeedRun]


def database_digest() -> dict[str, str]:
    """One hash per seeded table over its rows in id order (less what varies run to run).

    Kept per table so that a failed comparison names the tables that differ.
    """
    digests = {}
    with connection.cursor() as cursor:
        for model in _tables():
            table = model._meta.db_table
            skip = _VARYING.get(model._meta.label, set())
            columns = [f.column for f in model._meta.concrete_fields if f.column not in skip]
            cursor.execute(f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {connection.ops.quote_name(table)} ORDER BY {connection.ops.quote_name(model._meta.pk.column)}")
            rows = [repr(row) for row in cursor.fetchall()]
            if model._meta.pk.column in skip:
                # Rows numbered by the database come in the order its plan groups them, which
                # statistics gathered by the first load may change: compared as a set.
                rows.sort()
            h = hashlib.sha256()
            for row in rows:
                h.update(row.encode())
            digests[model._meta.label] = h.hexdigest()
    return digests


def _differing(first: dict[str, str], second: dict[str, str]) -> list[str]:
    return sorted(label for label in first.keys() | second.keys() if first.get(label) != second.get(label))


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in _tables()}


def test_the_same_seed_loads_the_same_bank_and_another_seed_another():
    bank_seed(scale=SMALL, seed=3, as_of=AS_OF)
    first = database_digest()
    bank_seed(scale=SMALL, seed=3, as_of=AS_OF, reset=True)
    assert _differing(first, database_digest()) == []
    bank_seed(scale=SMALL, seed=4, as_of=AS_OF, reset=True)
    assert "customers.Customer" in _differing(first, database_digest())
    assert SeedRun.objects.count() == 1


def test_loaded_rows_are_what_the_generator_made():
    seen: dict[str, int] = {}
    run = bank_seed(scale=SMALL, seed=3, as_of=AS_OF, on_table=lambda label, frame: seen.__setitem__(label, seen.get(label, 0) + frame.height))
    assert run.counts == seen
    for label, rows in seen.items():
        assert apps.get_model(label)._base_manager.count() == rows, label
    assert Customer.objects.count() == SMALL.customers


def test_each_customer_has_one_open_primary_manager_who_is_the_customers_manager():
    bank_seed(scale=SMALL, seed=3, as_of=AS_OF)
    primaries = BookAssignment.objects.filter(role="primary", ended_on__isnull=True)
    assert primaries.count() == Customer.objects.count()
    assert not primaries.exclude(manager_id=F("customer__primary_manager_id")).exists()
    assert not Customer.objects.exclude(org_unit_id=F("primary_manager__org_unit_id")).exists()
    assert not Customer.objects.filter(primary_manager__is_active=False).exists()
    assert User.objects.filter(is_active=False, assignments__isnull=False).exists()


def test_positions_are_the_open_holdings_and_balances_their_latest_day():
    bank_seed(scale=SMALL, seed=3, as_of=AS_OF)
    for customer in Customer.objects.order_by("?")[:40]:
        deposits = Holding.objects.filter(customer=customer, closed_on__isnull=True, product__family=ProductFamily.DEPOSIT).aggregate(s=Sum("balance"))["s"]
        assert customer.deposit_balance == (deposits or Decimal("0.00"))
        assert customer.positions_as_of == AS_OF
    for holding in Holding.objects.exclude(balance_as_of=None).order_by("?")[:60]:
        latest = DailyBalance.objects.filter(holding=holding).order_by("-on").first()
        assert latest.balance == holding.balance
    assert not DailyBalance.objects.filter(balance__lt=0).exists()


def test_planted_truths_of_every_kind_are_recorded_with_the_seed_run():
    run = bank_seed(scale=SMALL, seed=3, as_of=AS_OF)
    kinds = PlantedTruth.objects.filter(seed_run=run).values("kind").annotate(n=Count("id"))
    assert {k["kind"] for k in kinds} == set(PlantedTruthKind.values)
    assert not PlantedTruth.objects.filter(~Q(onset_on__range=(AS_OF.replace(year=AS_OF.year - 1), AS_OF))).exists()


def test_seed_refuses_a_database_with_data_and_changes_nothing():
    bank_seed(scale=SMALL, seed=3, as_of=AS_OF)
    before = row_counts()
    digest = database_digest()
    with pytest.raises(CommandError) as refused:
        call_command("seed", scale="demo", seed=1, no_progress=True)
    message = str(refused.value)
    assert "--reset" in message and f"{SMALL.customers:,} customers" in message
    assert row_counts() == before
    assert database_digest() == digest
    with pytest.raises(SeedRefused):
        bank_seed(scale=SMALL, seed=9, as_of=AS_OF)


def test_seed_refuses_even_a_lone_user_and_reset_replaces_it():
    User.objects.create_user(username="someone", password="x-long-password-1")
    with pytest.raises(CommandError, match="1 users"):
        call_command("seed", scale="demo", seed=1, no_progress=True)
    bank_seed(scale=SMALL, seed=3, as_of=AS_OF, reset=True)
    assert not User.objects.filter(username="someone").exists()
    assert Customer.objects.count() == SMALL.customers


def test_demo_scale_through_the_command(capsys):
    call_command("seed", scale="demo", seed=1, no_progress=True)
    demo = SCALES["demo"]
    assert Customer.objects.count() == demo.customers
    assert "Done in" in capsys.readouterr().out
    expected = {f"am{i}" for i in range(1, demo.account_managers + 1)} | {f"leader{i}" for i in range(1, demo.outlets + 1)}
    expected |= {"approver", "risk", "headoffice", "admin"}
    assert expected <= set(User.objects.values_list("username", flat=True))
    assert User.objects.filter(role=RoleCode.ACCOUNT_MANAGER, is_active=True).count() == demo.account_managers
    for username, _ in DEMO_SIGN_INS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert User.objects.get(username="am1").primary_customers.exists()
    assert 250_000 < SeedRun.objects.get().counts["products.Transaction"] < 350_000

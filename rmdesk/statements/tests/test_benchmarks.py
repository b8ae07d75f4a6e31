"""Industry benchmarks: shipped by migration, the industry's own row before the all-industries one."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rmdesk.org.admin import desk_admin
from rmdesk.statements.defaults import DEFAULT_BENCHMARKS, install_default_benchmarks
from rmdesk.statements.models import IndustryBenchmark
from rmdesk.statements.selectors import _benchmarks


@pytest.fixture
def benchmarks(db):
    # A transactional test before this one may have emptied the table the migration filled.
    install_default_benchmarks(IndustryBenchmark)


def test_the_default_benchmarks_are_shipped(benchmarks):
    assert IndustryBenchmark.objects.count() == len(DEFAULT_BENCHMARKS)


def test_every_default_benchmark_is_a_ratio_of_its_basis_with_quartiles_in_order(benchmarks):
    for row in IndustryBenchmark.objects.all():
        row.full_clean()


def test_an_industrys_own_benchmark_overrides_the_all_industries_one(bank, benchmarks):
    bank.factory.industry = "F"
    assert _benchmarks(bank.factory, "small_enterprise")["gross_margin"].median == Decimal("14")
    bank.factory.industry = "C"
    assert _benchmarks(bank.factory, "small_enterprise")["current_ratio"].median == Decimal("1.4")


def test_a_benchmark_for_a_ratio_of_another_basis_or_out_of_order_is_refused():
    wrong = IndustryBenchmark(ratio="current_ratio", basis="household", lower_quartile=2, median=1, upper_quartile=3, source="x")
    with pytest.raises(ValidationError) as caught:
        wrong.full_clean()
    assert set(caught.value.message_dict) == {"basis", "median"}


def test_benchmarks_are_configured_in_the_administration_site():
    assert IndustryBenchmark in desk_admin._registry

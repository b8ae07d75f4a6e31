"""The portfolio batch: column-wise facts equal each customer's facts gathered one by one, the
stored results are the domain's assessment of them, it reads each table once whatever the
number of customers, and it is safe to run twice."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rmdesk.core.testing import resident_id
from rmdesk.customers.models import Customer
from rmdesk.customers.services import customer_create
from rmdesk.marketing.acceptance import Acceptance, acceptance_frame, as_probability
from rmdesk.marketing.assessment import OfferProfits, assess
from rmdesk.marketing.batch import balance_segments, load_portfolio, market_frame, portfolio_facts, segment_frame
from rmdesk.marketing.configuration import marketing_configuration
from rmdesk.marketing.facts import customer_facts_of
from rmdesk.marketing.models import BookMovement, CompetitorFlow, CustomerSnapshot, MarketingRun, OfferSnapshot, WinBackTask
from rmdesk.marketing.services import SNAPSHOT_COLUMNS, marketing_batch, snapshot_values
from rmdesk.marketing.tests.conftest import TEACHER_BANK
from rmdesk.nightly import nightly_run
from rmdesk.products.models import DailyBalance, Holding, Product


def batch_facts(as_of):
    configuration = marketing_configuration(as_of=as_of)
    data = load_portfolio(as_of=as_of)
    return data, configuration, {f.customer_id: f for f in portfolio_facts(data, configuration=configuration, segments=balance_segments(data))}


def assert_facts_equal(as_of, customers):
    data, configuration, by_batch = batch_facts(as_of)
    for customer in customers:
        one = customer_facts_of(customer, as_of=as_of, configuration=configuration, history_from=data.history_from)
        assert by_batch[customer.pk] == one, customer.name


def test_column_wise_facts_equal_each_customers_facts_gathered_one_by_one(marketing_bank):
    customers = list(Customer.objects.all())
    assert_facts_equal(marketing_bank.as_of, customers)
    _, _, facts = batch_facts(marketing_bank.as_of)
    teacher = facts[marketing_bank.teacher.pk]
    assert teacher.attrition.moved_to_competitors == {TEACHER_BANK: Decimal("51000.00")}
    assert teacher.attrition.products_closed == ("DEP-TIME",)
    assert teacher.attrition.income_before > 0 and teacher.attrition.income_now == 0
    assert facts[marketing_bank.factory.pk].grade == "A"
    assert facts[marketing_bank.farmer.pk].grade is None and facts[marketing_bank.farmer.pk].classification == "substandard"


def test_the_stored_results_are_the_domains_assessment_of_each_customer(marketing_bank):
    as_of = marketing_bank.as_of
    marketing_batch(as_of=as_of)
    configuration = marketing_configuration(as_of=as_of)
    data = load_portfolio(as_of=as_of)
    customers, open_holdings = segment_frame(data, as_of=as_of, segments=balance_segments(data))
    market, prior = market_frame(customers, open_holdings, codes=[p.code for p in configuration.products])
    products = data.products.filter(data.products["product_id"].is_in([p.product_id for p in configuration.products]))
    # No history to learn from in the small bank: the prior, which reads only kind and tier.
    probabilities = acceptance_frame(customers, acceptance=Acceptance(None, None), products=products, prior=prior, as_of=as_of)
    profits = OfferProfits(configuration, market)
    for customer in Customer.objects.all():
        facts = customer_facts_of(customer, as_of=as_of, configuration=configuration, history_from=data.history_from)
        chances = {r["code"]: r["p"] for r in probabilities.filter(probabilities["customer_id"] == customer.pk).iter_rows(named=True)}
        accept = {p.code: as_probability(chances.get(p.code, 0.0)) for p in configuration.products}
        assessment = assess(facts, as_of=as_of, acceptance=accept, profits=profits, configuration=configuration)
        owner = {"manager_id": customer.primary_manager_id, "org_unit_id": customer.org_unit_id}
        expected = dict(zip(SNAPSHOT_COLUMNS, snapshot_values(assessment, as_of=as_of, customer=owner, facts=facts), strict=True))
        stored = CustomerSnapshot.objects.filter(as_of=as_of, customer=customer).values(*SNAPSHOT_COLUMNS).get()
        assert stored == expected, customer.name
        offers = list(OfferSnapshot.objects.filter(as_of=as_of, customer=customer).order_by("rank").values_list("product__code", "expected_profit", "reason"))
        assert offers == [(o.product, o.expected_profit, o.reason.code.value) for o in assessment.offers.offers[:5]]


def test_credit_is_offered_only_within_the_risk_appetite(marketing_bank):
    marketing_batch(as_of=marketing_bank.as_of)
    loan = Product.objects.get(code="LN-FARM")
    offered_loan_to = set(OfferSnapshot.objects.filter(product=loan).values_list("customer__name", flat=True))
    assert offered_loan_to <= {marketing_bank.factory.name}
    shop = CustomerSnapshot.objects.get(customer=marketing_bank.shop)
    assert {"product": "LN-FARM", "reason": "not_rated", "params": {}} in shop.withheld
    farmer = CustomerSnapshot.objects.get(customer=marketing_bank.farmer)
    assert {"product": "LN-FARM", "reason": "already_held", "params": {}} in farmer.withheld


def test_a_customer_drifting_away_is_at_risk_and_gets_one_win_back_task(marketing_bank):
    run = marketing_batch(as_of=marketing_bank.as_of)
    teacher = CustomerSnapshot.objects.get(customer=marketing_bank.teacher)
    assert teacher.at_risk and teacher.stage == "at_risk"
    assert [s["signal"] for s in teacher.signals][:2] == ["competitor_appears", "products_closed"]
    task = WinBackTask.objects.get(customer=marketing_bank.teacher)
    assert (task.manager, task.status, task.due_on) == (marketing_bank.am_b, "open", datetime.date(2026, 11, 7))
    assert run.at_risk == run.win_back_opened == 2  # the shop too: a loan at another bank newly recorded
    flow = CompetitorFlow.objects.get()
    assert (flow.bank, flow.month, flow.customers, flow.amount, flow.manager) == (
        TEACHER_BANK, datetime.date(2026, 10, 1), 1, Decimal("51000.00"), marketing_bank.am_b
    )


def test_running_the_batch_twice_for_a_date_leaves_one_set_of_results(marketing_bank):
    as_of = marketing_bank.as_of
    first = marketing_batch(as_of=as_of)
    counts = [model.objects.count() for model in (CustomerSnapshot, OfferSnapshot, BookMovement, CompetitorFlow, WinBackTask, MarketingRun)]
    second = marketing_batch(as_of=as_of)
    assert [model.objects.count() for model in (CustomerSnapshot, OfferSnapshot, BookMovement, CompetitorFlow, WinBackTask, MarketingRun)] == counts
    assert (first.customers, first.offers, first.at_risk) == (second.customers, second.offers, second.at_risk)
    assert second.win_back_opened == 0
    marketing_batch(as_of=as_of - datetime.timedelta(days=1))
    assert CustomerSnapshot.objects.count() == 2 * counts[0]


def test_the_batch_reads_each_table_once_whatever_the_number_of_customers(marketing_bank):
    as_of = marketing_bank.as_of
    marketing_batch(as_of=as_of)
    with CaptureQueriesContext(connection) as before:
        marketing_batch(as_of=as_of)
    deposit = Product.objects.get(code="DEP-CUR")
    for i in range(3):
        customer = customer_create(
            kind="individual", name=f"新客户{i}", id_number=resident_id(f"33018119900115{i}12"), primary_manager=marketing_bank.am_a,
            created_by=marketing_bank.am_a, customer_since=datetime.date(2026, 1, 5),
        )
        holding = Holding.objects.create(customer=customer, product=deposit, account_number=f"62305800000077{i}", opened_on=datetime.date(2026, 1, 5))
        DailyBalance.objects.create(holding=holding, on=datetime.date(2026, 1, 5), balance=Decimal("1000.00"))
    with CaptureQueriesContext(connection) as after:
        run = marketing_batch(as_of=as_of)
    assert run.customers == 7
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_nightly_run_ends_with_the_marketing_batch(marketing_bank):
    results = nightly_run(as_of=marketing_bank.as_of)
    assert list(results)[-1] == "marketing_batch"
    assert results["marketing_batch"]["customers"] == Customer.objects.count()


@pytest.mark.parametrize("as_of", [datetime.date(2026, 10, 31), datetime.date(2026, 8, 31)])
def test_the_facts_agree_on_other_days_too(marketing_bank, as_of):
    assert_facts_equal(as_of, list(Customer.objects.filter(customer_since__lte=as_of)))

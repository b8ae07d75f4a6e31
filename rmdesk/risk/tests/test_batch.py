"""The nightly risk steps: column-wise results equal the domain's loan by loan, and safe to run twice.

Checked on the small bank (with a non-retail debtor caught by the debtor rule) and on a demo
bank of the synthetic generator (800 loans, deteriorating borrowers among them).
"""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import F

from rmdesk.credit.models import Instalment, Loan
from rmdesk.domain.classification import Category, Exposure, classify_debtor
from rmdesk.domain.inspection import next_inspection_due
from rmdesk.domain.provisions import ifrs9_stage, loan_provision, roll_up
from rmdesk.domain.repayment import days_past_due
from rmdesk.nightly import nightly_run
from rmdesk.products.models import ProductFamily
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.rating.services import rating_propose_due
from rmdesk.risk.models import CategoryChange, InspectionPolicy, LoanRisk, ProposalStatus, Restructuring
from rmdesk.risk.selectors import grade_in_force, provision_roll_up, risk_configuration, schedule_of
from rmdesk.risk.services import classification_refresh, days_past_due_refresh, inspection_schedule_refresh
from rmdesk.risk.tasks import risk_nightly
from rmdesk.synthetic.services import DEFAULT_AS_OF, bank_seed


def expected_days_past_due(as_of: datetime.date) -> dict[int, int]:
    """Every loan's days past due by rmdesk.domain.repayment.days_past_due, loan by loan."""
    by_loan = defaultdict(list)
    for instalment in Instalment.objects.order_by("loan_id", "number"):
        by_loan[instalment.loan_id].append(instalment)
    return {loan_id: days_past_due(schedule_of(rows), as_of=as_of) for loan_id, rows in by_loan.items()}


def expected_classification(as_of: datetime.date) -> dict[int, tuple[Category, Category, str, Decimal, Decimal]]:
    """Per loan (floor, category, stage, general, specific) by the domain, debtor by debtor, each
    loan carrying its category in force as judgement."""
    configuration = risk_configuration()
    in_force = dict(LoanRisk.objects.values_list("loan_id", "category"))
    restructured = {
        r.loan_id: r for r in Restructuring.objects.filter(status=ProposalStatus.APPROVED).order_by("decided_at", "pk")
    }
    debtors = defaultdict(list)
    for loan in Loan.objects.select_related("customer", "holding__product").order_by("pk"):
        debtors[loan.customer_id].append(loan)
    expected = {}
    for loans in debtors.values():
        exposures = [
            Exposure(
                reference=str(loan.pk), balance=loan.outstanding_principal, days_past_due=loan.days_past_due,
                credit_card=loan.holding.product.family == ProductFamily.CREDIT_CARD,
                observation_ends_on=restructured[loan.pk].observation_ends_on if loan.pk in restructured else None,
                category_before_restructuring=Category(restructured[loan.pk].category_before) if loan.pk in restructured else None,
                judgement=Category(in_force[loan.pk]) if loan.pk in in_force else None,
            )
            for loan in loans
        ]
        retail = loans[0].customer.kind in configuration.retail_kinds
        for loan, result in zip(loans, classify_debtor(exposures, as_of=as_of, retail=retail, policy=configuration.classification), strict=True):
            provision = loan_provision(str(loan.pk), balance=loan.outstanding_principal, category=result.category, rates=configuration.provisions)
            stage = ifrs9_stage(days_past_due=loan.days_past_due, category=result.category)
            expected[loan.pk] = (result.floor, result.category, stage.value, provision.general, provision.specific)
    return expected


def expected_schedule(as_of: datetime.date) -> dict[int, datetime.date | None]:
    policy = risk_configuration().inspection
    expected = {}
    for risk in LoanRisk.objects.select_related("loan"):
        loan = risk.loan
        owing = loan.outstanding_principal > 0 or loan.days_past_due > 0
        expected[loan.pk] = next_inspection_due(
            disbursed_on=loan.disbursed_on, last_inspected_on=risk.last_inspected_on, category=Category(risk.category),
            grade=grade_in_force(loan.customer_id, as_of=as_of), downgraded_on=risk.downgraded_on, policy=policy,
        ) if owing else None
    return expected


def assert_batch_equals_the_domain(as_of: datetime.date) -> None:
    days = expected_days_past_due(as_of)
    days_past_due_refresh(as_of=as_of)
    assert dict(Loan.objects.values_list("pk", "days_past_due")) == {pk: days.get(pk, 0) for pk in Loan.objects.values_list("pk", flat=True)}
    assert set(Loan.objects.values_list("status_as_of", flat=True)) == {as_of}

    expected = expected_classification(as_of)
    before = set(CategoryChange.objects.values_list("pk", flat=True))
    classification_refresh(as_of=as_of)
    got = {
        r.loan_id: (Category(r.category), r.stage, r.provision_general, r.provision_specific)
        for r in LoanRisk.objects.all()
    }
    assert got == {pk: (category, stage, general, specific) for pk, (_, category, stage, general, specific) in expected.items()}
    for change in CategoryChange.objects.exclude(pk__in=before):
        assert (Category(change.floor), Category(change.to_category)) == expected[change.loan_id][:2]

    schedule = expected_schedule(as_of)
    inspection_schedule_refresh(as_of=as_of)
    assert dict(LoanRisk.objects.values_list("loan_id", "next_inspection_due")) == schedule


def assert_second_run_changes_nothing(as_of: datetime.date) -> None:
    risks = list(LoanRisk.objects.order_by("pk").values())
    changes = CategoryChange.objects.count()
    again = risk_nightly(as_of=as_of)
    assert (again.days_past_due_changed, again.category_changes, again.inspections_rescheduled) == (0, 0, 0)
    assert CategoryChange.objects.count() == changes
    assert list(LoanRisk.objects.order_by("pk").values()) == risks


def vary_inspections_and_grades() -> None:
    """Inspections done at various days, downgrades before and after them, and grades in force,
    so that every branch of the schedule is taken."""
    for risk in LoanRisk.objects.select_related("loan").order_by("pk"):
        n = risk.loan_id
        disbursed = risk.loan.disbursed_on
        risk.last_inspected_on = None if n % 4 == 0 else disbursed + datetime.timedelta(days=30 + n % 200)
        risk.downgraded_on = None if n % 3 else disbursed + datetime.timedelta(days=20 + (n * 7) % 260)
        risk.save(update_fields=["last_inspected_on", "downgraded_on"])
    grades = ["A", "BBB", "B", "CCC", "CC"]
    for i, rating in enumerate(Rating.objects.filter(status=RatingStatus.PROPOSED).order_by("pk")):
        if i % 2:
            Rating.objects.filter(pk=rating.pk).update(
                status=RatingStatus.CONFIRMED, grade=grades[i % len(grades)], pd=F("proposed_pd"),
                valid_from=datetime.date(2026, 6, 1), valid_until=datetime.date(2027, 6, 1),
            )


def test_the_batch_equals_the_domain_on_the_small_bank_and_is_safe_to_run_twice(risk_bank):
    assert_batch_equals_the_domain(risk_bank.as_of)
    vary_inspections_and_grades()
    # A month on: the November instalments are missed, the categories in force carry forward.
    assert_batch_equals_the_domain(datetime.date(2026, 11, 30))
    assert_second_run_changes_nothing(datetime.date(2026, 11, 30))
    assert LoanRisk.objects.get(loan=risk_bank.loan).category == Category.SPECIAL_MENTION
    assert LoanRisk.objects.get(loan=risk_bank.factory_loan).category == Category.SUBSTANDARD


@pytest.mark.django_db(transaction=True)
def test_the_batch_equals_the_domain_on_a_demo_bank_and_is_safe_to_run_twice():
    bank_seed(scale="demo", seed=5, as_of=DEFAULT_AS_OF, reset=True)
    rating_propose_due(as_of=DEFAULT_AS_OF)
    first = datetime.date(2026, 9, 30)
    assert_batch_equals_the_domain(first)
    vary_inspections_and_grades()
    assert_batch_equals_the_domain(DEFAULT_AS_OF)
    assert_second_run_changes_nothing(DEFAULT_AS_OF)
    categories = set(LoanRisk.objects.values_list("category", flat=True))
    assert {"normal", "special_mention"} <= categories and categories & {"substandard", "doubtful", "loss"}


def test_the_roll_up_is_the_domains_sum_of_the_loans_reserves(risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    got = provision_roll_up(user=risk_bank.head)
    risks = list(LoanRisk.objects.filter(balance__gt=0).select_related("loan__customer"))
    provisions = [(r.loan.customer.primary_manager_id, loan_provision(str(r.loan_id), balance=r.balance, category=Category(r.category))) for r in risks]
    by_manager = roll_up(provisions)
    assert {int(row.key): (row.loans, row.balance, row.non_performing, row.general, row.specific) for row in got.by_manager} == {
        k: (t.loans, t.balance, t.non_performing_balance, t.general, t.specific) for k, t in by_manager.items()
    }
    total = roll_up(("all", p) for _, p in provisions)["all"]
    assert (got.total.loans, got.total.balance, got.total.total) == (total.loans, total.balance, total.total)
    assert sum(row.total for row in got.by_unit) == got.total.total


def test_a_team_leader_rolls_up_only_their_unit(risk_bank):
    risk_nightly(as_of=risk_bank.as_of)
    leader = provision_roll_up(user=risk_bank.leader_a)
    assert leader.total.loans == 1 and [row.label for row in leader.by_manager] == [str(risk_bank.am_a)]


def test_the_inspection_policy_is_data(risk_bank):
    InspectionPolicy.objects.update(first_within_days=30)
    risk_nightly(as_of=risk_bank.as_of)
    assert LoanRisk.objects.get(loan=risk_bank.loan).next_inspection_due == datetime.date(2026, 4, 9)


def test_the_nightly_run_takes_the_risk_steps_after_the_ratings(risk_bank):
    results = nightly_run(as_of=risk_bank.as_of)
    steps = list(results)
    assert steps.index("rating_propose_due") < steps.index("risk_nightly")
    assert results["risk_nightly"]["as_of"] == "2026-10-31"
    assert results["risk_nightly"]["loans"] == 3 and results["risk_nightly"]["past_due"] == 1

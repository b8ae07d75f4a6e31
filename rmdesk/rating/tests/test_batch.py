"""The nightly proposal: who is due, column-wise results equal to the domain's, safe to run twice."""

import datetime
from decimal import Decimal

import polars as pl

from rmdesk.credit.models import Instalment
from rmdesk.customers.models import Customer, FinancialStatementLine
from rmdesk.domain import rating as rules
from rmdesk.domain.ratios import RATIOS, statement_ratios
from rmdesk.domain.statements import StatementBasis
from rmdesk.nightly import nightly_run
from rmdesk.rating.columns import RATIO_DECIMALS
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.rating.selectors import rating_configuration
from rmdesk.rating.services import rating_confirm, rating_propose_due, rating_result, statement_ratio_frame


def test_borrowers_and_every_enterprise_are_proposed_a_rating(rated_bank):
    run = rating_propose_due(as_of=rated_bank.as_of)
    rated = set(Rating.objects.values_list("customer__name", flat=True))
    # The farmer owes the bank; the factory is an enterprise (policy); the shop and the teacher neither.
    assert rated == {rated_bank.farmer.name, rated_bank.factory.name}
    assert (run.due, run.proposed) == (2, 2)
    assert run.by_kind == {"enterprise": 1, "farmer_household": 1}
    assert all(r.status == RatingStatus.PROPOSED and r.proposed_by is None for r in Rating.objects.all())


def test_running_the_proposal_twice_proposes_nothing_more(rated_bank):
    rating_propose_due(as_of=rated_bank.as_of)
    again = rating_propose_due(as_of=rated_bank.as_of)
    assert (again.due, again.proposed) == (0, 0)
    assert Rating.objects.count() == 2


def test_column_wise_proposals_equal_the_domain_rules_row_by_row(rated_bank):
    rating_propose_due(as_of=rated_bank.as_of)
    configuration = rating_configuration()
    for rating in Rating.objects.select_related("scorecard"):
        card = rating.scorecard.as_rules()
        result = rating_result(rating, card, configuration)
        assert (rating.score, rating.proposed_grade, rating.proposed_pd) == (result.score, result.grade, result.pd)
        assert [(c["code"], c["points"], c["bin"], Decimal(c["weighted"])) for c in rating.contributions] == [
            (s.code, s.points, s.bin_index, s.weighted) for s in result.factors
        ]


def test_the_batch_ratios_equal_statement_ratios_of_the_latest_statements(rated_bank):
    factory = rated_bank.factory
    debt_service = pl.DataFrame({"customer_id": [factory.pk], "annual_debt_service": [456_789_12]})
    codes = {basis: {r.code for r in RATIOS if basis in r.bases} for basis in StatementBasis}
    frame = statement_ratio_frame(
        Customer.objects.filter(pk=factory.pk), as_of=rated_bank.as_of, max_age_months=36, ratio_codes=codes, debt_service=debt_service
    )
    got = frame.row(0, named=True)

    def lines(year):
        rows = FinancialStatementLine.objects.filter(statement__customer=factory, statement__period_end__year=year)
        return {row.code: row.amount for row in rows}

    expected = statement_ratios(
        StatementBasis.SMALL_ENTERPRISE, lines(2025), lines(2024), extra={"annual_debt_service": Decimal("456789.12")}
    )
    assert {code: None if got[code] is None else Decimal(got[code]).scaleb(-RATIO_DECIMALS) for code in expected} == expected
    assert expected["debt_service_coverage"] is not None and expected["revenue_growth"] == Decimal("11.1111")
    assert got["reported_fen"] == 5_000_000_00


def test_the_batch_measures_flows_and_relationship(rated_bank):
    rating_propose_due(as_of=rated_bank.as_of)
    farmer = Rating.objects.get(customer=rated_bank.farmer)
    # Customer since 2020-03-01: 79 whole months to 2026-10-31; one inflow of 36,500 against income of 185,000.
    assert farmer.factor_values["months_with_bank"] == "79"
    assert farmer.factor_values["share_of_wallet"] == "19.73"
    assert farmer.factor_values["products_held"] == "2"
    assert farmer.factor_values["max_days_past_due_12m"] == "0"
    assert farmer.factor_values["debt_to_assets"] == "46.61"  # 220,000 owed of 472,000


def test_more_than_90_days_past_due_is_proposed_d(rated_bank):
    Instalment.objects.filter(loan=rated_bank.loan, due_on__gte=datetime.date(2026, 7, 1)).update(
        principal_paid=0, interest_paid=0, settled_on=None
    )
    rating_propose_due(as_of=rated_bank.as_of)
    farmer = Rating.objects.get(customer=rated_bank.farmer)
    # The July instalment (due 2026-07-10) is unpaid on 2026-10-31: 113 days.
    assert (farmer.days_past_due, farmer.in_default, farmer.proposed_grade, farmer.proposed_pd) == (113, True, "D", Decimal("1"))


def test_a_rating_in_force_is_not_due_until_the_renewal_window(rated_bank):
    rating_propose_due(as_of=rated_bank.as_of)
    farmer = Rating.objects.get(customer=rated_bank.farmer)
    farmer.answers = {"village_assessment": "credit_household"}
    farmer.save(update_fields=["answers"])
    rating_confirm(rating_id=farmer.pk, user=rated_bank.am_a)
    farmer.refresh_from_db()
    assert rating_propose_due(as_of=farmer.valid_until - datetime.timedelta(days=31)).due == 0
    run = rating_propose_due(as_of=farmer.valid_until - datetime.timedelta(days=30))
    assert run.by_kind == {"farmer_household": 1}
    renewal = Rating.objects.get(customer=rated_bank.farmer, status=RatingStatus.PROPOSED)
    assert renewal.previous_id == farmer.pk
    assert renewal.answers == {"village_assessment": "credit_household"}
    assert Rating.objects.filter(customer=rated_bank.farmer).count() == 2


def test_the_nightly_run_starts_with_the_proposal(rated_bank):
    results = nightly_run(as_of=rated_bank.as_of)
    assert list(results)[0] == "rating_propose_due"
    assert results["rating_propose_due"]["proposed"] == 2
    assert results["rating_propose_due"]["as_of"] == "2026-10-31"


def test_a_kind_without_a_scorecard_in_force_is_not_proposed(rated_bank):
    from rmdesk.rating.models import Scorecard

    Scorecard.objects.filter(customer_kind="enterprise").update(in_force=False)
    assert rating_propose_due(as_of=rated_bank.as_of).by_kind == {"farmer_household": 1}


def test_configuration_scorecards_are_the_domain_rules(rated_bank):
    configuration = rating_configuration()
    assert set(configuration.scorecards) == {"enterprise", "sole_proprietor", "farmer_household", "individual"}
    assert all(isinstance(card, rules.Scorecard) for _, card in configuration.scorecards.values())


def test_the_nightly_command_runs_now_or_queues_the_run_for_a_worker(rated_bank):
    import io
    import json

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    out = io.StringIO()
    call_command("nightly", "--as-of", "2026-10-31", stdout=out)
    assert json.loads(out.getvalue())["rating_propose_due"]["proposed"] == 2
    call_command("nightly", "--as-of", "2026-10-31", "--enqueue", stdout=io.StringIO())
    assert DBTaskResult.objects.get().task_path == "rmdesk.nightly.nightly"

"""Annual reviews of credit lines: prepared every night for the lines due, confirmed once by a person."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from rmdesk.credit.models import CreditApplication, CreditLineReview
from rmdesk.credit.reviews import credit_review_confirm, credit_reviews_prepare, review_facts
from rmdesk.credit.templatetags.review_words import review_reason
from rmdesk.nightly import nightly_run
from rmdesk.risk.models import LoanRisk


def _drawn_line(bank, settings, tmp_path, *, drawn: str = "500000"):
    """The factory's credit approved, contracted on a two-year line that started 355 days ago (its
    first review due in ten days) and drawn today: the application, its contract and its loan."""
    from rmdesk.credit.tests.helpers import drawn_credit

    settings.MEDIA_ROOT = tmp_path
    start = timezone.localdate() - datetime.timedelta(days=355)
    end = start.replace(year=start.year + 2) - datetime.timedelta(days=1)
    application, loan = drawn_credit(bank, amount=drawn, valid_from=start, days=(end - start).days)
    return application, application.contract, loan


@pytest.fixture
def line(bank, settings, tmp_path):
    return _drawn_line(bank, settings, tmp_path)


def _review(contract) -> CreditLineReview:
    return CreditLineReview.objects.get(contract=contract)


def _category(loan, category: str) -> None:
    LoanRisk.objects.update_or_create(loan=loan, defaults={"category": category, "category_since": timezone.localdate(), "as_of": timezone.localdate()})


# --- preparation ------------------------------------------------------------------------------------------


def test_a_line_due_within_the_lead_days_gets_its_review_with_the_facts_and_the_recommendation(bank, line):
    _, contract, _ = line
    today = timezone.localdate()
    credit_reviews_prepare(as_of=today)
    review = _review(contract)
    assert review.due_on == today + datetime.timedelta(days=10)
    assert (review.prepared_on, review.recommended, review.reasons, review.confirmed) == (today, "continue", [], False)
    assert review.facts == {
        "line_amount": "800000.00", "outstanding": "500000.00", "utilisation_percent": "62.5",
        "grade_at_approval": "BBB", "grade_now": "BBB", "rating_valid_until": today.replace(year=today.year + 1).isoformat(),
        "category_now": "normal", "max_days_past_due": 0, "inspections_late": 0, "statement_flags": 0,
        "deposits_now": "1250000.00", "deposits_year_ago": "1250000.00",
    }


def test_a_line_due_after_the_lead_days_waits(bank, line):
    _, contract, _ = line
    run = credit_reviews_prepare(as_of=timezone.localdate(), lead_days=5)
    assert not CreditLineReview.objects.filter(contract=contract).exists()
    assert run.created == 0


def test_a_line_mostly_unused_is_recommended_for_reduction(bank, settings, tmp_path):
    _, contract, _ = _drawn_line(bank, settings, tmp_path, drawn="100000")
    credit_reviews_prepare(as_of=timezone.localdate())
    review = _review(contract)
    assert review.recommended == "reduce"
    assert review.reasons == [
        {"code": "line_mostly_unused", "outcome": "reduce", "figures": {"percent": "13", "floor": "30", "outstanding": "100000.00", "line": "800000.00"}}
    ]


def test_the_thresholds_and_the_penalty_markup_are_the_banks_credit_policy(bank, settings, tmp_path):
    from rmdesk.credit.models import CreditPolicySetting

    _, contract, _ = _drawn_line(bank, settings, tmp_path, drawn="100000")
    CreditPolicySetting.objects.update(review_utilisation_floor=Decimal("0.10"), review_lead_days=5)
    credit_reviews_prepare(as_of=timezone.localdate())
    # Due in ten days: outside the bank's five days of lead.
    assert not CreditLineReview.objects.filter(contract=contract).exists()
    CreditPolicySetting.objects.update(review_lead_days=10)
    credit_reviews_prepare(as_of=timezone.localdate())
    assert _review(contract).recommended == "continue"
    policy = CreditPolicySetting.objects.get()
    policy.review_exit_days_past_due = 20
    with pytest.raises(ValidationError) as refused:
        policy.clean()
    assert "cannot be fewer" in refused.value.messages[0]
    policy.review_exit_days_past_due, policy.penalty_markup = 90, Decimal("1.5")
    with pytest.raises(ValidationError) as markup:
        policy.clean()
    assert "1.5" in markup.value.messages[0]


def test_preparing_twice_creates_nothing_more_and_changes_nothing(bank, line):
    today = timezone.localdate()
    first = credit_reviews_prepare(as_of=today)
    before = list(CreditLineReview.objects.order_by("pk").values())
    second = credit_reviews_prepare(as_of=today)
    assert first.created >= 1 and second.created == 0
    assert second.refreshed == CreditLineReview.objects.filter(confirmed_on__isnull=True).count()
    assert list(CreditLineReview.objects.order_by("pk").values()) == before


def test_an_unconfirmed_review_follows_the_facts(bank, line):
    _, contract, loan = line
    today = timezone.localdate()
    credit_reviews_prepare(as_of=today)
    _category(loan, "special_mention")
    credit_reviews_prepare(as_of=today)
    review = _review(contract)
    assert (review.recommended, review.facts["category_now"]) == ("freeze", "special_mention")
    assert [r["code"] for r in review.reasons] == ["special_mention"]


def test_a_confirmed_review_is_never_overwritten(bank, line):
    _, contract, loan = line
    today = timezone.localdate()
    credit_reviews_prepare(as_of=today)
    credit_review_confirm(review_id=_review(contract).pk, user=bank.am_b, outcome="continue", opinion="")
    kept = CreditLineReview.objects.filter(contract=contract).values().get()
    _category(loan, "substandard")
    run = credit_reviews_prepare(as_of=today)
    assert CreditLineReview.objects.filter(contract=contract).values().get() == kept
    assert run.confirmed >= 1


def test_the_most_days_past_due_of_the_year_count_a_payment_made_late(bank, line):
    import time_machine

    from rmdesk.risk.selectors import penalty_owed
    from rmdesk.risk.services import repayment_record

    _, contract, loan = line
    first = loan.instalments.get(number=1)
    assert review_facts(as_of=first.due_on + datetime.timedelta(days=40), contract_ids={contract.pk})[contract.pk].max_days_past_due == 40
    paid_on = first.due_on + datetime.timedelta(days=6)
    with time_machine.travel(datetime.datetime.combine(paid_on, datetime.time(10), tzinfo=timezone.get_current_timezone())):
        repayment_record(loan_id=loan.pk, user=bank.am_b, amount=first.payment_due + penalty_owed(loan, as_of=paid_on), paid_on=paid_on)
    # Unpaid at the end of the fifth day after it fell due; paid on the sixth.
    assert review_facts(as_of=first.due_on + datetime.timedelta(days=20), contract_ids={contract.pk})[contract.pk].max_days_past_due == 5


def test_the_facts_of_every_line_are_read_in_a_handful_of_queries(bank, line, settings, tmp_path, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        found = review_facts(as_of=timezone.localdate())
    assert len(found) == CreditApplication.objects.filter(contract__isnull=False).count()


def test_the_nightly_run_prepares_the_reviews_after_the_risk_steps(bank, line):
    results = nightly_run(as_of=timezone.localdate())
    steps = list(results)
    assert steps.index("risk_nightly") < steps.index("credit_reviews_prepare")
    assert results["credit_reviews_prepare"]["created"] == 1


# --- confirmation ---------------------------------------------------------------------------------------


@pytest.fixture
def frozen(bank, line):
    """The line's review, recommended frozen: its loan is special mention."""
    _, contract, loan = line
    _category(loan, "special_mention")
    credit_reviews_prepare(as_of=timezone.localdate())
    return _review(contract)


def test_an_outcome_more_lenient_than_the_recommendation_needs_the_reasons(bank, frozen):
    with pytest.raises(ValidationError) as refused:
        credit_review_confirm(review_id=frozen.pk, user=bank.am_b, outcome="continue", opinion="ok")
    assert refused.value.error_dict["opinion"][0].code == "opinion_required"
    assert "10" in refused.value.messages[0]
    assert not CreditLineReview.objects.get(pk=frozen.pk).confirmed
    review = credit_review_confirm(review_id=frozen.pk, user=bank.am_b, outcome="reduce", opinion="逾期已结清，客户销售回款正常，压降额度后继续。")
    assert (review.outcome, review.confirmed_by, review.confirmed_on) == ("reduce", bank.am_b, timezone.localdate())


def test_an_outcome_as_strict_or_stricter_needs_no_opinion(bank, frozen):
    review = credit_review_confirm(review_id=frozen.pk, user=bank.am_b, outcome="exit", opinion="  ")
    assert (review.outcome, review.opinion) == ("exit", "")


def test_a_review_is_confirmed_once(bank, frozen):
    credit_review_confirm(review_id=frozen.pk, user=bank.am_b, outcome="freeze", opinion="")
    with pytest.raises(ValidationError) as refused:
        credit_review_confirm(review_id=frozen.pk, user=bank.am_b, outcome="exit", opinion="")
    assert refused.value.code == "already_confirmed"
    assert CreditLineReview.objects.get(pk=frozen.pk).outcome == "freeze"


def test_an_unknown_outcome_is_refused_on_its_field(bank, frozen):
    with pytest.raises(ValidationError) as refused:
        credit_review_confirm(review_id=frozen.pk, user=bank.am_b, outcome="renew", opinion="")
    assert refused.value.error_dict["outcome"][0].code == "unknown_outcome"


@pytest.mark.parametrize("who", ["am_a", "risk", "admin"])
def test_only_someone_who_may_change_the_customer_confirms(bank, frozen, who):
    # Another outlet's account manager does not see the factory; the risk officer sees it but reads.
    with pytest.raises(PermissionDenied):
        credit_review_confirm(review_id=frozen.pk, user=getattr(bank, who), outcome="freeze", opinion="")
    assert not CreditLineReview.objects.get(pk=frozen.pk).confirmed


# --- the pages ------------------------------------------------------------------------------------------


def verified(client, user):
    """Signed in, with the second factor passed where the role needs one."""
    client.force_login(user)
    if user.needs_second_factor:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_list_and_the_review_read_in_both_languages(client, bank, frozen, settings, language):
    settings.LANGUAGE_CODE = language
    client = verified(client, bank.am_b)
    listed = client.get(reverse("credit_reviews"))
    assert listed.status_code == 200
    page = listed.content.decode()
    assert frozen.contract.number in page and bank.factory.name in page
    assert bank.shop.name not in page
    shown = client.get(reverse("credit_review", args=[frozen.pk]))
    assert shown.status_code == 200
    with translation.override(language):
        sentence = review_reason(frozen.reasons[0])
    assert sentence in shown.content.decode()
    assert 'data-testid="confirm"' in shown.content.decode()


def test_confirming_from_the_page_and_a_refusal_shown_on_its_field(client, bank, frozen, settings):
    settings.LANGUAGE_CODE = "en"
    client = verified(client, bank.am_b)
    url = reverse("credit_review", args=[frozen.pk])
    refused = client.post(url, {"outcome": "continue", "opinion": ""})
    assert refused.status_code == 400
    assert 'data-testid="error-opinion"' in refused.content.decode()
    confirmed = client.post(url, {"outcome": "freeze", "opinion": ""})
    assert confirmed.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="confirmed"' in page and 'data-testid="confirm"' not in page
    assert client.get(reverse("credit_reviews")).content.decode().count(frozen.contract.number) == 0
    assert frozen.contract.number in client.get(reverse("credit_reviews"), {"all": "1"}).content.decode()


def test_another_outlets_manager_finds_no_such_review_and_a_reader_may_not_confirm(client, bank, frozen):
    url = reverse("credit_review", args=[frozen.pk])
    assert verified(client, bank.am_a).get(url).status_code == 404
    assert client.post(url, {"outcome": "freeze"}).status_code == 404
    reader = verified(client, bank.risk)
    assert reader.get(url).status_code == 200
    assert 'data-testid="confirm"' not in reader.get(url).content.decode()
    assert reader.post(url, {"outcome": "freeze", "opinion": ""}).status_code == 403


def test_a_line_the_review_froze_takes_no_more_drawdowns(bank, frozen):
    from rmdesk.credit import services as credit

    credit_review_confirm(review_id=frozen.pk, user=bank.am_b, outcome="freeze", opinion="")
    application = CreditApplication.objects.get(pk=frozen.contract.application_id)
    with pytest.raises(ValidationError) as refused:
        credit.credit_drawdown(
            application=application, by=bank.am_b, amount=Decimal("100000"), term_months=6,
            first_due_on=timezone.localdate() + datetime.timedelta(days=30), payment_method="borrower",
        )
    assert refused.value.code == "line_frozen"
    assert application.contract.drawdowns.count() == 1

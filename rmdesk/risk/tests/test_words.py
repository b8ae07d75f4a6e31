"""The facts behind a floor told in the reader's language, from the figures the domain gives."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import translation

from rmdesk.domain.classification import Category, ClassificationPolicy, Exposure, classify_debtor, classify_exposure
from rmdesk.risk.templatetags.risk_words import rule_detail

AS_OF = datetime.date(2026, 10, 31)


def _exposure(reference: str, balance: str, days: int, **rest) -> Exposure:
    return Exposure(reference=reference, balance=Decimal(balance), days_past_due=days, **rest)


def test_days_past_due_and_observation_are_told_in_both_languages():
    restructured = classify_exposure(
        _exposure("L1", "100000", 5, observation_ends_on=datetime.date(2027, 3, 31), category_before_restructuring=Category.SUBSTANDARD),
        as_of=AS_OF,
    )
    with translation.override("en"):
        assert [rule_detail(r) for r in restructured.reasons] == ["5 days past due", "in observation until March 31, 2027", "Substandard before restructuring"]
    with translation.override("zh-hans"):
        told = [rule_detail(r) for r in restructured.reasons]
    assert "逾期5天" in told[0] and "2027年3月31日" in told[1] and "次级" in told[2]
    assert not any(c.isascii() and c.isalpha() for c in "".join(told))


def test_the_debtor_rule_gives_its_share_and_amounts():
    results = classify_debtor(
        [_exposure("L1", "100000", 120), _exposure("L2", "400000", 0)], as_of=AS_OF, retail=False, policy=ClassificationPolicy()
    )
    debtor = results[1].reasons[-1]
    with translation.override("en"):
        assert rule_detail(debtor) == "20.00% of what the debtor owes (100,000.00 of 500,000.00 yuan) is non-performing, over 10%"


def test_a_reason_stored_before_figures_were_kept_reads_as_the_domain_wrote_it():
    stored = {"rule": "days_past_due", "category": "special_mention", "detail": "5 days past due: at least special_mention (days-past-due floors)"}
    assert rule_detail(stored) == stored["detail"]

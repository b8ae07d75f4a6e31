"""The attrition radar scored against the drifters the synthetic bank planted (issue 6).

The radar of the portfolio batch (rmdesk.marketing.batch.attrition_frame and the domain's
``drift``) is replayed as the nightly run would have run it, every ``every_days`` days from the
first day it has a recent and a month of reference history to the last day, over one load of
the bank's frames. A customer is flagged on the first day the radar puts them at risk.

Scored against ``PlantedTruth`` of kind ``drifting_customer``: a drifter is found if flagged on
or after the day they began to drift (a flag before it is not a detection of it); precision is
the share of flagged customers who are drifters found, recall the share of drifters found; the
days of warning are, for each drifter found who later closed their account, the days from the
flag to the closing (the time the account manager had to win them back).
"""

from __future__ import annotations

import datetime
import statistics
import time
from dataclasses import dataclass

from rmdesk.domain.attrition import drift
from rmdesk.marketing.batch import attrition_frame, attrition_facts, balance_segments, load_portfolio
from rmdesk.marketing.configuration import marketing_configuration
from rmdesk.synthetic.models import PlantedTruth, PlantedTruthKind


@dataclass(frozen=True)
class RadarScore:
    """How the replayed radar did against the planted drifters."""

    first_day: datetime.date
    last_day: datetime.date
    days_replayed: int
    drifters: int
    flagged: int
    found: int
    precision: float | None
    recall: float | None
    median_days_of_warning: float | None
    warned_closings: int
    median_days_after_onset: float | None
    seconds: float


def radar_flags(*, first: datetime.date, last: datetime.date, every_days: int = 7) -> tuple[dict[int, list[datetime.date]], int]:
    """Replay the radar from ``first`` (the first day of the bank's data) to ``last``: for each
    customer ever at risk, the days the radar put them at risk; and how many days were replayed."""
    configuration = marketing_configuration(as_of=last)
    policy = configuration.attrition
    data = load_portfolio(as_of=last, start=first)
    segments = balance_segments(data)
    terms_months = {pid: t.term_months for pid, t in configuration.terms_by_product.items()}
    day = data.history_from + datetime.timedelta(days=policy.recent_days + 30 - 1)
    flags: dict[int, list[datetime.date]] = {}
    days = 0
    while day <= last:
        frame = attrition_frame(data, as_of=day, policy=policy, terms_months=terms_months, segments=segments)
        for row in frame.iter_rows(named=True):
            if drift(attrition_facts(row), policy).at_risk:
                flags.setdefault(row["customer_id"], []).append(day)
        days += 1
        day += datetime.timedelta(days=every_days)
    return flags, days


def score_radar(*, first: datetime.date, last: datetime.date, every_days: int = 7) -> RadarScore:
    """Replay the radar (``radar_flags``) and score it against the planted drifters."""
    started = time.perf_counter()
    flags, days = radar_flags(first=first, last=last, every_days=every_days)
    truths = {t.customer_id: t for t in PlantedTruth.objects.filter(kind=PlantedTruthKind.DRIFTING_CUSTOMER)}
    found, warnings, after_onset = 0, [], []
    for customer_id, truth in truths.items():
        after = [day for day in flags.get(customer_id, ()) if day >= truth.onset_on]
        if not after:
            continue
        found += 1
        flagged_on = after[0]
        after_onset.append((flagged_on - truth.onset_on).days)
        closed = truth.detail.get("account_closed_on")
        if closed:
            warnings.append((datetime.date.fromisoformat(closed) - flagged_on).days)
    flagged = len(flags)
    return RadarScore(
        first_day=first,
        last_day=last,
        days_replayed=days,
        drifters=len(truths),
        flagged=flagged,
        found=found,
        precision=found / flagged if flagged else None,
        recall=found / len(truths) if truths else None,
        median_days_of_warning=statistics.median(warnings) if warnings else None,
        warned_closings=len(warnings),
        median_days_after_onset=statistics.median(after_onset) if after_onset else None,
        seconds=round(time.perf_counter() - started, 1),
    )


def knowledge_distribution(as_of: datetime.date) -> dict:
    """The knowledge scores of the batch of ``as_of`` rolled up (rmdesk.domain.knowledge.
    book_knowledge): customers, known, share known, mean, and customers per score band."""
    from rmdesk.domain.knowledge import BANDS, book_knowledge
    from rmdesk.marketing.models import CustomerSnapshot

    scores = list(CustomerSnapshot.objects.filter(as_of=as_of).values_list("knowledge_score", flat=True))
    rolled = book_knowledge(scores)
    return {
        "customers": rolled.customers,
        "known": rolled.known,
        "share_known": str(rolled.share_known) if rolled.share_known is not None else None,
        "mean_score": str(rolled.mean_score) if rolled.mean_score is not None else None,
        "bands": {f"{low}-{high}": count for (low, high), count in zip(BANDS, rolled.bands)},
    }

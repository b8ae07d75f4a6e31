"""The nightly run over the whole portfolio: one task running each step in order.

Each step is a service taking ``as_of`` (the business date the run is for) and working
column-wise over the whole bank; later steps (classification, early warning, reports) join the
list after the ones whose results they read. The first step prepares the annual re-ratings
(issue 4): a proposed rating for every customer due, for the account manager to confirm.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django_tasks import task


def _steps() -> list[tuple[str, Callable]]:
    from rmdesk.credit.reviews import credit_reviews_prepare
    from rmdesk.marketing.services import marketing_batch
    from rmdesk.rating.services import rating_propose_due
    from rmdesk.risk.tasks import risk_nightly

    return [("rating_propose_due", rating_propose_due), ("risk_nightly", risk_nightly), ("credit_reviews_prepare", credit_reviews_prepare), ("marketing_batch", marketing_batch)]


def nightly_run(*, as_of: datetime.date) -> dict[str, dict]:
    """Run every step of the nightly run for ``as_of``, in order; what each step did, by name."""
    results = {}
    for name, step in _steps():
        outcome = step(as_of=as_of)
        results[name] = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in dataclasses.asdict(outcome).items()}
    return results


@task()
def nightly(as_of: str | None = None) -> dict[str, dict]:
    """The nightly run as a background task (``as_of``: ISO date, today when omitted)."""
    from django.utils import timezone

    return nightly_run(as_of=datetime.date.fromisoformat(as_of) if as_of else timezone.localdate())

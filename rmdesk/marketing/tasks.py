"""The portfolio batch as a background task (thin: it calls the service)."""

from __future__ import annotations

import dataclasses
import datetime

from django_tasks import task

from rmdesk.marketing.services import marketing_batch


@task()
def marketing_batch_task(as_of: str) -> dict:
    """The marketing portfolio batch for the ISO date ``as_of``; what it did, JSON-ready."""
    run = marketing_batch(as_of=datetime.date.fromisoformat(as_of))
    return {**dataclasses.asdict(run), "as_of": run.as_of.isoformat()}

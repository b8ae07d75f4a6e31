"""The risk steps of the nightly run, in order, and the task that runs them on a worker.

Days past due first (the classification floors read them; the credits drawn at the desk are
marked overdue or cured by them, and a payment missed in a restructuring's observation period
restarts it), then classification with reserves
and IFRS 9 stages (the schedule reads the categories and downgrades), then the inspection
schedule. Each step is a service over the whole portfolio, column-wise and safe to run twice.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django_tasks import task

from rmdesk.risk.services import (
    classification_refresh,
    credit_arrears_refresh,
    days_past_due_refresh,
    inspection_schedule_refresh,
    restructuring_observation_refresh,
)


@dataclass(frozen=True)
class RiskRun:
    """What the risk steps did on `as_of`: loans, loans past due, days changed, credits marked
    overdue and cured, categories changed and of them downgrades, loans non-performing,
    inspections scheduled, rescheduled, late."""

    as_of: datetime.date
    loans: int
    past_due: int
    days_past_due_changed: int
    credits_overdue: int
    credits_cured: int
    category_changes: int
    downgrades: int
    non_performing: int
    inspections_scheduled: int
    inspections_rescheduled: int
    inspections_late: int


def risk_nightly(*, as_of: datetime.date) -> RiskRun:
    """Days past due, classification and reserves, inspection schedule: the whole portfolio as of `as_of`."""
    days = days_past_due_refresh(as_of=as_of)
    arrears = credit_arrears_refresh(as_of=as_of)
    restructuring_observation_refresh(as_of=as_of)
    classified = classification_refresh(as_of=as_of)
    schedule = inspection_schedule_refresh(as_of=as_of)
    return RiskRun(
        as_of=as_of,
        loans=days.loans,
        past_due=days.past_due,
        days_past_due_changed=days.changed,
        credits_overdue=arrears.overdue,
        credits_cured=arrears.cured,
        category_changes=classified.changes,
        downgrades=classified.downgrades,
        non_performing=classified.non_performing,
        inspections_scheduled=schedule.scheduled,
        inspections_rescheduled=schedule.rescheduled,
        inspections_late=schedule.late,
    )


@task()
def risk_nightly_task(as_of: str) -> dict:
    """The risk steps as a background task for the ISO date `as_of`; what they did, JSON-ready."""
    run = risk_nightly(as_of=datetime.date.fromisoformat(as_of))
    return {**dataclasses.asdict(run), "as_of": run.as_of.isoformat()}

"""Seeding the synthetic bank: generate, bulk-load, record what was planted.

``bank_seed`` writes the whole bank in one database transaction: if anything fails, nothing
of it is left, and with ``reset`` the old data is back as it was. A database that already
holds the bank's kind of data is refused unless ``reset`` is given, with nothing changed.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable

import polars as pl
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from rmdesk.customers.models import Customer
from rmdesk.org.models import OrgUnit, User
from rmdesk.products.services import positions_refresh
from rmdesk.synthetic.generate import CHUNK_TABLES, STATIC_TABLES, TRUTH_TABLE, generate_bank
from rmdesk.synthetic.generate.org import branch_name, outlet_name
from rmdesk.synthetic.loader import BulkLoader, Prepared, empty_tables, prefetch
from rmdesk.synthetic.models import SeedRun
from rmdesk.synthetic.scales import SCALES, Scale

DEFAULT_AS_OF = datetime.date(2026, 10, 31)
"""The last day of the 12 months of flows unless ``--as-of`` says otherwise: fixed, so that a
seed gives the same bank on any day it is run."""

SEEDED_APPS = ("org", "customers", "products", "credit", "desk", "synthetic")
"""The apps whose data a seed writes, and a reset empties."""

DEMO_PASSWORD = "rmdesk-demo-2026"
"""The password of every seeded user (the demo is public; never seed a bank people use)."""

_DEMO = SCALES["demo"]
DEMO_SIGN_INS: list[tuple[str, str]] = [
    ("am1", f"account manager, outlet {outlet_name(0)}"),
    ("leader1", f"team leader, outlet {outlet_name(0)}"),
    ("approver", f"credit approver, branch {branch_name(0, _DEMO.outlets_per_branch)}"),
    ("risk", f"risk officer, branch {branch_name(0, _DEMO.outlets_per_branch)}"),
    ("compliance", "compliance officer, the whole bank's audit trail"),
    ("headoffice", "head office, the whole bank"),
    ("admin", "administrator, no customer data"),
]
"""One sign-in per role for the ``make demo`` banner: (username, role in English)."""


_PREFETCH = 6
"""Frames prepared ahead of the one loading: about one chunk of customers."""


class SeedRefused(Exception):
    """The database already holds data and no reset was asked for; nothing was changed."""


CONFIGURATION_MODELS = ("org.Role", "org.ApprovalAuthority", "credit.CreditPolicySetting", "credit.NetCapital")
"""Bank policy installed by the migrations, not bank data: a seed neither checks nor empties it."""


def _seeded_models():
    return [
        m
        for label in SEEDED_APPS
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
        if m._meta.label not in CONFIGURATION_MODELS
    ]


def bank_policy_install() -> None:
    """Install the bank policy the migrations ship wherever it is missing, leaving what exists.

    A database emptied by ``flush`` (or a test that flushes) has lost the roles the seeded users
    hold and the policies the nightly run reads; the installers are the migrations' own and
    create only what is absent, so a bank's configured policy is never overwritten.
    """
    from rmdesk.credit.defaults import install_credit_defaults
    from rmdesk.marketing.defaults import install_marketing_defaults
    from rmdesk.org.defaults import install_default_roles
    from rmdesk.rating.defaults import install_rating_defaults
    from rmdesk.statements.defaults import install_default_benchmarks

    model = apps.get_model
    install_default_roles(model("org", "Role"), model("org", "ApprovalAuthority"))
    install_credit_defaults(model("credit", "CreditPolicySetting"), model("credit", "NetCapital"))
    install_rating_defaults(model("rating", "Scorecard"), model("rating", "MasterScaleGrade"), model("rating", "RatingPolicy"))
    install_default_benchmarks(model("statements", "IndustryBenchmark"))
    install_marketing_defaults(model("marketing", "ServiceLevelSetting"), model("marketing", "ProductPackage"))
    for name in ("ClassificationPolicy", "ProvisionPolicy", "InspectionPolicy"):
        policy = model("risk", name)
        if not policy.objects.exists():
            policy.objects.create()


def seed_refusal() -> str | None:
    """Why seeding this database must be refused without a reset, or None if it is empty."""
    holding = [m for m in _seeded_models() if m._base_manager.exists()]
    if not holding:
        return None
    return (
        f"The database already holds data: {Customer.objects.count():,} customers, {User.objects.count():,} users, "
        f"{OrgUnit.objects.count():,} org units ({len(holding)} tables with rows). Nothing was changed. Seeding would "
        "mix two banks; pass --reset to delete that data and replace it with the synthetic bank."
    )


def _prepared(label: str, frame: pl.DataFrame, password: str, seed_run: SeedRun) -> pl.DataFrame:
    if label == "org.User":
        return frame.with_columns(pl.lit(password).alias("password"))
    if label == TRUTH_TABLE:
        return frame.with_columns(pl.lit(seed_run.pk, dtype=pl.Int64).alias("seed_run_id"))
    return frame


def bank_seed(
    *,
    scale: Scale | str,
    seed: int,
    as_of: datetime.date = DEFAULT_AS_OF,
    reset: bool = False,
    progress: bool = False,
    on_table: Callable[[str, pl.DataFrame], None] | None = None,
) -> SeedRun:
    """Generate the synthetic bank of ``scale`` for ``seed`` and load it, as of ``as_of``.

    Refuses with ``SeedRefused`` (changing nothing) when the database already holds data of
    the seeded apps, unless ``reset``, which first empties them (and whatever refers to them).
    The demo password is hashed once and shared by every user. Records a ``SeedRun`` with the
    rows loaded per table and the ``PlantedTruth`` rows, then refreshes every customer's
    positions. ``progress`` shows bars on stderr; ``on_table`` sees every frame as it loads
    (the tests digest them).
    """
    scale = SCALES[scale] if isinstance(scale, str) else scale
    if not reset and (reason := seed_refusal()):
        raise SeedRefused(reason)
    with tqdm(total=1, desc=f"planning the {scale.name} bank", file=sys.stderr, disable=not progress, leave=False) as bar:
        bank = generate_bank(scale=scale, seed=seed, as_of=as_of)
        bar.update()
    password = make_password(DEMO_PASSWORD)
    counts: dict[str, int] = {}
    loader = BulkLoader()
    steps = len(STATIC_TABLES) + bank.chunks + 2
    with loader.tuned(), transaction.atomic(), tqdm(total=steps, desc=f"seeding the {scale.name} bank", unit="step", file=sys.stderr, disable=not progress) as bar:
        if reset:
            bar.set_postfix_str("emptying the database")
            empty_tables(_seeded_models())
        bank_policy_install()
        run = SeedRun.objects.create(scale=scale.name, seed=seed, as_of=as_of, started_at=timezone.now())
        loader.begin([*STATIC_TABLES, *CHUNK_TABLES, TRUTH_TABLE])

        def prepare(item: tuple[str, pl.DataFrame]) -> tuple[Prepared, pl.DataFrame | None]:
            label, frame = item
            frame = _prepared(label, frame, password, run)
            return loader.prepare(label, frame), frame if on_table is not None else None

        # The next frames are generated and formatted in a background thread while the
        # connection loads this one: the two cores of a small server both work.
        for prepared, frame in prefetch(bank.tables(), prepare, depth=_PREFETCH):
            bar.set_postfix_str(f"{prepared.label} +{prepared.rows:,}")
            loader.load_prepared(prepared)
            counts[prepared.label] = counts.get(prepared.label, 0) + prepared.rows
            if on_table is not None:
                on_table(prepared.label, frame)
            if prepared.label in STATIC_TABLES or prepared.label in (TRUTH_TABLE, CHUNK_TABLES[-1]):
                bar.update()
        bar.set_postfix_str("checking keys, refreshing positions")
        loader.end()
        positions_refresh(as_of=as_of)
        bar.update()
        run.counts = {label: counts.get(label, 0) for label in (*STATIC_TABLES, *CHUNK_TABLES, TRUTH_TABLE)}
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
    return run

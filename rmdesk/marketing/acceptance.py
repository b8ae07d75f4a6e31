"""The probability that each customer accepts each product: learned, or a prior without history.

Learned (rmdesk.analytics.acceptance.AcceptanceModel, a scorecard per product with enough
history and a pooled one for the rest) from the bank's own history:

- take-ups: every customer who was a customer a year before ``as_of`` and did not then hold a
  product meant for their kind (or held it where several are allowed) is a row; accepted if
  they opened one during the year. What the bank knew of them at the start of the year (kind,
  industry, assets under management, years with the bank, product families held) are the
  features;
- campaign contacts with an outcome: accepted or declined, with the features of the portfolio
  batch of the campaign's segments date.

Refusals far outnumber take-ups, so each product keeps all its take-ups (up to
``FIT_MAX_ACCEPTED_PER_PRODUCT``) and a random sample of its refusals (up to
``FIT_MAX_REFUSED_PER_PRODUCT``); the odds the model gives are multiplied by the share of
refusals kept (the prior correction of King and Zeng, "Logistic Regression in Rare Events
Data", Political Analysis 9, 2001), so the probabilities are those of the whole population.

Without history (fewer than ``FIT_MIN_ACCEPTED`` take-ups and outcomes), the prior: the share of
similar customers (kind and tier) who hold the product, smoothed towards the share of the
customer's kind (rmdesk.marketing.batch.market_frame). A product not meant for the customer's
kind cannot be taken up: 0.
"""

from __future__ import annotations

import datetime
import pickle
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from django.utils import timezone

from rmdesk.marketing import frames
from rmdesk.marketing.configuration import INDIVIDUAL_KINDS, ORGANISATION_KINDS, MarketingConfiguration
from rmdesk.marketing.defaults import (
    FIT_MAX_ACCEPTED_PER_PRODUCT,
    FIT_MAX_REFUSED_PER_PRODUCT,
    FIT_MIN_ACCEPTED,
    REFIT_DAYS,
)
from rmdesk.marketing.models import AcceptanceFit

if TYPE_CHECKING:
    from rmdesk.analytics.acceptance import AcceptanceModel

FEATURES = ["kind", "industry", "aum", "years_with_bank", "families_held"]
PLACES = Decimal("0.0001")
SEED = 20240601
HOLDOUT_SHARE = 0.2


def as_probability(value: float) -> Decimal:
    """A probability as the offers read it: a Decimal to a basis point, half-up, within 0-1."""
    return min(Decimal(1), max(Decimal(0), Decimal(repr(float(value))).quantize(PLACES, rounding=ROUND_HALF_UP)))


def eligible_pairs(customers: pl.DataFrame, products: pl.DataFrame) -> pl.DataFrame:
    """Every customer (customer_id, kind) with every product meant for their kind."""
    kinds = pl.DataFrame({"kind": sorted(INDIVIDUAL_KINDS | ORGANISATION_KINDS)})
    fits = kinds.join(products.select("product_id", "code", "individuals", "organisations"), how="cross").filter(
        (pl.col("kind").is_in(sorted(INDIVIDUAL_KINDS)) & (pl.col("individuals") == 1))
        | (pl.col("kind").is_in(sorted(ORGANISATION_KINDS)) & (pl.col("organisations") == 1))
    )
    return customers.join(fits.select("kind", "product_id", "code"), on="kind")


def feature_columns(frame: pl.DataFrame, *, on: pl.Expr | datetime.date) -> pl.DataFrame:
    """The model's features from ``aum_fen``, ``customer_since`` and the rest, as of ``on``."""
    on_expr = pl.lit(on) if isinstance(on, datetime.date) else on
    return frame.with_columns(
        (pl.col("aum_fen") / 100).alias("aum"),
        ((on_expr - pl.col("customer_since")).dt.total_days() / 365.25).alias("years_with_bank"),
        pl.col("families_held").cast(pl.Float64),
        pl.col("industry").fill_null("Z"),
    )


def take_up_rows(data, *, configuration: MarketingConfiguration) -> pl.DataFrame:
    """The year's take-ups and non-take-ups (see the module), with features at its start."""
    start = data.as_of - datetime.timedelta(days=365)
    customers = data.customers.filter(pl.col("customer_since") <= start).select("customer_id", "kind", "industry", "customer_since")
    holdings = data.holdings
    at_start = holdings.filter((pl.col("opened_on") <= start) & (pl.col("closed_on").is_null() | (pl.col("closed_on") > start)))
    aum = (
        at_start.filter(pl.col("family").is_in(["deposit", "wealth"]))
        .group_by("customer_id")
        .agg(pl.col("carry_fen").sum().alias("aum_fen"))
    )
    families = at_start.group_by("customer_id").agg(pl.col("family").n_unique().alias("families_held"))
    several = [p.product_id for p in configuration.products if p.offer.several_allowed]
    offerable = data.products.filter(pl.col("product_id").is_in([p.product_id for p in configuration.products]))
    pairs = eligible_pairs(customers.select("customer_id", "kind"), offerable)
    held = at_start.select("customer_id", "product_id").unique().filter(~pl.col("product_id").is_in(several))
    taken = (
        holdings.filter((pl.col("opened_on") > start) & (pl.col("opened_on") <= data.as_of))
        .select("customer_id", "product_id")
        .unique()
        .with_columns(pl.lit(1, pl.Int8).alias("accepted"))
    )
    rows = (
        pairs.join(held, on=["customer_id", "product_id"], how="anti")
        .join(taken, on=["customer_id", "product_id"], how="left")
        .with_columns(pl.col("accepted").fill_null(0))
        .join(customers.drop("kind"), on="customer_id")
        .join(aum, on="customer_id", how="left")
        .join(families, on="customer_id", how="left")
        .with_columns(pl.col("aum_fen").fill_null(0), pl.col("families_held").fill_null(0))
    )
    return feature_columns(rows, on=start).select("customer_id", "code", *FEATURES, "accepted")


def campaign_rows(data) -> pl.DataFrame:
    """Campaign contacts with an outcome, with the features of their campaign's segments date."""
    outcomes = frames.campaign_outcome_frame()
    if outcomes.is_empty():
        return pl.DataFrame(schema={"customer_id": pl.Int64, "code": pl.String, **{f: pl.Float64 for f in FEATURES}, "accepted": pl.Int8})
    snapshots = frames.snapshot_feature_frame(outcomes["segment_as_of"].unique().to_list())
    rows = (
        outcomes.join(snapshots.rename({"as_of": "segment_as_of"}), on=["customer_id", "segment_as_of"])
        .join(data.customers.select("customer_id", "industry", "customer_since"), on="customer_id")
        .join(data.products.select("product_id", "code"), on="product_id")
    )
    return feature_columns(rows, on=pl.col("segment_as_of")).select("customer_id", "code", *FEATURES, "accepted")


def sampled(rows: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, float]]:
    """Each product's take-ups (up to the cap) and a random sample of its refusals; the share of
    refusals kept, by product."""
    kept, shares = [], {}
    for (code,), group in rows.group_by("code", maintain_order=True):
        accepted = group.filter(pl.col("accepted") == 1)
        refused = group.filter(pl.col("accepted") == 0)
        if accepted.height > FIT_MAX_ACCEPTED_PER_PRODUCT:
            accepted = accepted.sample(FIT_MAX_ACCEPTED_PER_PRODUCT, seed=SEED)
        keep = min(refused.height, FIT_MAX_REFUSED_PER_PRODUCT)
        shares[code] = keep / refused.height if refused.height else 1.0
        kept += [accepted, refused.sample(keep, seed=SEED)]
    return pl.concat(kept), shares


@dataclass(frozen=True)
class Acceptance:
    """Where the probabilities come from: a fit, or the prior (``fit`` None)."""

    fit: AcceptanceFit | None
    model: AcceptanceModel | None

    @property
    def source(self) -> str:
        if self.fit is None:
            return "prior"
        return f"model fitted {self.fit.fitted_at:%Y-%m-%d} on {self.fit.rows} rows"


def acceptance_fit(data, *, configuration: MarketingConfiguration) -> AcceptanceFit | None:
    """Fit the acceptance model on the history to ``data.as_of`` and keep it; None when there is
    not enough history (``FIT_MIN_ACCEPTED`` take-ups and outcomes in all)."""
    # The learner (optbinning, OR-Tools) takes seconds to import: only the batch's fits pay it.
    from sklearn.metrics import roc_auc_score

    from rmdesk.analytics.acceptance import AcceptanceModel

    started = time.perf_counter()
    contacts = campaign_rows(data)
    history = pl.concat([take_up_rows(data, configuration=configuration), contacts], how="vertical_relaxed")
    if int(history["accepted"].sum()) < FIT_MIN_ACCEPTED:
        return None
    rows, shares = sampled(history)
    rng = np.random.default_rng(SEED)
    holdout = rng.random(rows.height) < HOLDOUT_SHARE
    table = rows.select("code", *FEATURES).to_pandas()
    target = rows["accepted"].to_numpy()
    model = AcceptanceModel(product_column="code").fit(table[~holdout], target[~holdout])
    auc = None
    if holdout.any() and 0 < target[holdout].sum() < holdout.sum():
        auc = Decimal(str(round(roc_auc_score(target[holdout], model.predict_proba(table[holdout])[:, 1]), 4)))
    return AcceptanceFit.objects.create(
        as_of=data.as_of,
        fitted_at=timezone.now(),
        rows=rows.height,
        accepted=int(target.sum()),
        campaign_rows=contacts.height,
        sampling=shares,
        own_scorecards=sorted(model.product_models_),
        holdout_auc=auc,
        seconds=Decimal(str(round(time.perf_counter() - started, 2))),
        model=pickle.dumps(model),
    )


def acceptance_in_force(data, *, configuration: MarketingConfiguration) -> Acceptance:
    """The latest fit if it is younger than ``REFIT_DAYS`` and not from after ``data.as_of``,
    else a new fit, else the prior."""
    fit = (
        AcceptanceFit.objects.filter(as_of__lte=data.as_of, as_of__gt=data.as_of - datetime.timedelta(days=REFIT_DAYS))
        .order_by("-as_of", "-fitted_at")
        .first()
    ) or acceptance_fit(data, configuration=configuration)
    if fit is None:
        return Acceptance(None, None)
    # The pickle is the bank's own, written by acceptance_fit into its own database.
    return Acceptance(fit, pickle.loads(bytes(fit.model)))


def acceptance_frame(
    customers: pl.DataFrame, *, acceptance: Acceptance, products: pl.DataFrame, prior: pl.DataFrame, as_of: datetime.date
) -> pl.DataFrame:
    """The probability of acceptance of every customer for every product: ``customer_id``,
    ``code``, ``p`` (Float64). ``customers`` holds customer_id, kind, tier, industry,
    customer_since, aum_fen and families_held; pairs of a product not for the kind are 0."""
    pairs = eligible_pairs(customers.select("customer_id", "kind", "tier"), products)
    if acceptance.model is None:
        scored = pairs.join(prior, on=["kind", "tier", "code"], how="left").with_columns(pl.col("prior").fill_null(0.0).alias("p"))
    else:
        table = feature_columns(pairs.join(customers.drop("kind", "tier"), on="customer_id"), on=as_of)
        p = acceptance.model.predict_proba(table.select("code", *FEATURES).to_pandas())[:, 1]
        share = table["code"].replace_strict(acceptance.fit.sampling, default=1.0, return_dtype=pl.Float64).to_numpy()
        odds = p / (1 - p) * share
        scored = table.with_columns(pl.Series("p", odds / (1 + odds)))
    return scored.select("customer_id", "code", "p")

"""Marketing defaults the bank replaces with its own (each documented where it is defined).

Product economics by family (a product's own ``ProductTerms`` row wins), which profile fields
each kind of customer should have on file, the exposure class of credit by kind of customer,
and the settings of the portfolio batch. Installers put the domain's defaults (service levels,
packages) into the tables that hold them as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rmdesk.domain.profitability import PositionKind

# --- product economics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """A product's economics as profitability reads them (see ``ProductTerms``)."""

    kind: PositionKind
    customer_rate: Decimal = Decimal(0)
    term_months: int | None = None
    fee_rate: Decimal = Decimal(0)
    yearly_fee: Decimal = Decimal(0)
    exposure_class: str = ""
    minimum_grade: str = ""
    several_allowed: bool = False
    typical_amount: Decimal = Decimal(0)


FAMILY_TERMS: dict[str, Terms] = {
    "deposit": Terms(PositionKind.DEPOSIT, customer_rate=Decimal("0.0015"), typical_amount=Decimal("20000")),
    "loan": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0520"), term_months=12, typical_amount=Decimal("100000")),
    "acceptance_bill": Terms(PositionKind.OFF_BALANCE, fee_rate=Decimal("0.0005"), term_months=6, typical_amount=Decimal("500000"), several_allowed=True),
    "bill_discount": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0200"), term_months=6, typical_amount=Decimal("300000"), several_allowed=True),
    "credit_card": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0500"), fee_rate=Decimal("0.0200"), typical_amount=Decimal("5000")),
    "payroll_agency": Terms(PositionKind.SERVICE, yearly_fee=Decimal("2000")),
    "wealth": Terms(PositionKind.SERVICE, fee_rate=Decimal("0.0060"), typical_amount=Decimal("100000"), several_allowed=True),
    "settlement": Terms(PositionKind.SERVICE, yearly_fee=Decimal("600")),
    "e_banking": Terms(PositionKind.SERVICE, yearly_fee=Decimal("30")),
    "insurance_agency": Terms(PositionKind.SERVICE, yearly_fee=Decimal("300")),
}
"""Illustrative defaults of a county rural commercial bank in 2025-2026, replaced by each
product's ``ProductTerms``: current accounts pay 0.15% (the big banks' demand rate); loans are
priced near the one-year loan prime rate (3.0%) plus the margin small borrowers pay; a bank
acceptance bill earns its 0.05% commission (万分之五) on the face value; discounts about 2%; a
credit card earns about 5% on balances across transactors and revolvers and 2% in interchange
and fees; payroll agency is worth the float of the wages it brings (2,000 yuan a year for a
small employer); wealth products earn the bank about 0.6% a year for selling and managing
them; POS and QR collection about 600 yuan a year in merchant fees; e-banking its yearly fees;
an insurance policy sold its commission."""


CATALOGUE_TERMS: dict[str, Terms] = {
    "DP02": Terms(PositionKind.DEPOSIT, customer_rate=Decimal("0.0145"), term_months=12, several_allowed=True, typical_amount=Decimal("50000")),
    "DP03": Terms(PositionKind.DEPOSIT, customer_rate=Decimal("0.0190"), term_months=36, several_allowed=True, typical_amount=Decimal("300000")),
    "DP11": Terms(PositionKind.DEPOSIT, customer_rate=Decimal("0.0020"), typical_amount=Decimal("200000")),
    "DP12": Terms(PositionKind.DEPOSIT, customer_rate=Decimal("0.0150"), term_months=12, several_allowed=True, typical_amount=Decimal("500000")),
    "LN01": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0550"), term_months=12, typical_amount=Decimal("50000")),
    "LN02": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0600"), term_months=12, typical_amount=Decimal("50000")),
    "LN03": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0350"), term_months=240, exposure_class="residential_mortgage", typical_amount=Decimal("300000")),
    "LN04": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0450"), term_months=36, typical_amount=Decimal("80000")),
    "LN05": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0520"), term_months=12, typical_amount=Decimal("200000")),
    "LN11": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0480"), term_months=12, typical_amount=Decimal("1000000")),
    "LN12": Terms(PositionKind.LOAN, customer_rate=Decimal("0.0500"), term_months=60, typical_amount=Decimal("3000000")),
}
"""Terms of the catalogue shipped with the demo bank (rmdesk.synthetic.names.PRODUCTS), where
they differ from the family's: time deposits and certificates at about the 2025 rates of
county banks (1.45% a year, 1.9% for three years), and each loan product near its market
rate (mortgages about 3.5%, small business loans about 5%). ``ProductTerms`` rows win."""


EXPOSURE_CLASS_OF_KIND: dict[str, str] = {
    "enterprise": "corporate_sme",
    "sole_proprietor": "retail",
    "farmer_household": "retail",
    "individual": "retail",
}
"""Exposure class of credit to each kind of customer when the product names none: a county
bank's enterprises are small and medium-sized (85%, Capital Rules 2023), households and sole
proprietors regulatory retail (75%). Acceptance bills are weighed as corporate exposures
(``bank_acceptance``), a product's own class wins."""

OFF_BALANCE_EXPOSURE_CLASS = "bank_acceptance"


# --- knowledge -----------------------------------------------------------------------------------

PROFILE_FIELDS: dict[str, tuple[str, ...]] = {
    "enterprise": ("phone", "address", "township", "industry", "established_on", "registered_capital"),
    "sole_proprietor": ("phone", "address", "township", "industry", "established_on"),
    "farmer_household": ("phone", "address", "township", "occupation"),
    "individual": ("phone", "address", "township", "occupation"),
}
"""The profile fields the bank should hold for each kind of customer (customer due diligence:
how to reach them, where they live or trade, what they do and, for a firm, its age and size).
An industry of "Z" (not applicable) is no industry."""

STATEMENTS_NOT_EXPECTED_OF = frozenset({"individual"})
"""Salaried people and pensioners hand in no financial statements (rmdesk.rating: statements by
kind), so that area of the knowledge score does not apply to them."""


# --- the portfolio batch --------------------------------------------------------------------------

OFFERS_KEPT = 5
"""Offers stored per customer and date: the account manager talks about the best few."""

WIN_BACK_DUE_DAYS = 7
"""A win-back task is due a week after the radar opens it: the customer is still deciding."""

UNRATED_PD = Decimal("0.05")
"""Probability of default of a customer with no rating at all (neither decided nor proposed),
for the expected loss of what they already owe: 5%, the band of B on the default master scale
(rmdesk.rating defaults), the credit policy's worst grade still lent to."""

MONTHLY_FROM_DAYS = 90
"""Monthly salary, sales and wages, and a customer's usual payments (what idle money is beyond),
are read from the last 90 days: a quarter evens out a month's swings."""

PROFIT_WINDOW_DAYS = 365
"""Profitability is of the last year: average balances over 365 days."""

PRIOR_PSEUDO_CUSTOMERS = 20
"""Without a history of offers, the chance that a customer takes a product up is the share of
similar customers (same kind and tier) who hold it, smoothed towards the bank-wide share with
this many pseudo-customers (additive smoothing), so that a small segment gives neither 0 nor 1."""

PRIOR_FLOOR = 0.01
"""The share the prior is smoothed towards is at least 1%, about the response rate of a direct
offer in retail banking: a product nobody of a kind holds yet is not impossible to sell."""

REFIT_DAYS = 30
"""The acceptance model is fitted again when its fit is older than a month."""

FIT_MIN_ACCEPTED = 200
"""Fewer take-ups than this in the year is no history to learn from: the prior is used."""

FIT_MAX_ACCEPTED_PER_PRODUCT = 1000
FIT_MAX_REFUSED_PER_PRODUCT = 4000
"""Rows of each product kept for a fit: enough for a scorecard's bins (rmdesk.analytics.
acceptance: 100 of each outcome), few enough that a county bank fits in about a minute."""


# --- installers of the defaults held as data ------------------------------------------------------


def install_marketing_defaults(service_level_model, package_model) -> None:
    """Put the domain's default service levels and packages into their tables, where missing.

    Takes the model classes so that a data migration can pass its historical models.
    """
    from rmdesk.domain.offers import DEFAULT_PACKAGES
    from rmdesk.domain.segments import DEFAULT_SERVICE_LEVELS

    for tier, level in DEFAULT_SERVICE_LEVELS.levels.items():
        service_level_model.objects.get_or_create(
            tier=tier,
            defaults={"contact_every_days": level.contact_every_days, "respond_within_hours": level.respond_within_hours},
        )
    for package in DEFAULT_PACKAGES:
        name_zh, name_en = PACKAGE_NAMES[package.code]
        package_model.objects.get_or_create(
            code=package.code,
            defaults={
                "name_zh": name_zh, "name_en": name_en, "products": list(package.products),
                "kinds": sorted(package.kinds), "tiers": sorted(package.tiers),
            },
        )


PACKAGE_NAMES: dict[str, tuple[str, str]] = {
    "farmer_household": ("农户金融服务包", "Farmer household package"),
    "salaried": ("工薪族服务包", "Salaried package"),
    "affluent_saver": ("贵宾储蓄理财包", "Affluent saver package"),
    "small_business": ("个体商户收单包", "Small business package"),
    "enterprise": ("企业综合服务包", "Enterprise package"),
}
"""Names of the default packages in both languages (data, as product names are)."""

"""The marketing configuration in force: bank policy rows read as the domain's rules.

Service levels and packages are rows installed with the domain's defaults; product economics
are a product's ``ProductTerms`` row, else the demo catalogue's or the family's defaults
(rmdesk.marketing.defaults); the credit policy (minimum grades, restricted industries) is the
credit app's, or the domain's default where the bank has not configured one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from rmdesk.credit.models import CreditPolicySetting
from rmdesk.domain.attrition import DEFAULT_ATTRITION_POLICY, AttritionPolicy
from rmdesk.domain.knowledge import DEFAULT_KNOWLEDGE_POLICY, KnowledgePolicy
from rmdesk.domain.offers import DEFAULT_OFFER_POLICY, OfferPolicy, OfferProduct, Package
from rmdesk.domain.policy import DEFAULT_CREDIT_POLICY, CreditPolicy
from rmdesk.domain.profitability import DEFAULT_PARAMETERS, ProfitabilityParameters
from rmdesk.domain.segments import DEFAULT_LIFECYCLE_POLICY, DEFAULT_SERVICE_LEVELS, LifecyclePolicy, ServiceLevel, ServiceLevels
from rmdesk.marketing.defaults import CATALOGUE_TERMS, FAMILY_TERMS, Terms
from rmdesk.marketing.models import ProductPackage, ProductTerms, ServiceLevelSetting
from rmdesk.products.models import Product, ProductFamily

CREDIT_FAMILIES = frozenset(ProductFamily.credit_families()) | {ProductFamily.ACCEPTANCE_BILL.value}
"""Families that extend credit (on or off the balance sheet): the risk appetite applies."""

INDIVIDUAL_KINDS = frozenset({"individual", "farmer_household"})
ORGANISATION_KINDS = frozenset({"enterprise", "sole_proprietor"})


@dataclass(frozen=True)
class CatalogueProduct:
    """A product that can be offered, its economics and how the offer ranking sees it."""

    product_id: int
    code: str
    family: str
    terms: Terms
    offer: OfferProduct


@dataclass(frozen=True)
class MarketingConfiguration:
    """Everything the portfolio batch reads that is bank policy."""

    service_levels: ServiceLevels
    packages: tuple[Package, ...]
    products: tuple[CatalogueProduct, ...]
    terms_by_product: dict[int, Terms]
    credit_policy: CreditPolicy
    profitability: ProfitabilityParameters = DEFAULT_PARAMETERS
    knowledge: KnowledgePolicy = DEFAULT_KNOWLEDGE_POLICY
    lifecycle: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY
    attrition: AttritionPolicy = DEFAULT_ATTRITION_POLICY
    offer_policy: OfferPolicy = DEFAULT_OFFER_POLICY
    product_codes: dict[int, str] = field(default_factory=dict)


def terms_of(product: Product, row: ProductTerms | None) -> Terms:
    """The economics of ``product``: its own row, else the demo catalogue's, else its family's."""
    if row is None:
        return CATALOGUE_TERMS.get(product.code) or FAMILY_TERMS[product.family]
    family = FAMILY_TERMS[product.family]
    return Terms(
        kind=family.kind,
        customer_rate=row.customer_rate,
        term_months=row.term_months,
        fee_rate=row.fee_rate,
        yearly_fee=row.yearly_fee,
        exposure_class=row.exposure_class,
        minimum_grade=row.minimum_grade,
        several_allowed=row.several_allowed,
        typical_amount=row.typical_amount,
    )


def service_levels() -> ServiceLevels:
    """The service levels as the bank has set them (the domain's defaults where none are)."""
    rows = {row.tier: ServiceLevel(row.contact_every_days, row.respond_within_hours) for row in ServiceLevelSetting.objects.all()}
    return ServiceLevels(rows) if rows else DEFAULT_SERVICE_LEVELS


def marketing_configuration(*, as_of: datetime.date) -> MarketingConfiguration:
    """The configuration in force for the batch of ``as_of``: products launched by then and not
    withdrawn, each with its terms and its place in the offer ranking."""
    policy_row = CreditPolicySetting.objects.order_by("pk").first()
    credit_policy = policy_row.as_rules() if policy_row is not None else DEFAULT_CREDIT_POLICY
    rows = {row.product_id: row for row in ProductTerms.objects.all()}
    products, terms_by_product, codes = [], {}, {}
    for product in Product.objects.order_by("code"):
        terms = terms_of(product, rows.get(product.pk))
        terms_by_product[product.pk] = terms
        codes[product.pk] = product.code
        if (product.launched_on and product.launched_on > as_of) or (product.withdrawn_on and product.withdrawn_on <= as_of):
            continue
        credit = product.family in CREDIT_FAMILIES
        minimum = terms.minimum_grade or credit_policy.minimum_grades.get(product.family, credit_policy.default_minimum_grade)
        kinds = (INDIVIDUAL_KINDS if product.for_individuals else frozenset()) | (
            ORGANISATION_KINDS if product.for_organisations else frozenset()
        )
        offer = OfferProduct(
            code=product.code,
            family=product.family,
            credit=credit,
            minimum_grade=minimum if credit else None,
            several_allowed=terms.several_allowed,
            kinds=kinds,
        )
        products.append(CatalogueProduct(product.pk, product.code, product.family, terms, offer))
    packages = tuple(
        Package(row.code, tuple(row.products), kinds=frozenset(row.kinds), tiers=frozenset(row.tiers))
        for row in ProductPackage.objects.filter(active=True)
    )
    return MarketingConfiguration(
        service_levels=service_levels(),
        packages=packages,
        products=tuple(products),
        terms_by_product=terms_by_product,
        credit_policy=credit_policy,
        product_codes=codes,
    )

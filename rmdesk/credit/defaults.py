"""The credit policy rmdesk ships with: the domain's defaults, as one row the bank then edits.

Installed by migration credit 0004 and kept here so that a bank (or a test that emptied its
tables) can put the defaults back; after that they are the bank's to change on the
administration site. The figures are not repeated here: they are read from the domain
(rmdesk.domain.policy, lifecycle and origination), which cites their sources.

The net capital shipped is a placeholder of a county bank's size (2 billion yuan at the end of
2025), so that the policy check runs on a fresh installation; the bank enters its own figure
for each quarter end, and every policy check shows the figure and date it used.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from rmdesk.domain.lifecycle import DEFAULT_LIFECYCLE_POLICY
from rmdesk.domain.origination import DEFAULT_DISBURSEMENT_POLICY, DEFAULT_INSURED_COLLATERAL_KINDS
from rmdesk.domain.policy import DEFAULT_CREDIT_POLICY, Rule

PLACEHOLDER_NET_CAPITAL = (datetime.date(2025, 12, 31), Decimal("2000000000.00"))


def default_policy_fields() -> dict:
    """The fields of the credit policy row, from the domain's defaults."""
    policy = DEFAULT_CREDIT_POLICY
    return {
        "single_customer_share": policy.single_customer_share,
        "group_share": policy.group_share,
        "restricted_industries": sorted(policy.restricted_industries),
        "minimum_grades": dict(policy.minimum_grades),
        "default_minimum_grade": policy.default_minimum_grade,
        "rating_validity_days": policy.rating_validity_days,
        "max_loan_to_value": {kind: str(ltv) for kind, ltv in policy.max_loan_to_value.items()},
        "valuation_validity_days": policy.valuation_validity_days,
        "enterprise_guarantee_multiple": policy.enterprise_guarantee_multiple,
        "individual_guarantee_multiple": policy.individual_guarantee_multiple,
        "related_party_single_share": policy.related_party_single_share,
        "related_party_group_share": policy.related_party_group_share,
        "related_party_total_share": policy.related_party_total_share,
        "rules": [rule.value for rule in Rule if rule in policy.rules],
        "approval_validity_days": DEFAULT_LIFECYCLE_POLICY.approval_validity_days,
        "insured_collateral_kinds": sorted(DEFAULT_INSURED_COLLATERAL_KINDS),
        "entrusted_payment_above": {
            kind: str(amount) for kind, amount in DEFAULT_DISBURSEMENT_POLICY.entrusted_payment_above.items()
        },
    }


def install_credit_defaults(policy_model, capital_model) -> None:
    """Create the credit policy row and the placeholder net capital where none exists yet.

    Takes the model classes so that a migration can pass its historical models; a policy the
    bank already has is left as the bank configured it.
    """
    if not policy_model.objects.exists():
        policy_model.objects.create(**default_policy_fields())
    if not capital_model.objects.exists():
        as_of, amount = PLACEHOLDER_NET_CAPITAL
        capital_model.objects.create(as_of=as_of, amount=amount)

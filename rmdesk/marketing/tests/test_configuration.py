"""Marketing policy as data: service levels and packages checked by the domain's rules, product
terms from a product's row, else the demo catalogue's, else the family's."""

from decimal import Decimal

from rmdesk.marketing.admin import ProductPackageForm, ServiceLevelForm
from rmdesk.marketing.configuration import marketing_configuration, service_levels
from rmdesk.marketing.defaults import CATALOGUE_TERMS, FAMILY_TERMS, install_marketing_defaults
from rmdesk.marketing.models import ProductPackage, ProductTerms, ServiceLevelSetting
from rmdesk.products.models import Product


def test_a_higher_tier_promised_less_than_a_lower_one_is_refused(bank):
    install_marketing_defaults(ServiceLevelSetting, ProductPackage)
    wealth = ServiceLevelSetting.objects.get(tier="wealth")
    form = ServiceLevelForm({"tier": "wealth", "contact_every_days": 120, "respond_within_hours": 8}, instance=wealth)
    assert not form.is_valid()
    assert "wealth" in str(form.errors)
    ok = ServiceLevelForm({"tier": "wealth", "contact_every_days": 45, "respond_within_hours": 8}, instance=wealth)
    assert ok.is_valid(), ok.errors
    ok.save()
    assert service_levels().of("wealth").contact_every_days == 45


def test_a_package_of_one_product_is_refused(bank):
    form = ProductPackageForm({"code": "lonely", "name_zh": "单品", "name_en": "Lonely", "products": '["DP01"]', "kinds": "[]", "tiers": "[]", "active": True})
    assert not form.is_valid() and "two or more" in str(form.errors)


def test_product_terms_come_from_the_row_then_the_catalogue_then_the_family(bank):
    time_deposit = Product.objects.create(code="DP02", family="deposit", name_zh="定期", name_en="Time deposit")
    ProductTerms.objects.create(product=Product.objects.get(code="LN-FARM"), customer_rate=Decimal("0.061"), term_months=24, minimum_grade="BBB")
    configuration = marketing_configuration(as_of=bank.loan.disbursed_on)
    terms = configuration.terms_by_product
    assert terms[time_deposit.pk] == CATALOGUE_TERMS["DP02"]
    assert terms[Product.objects.get(code="DEP-CUR").pk] == FAMILY_TERMS["deposit"]
    loan = next(p for p in configuration.products if p.code == "LN-FARM")
    assert (loan.terms.customer_rate, loan.terms.term_months, loan.offer.minimum_grade, loan.offer.credit) == (Decimal("0.061"), 24, "BBB", True)
    deposit = next(p for p in configuration.products if p.code == "DEP-CUR")
    assert deposit.offer.minimum_grade is None and not deposit.offer.credit

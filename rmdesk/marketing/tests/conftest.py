"""The small bank with what marketing reads: visits, interests, other banks, a confirmed rating,
classified loans, and the teacher drifting away to another bank in the autumn."""

import datetime
from decimal import Decimal

import pytest

from rmdesk.core.testing import AS_OF
from rmdesk.customers.models import KeyPerson, KeyPersonRole
from rmdesk.desk.models import Interaction, InteractionKind, WorkKind
from rmdesk.marketing.defaults import install_marketing_defaults
from rmdesk.marketing.models import ProductPackage, ServiceLevelSetting
from rmdesk.marketing.services import interest_record, knowledge_confirm, other_bank_product_record
from rmdesk.products.models import DailyBalance, Holding, Product, ProductFamily, Transaction
from rmdesk.rating.models import Rating, RatingStatus
from rmdesk.risk.tasks import risk_nightly

TEACHER_BANK = "中国建设银行青禾县支行"


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def confirm_as_of(rating: Rating, grade: str, *, valid_from: datetime.date) -> None:
    """A proposal confirmed a month before the bank's date (rating_confirm dates it today)."""
    Rating.objects.filter(pk=rating.pk).update(
        status=RatingStatus.CONFIRMED, grade=grade, pd=rating.proposed_pd, valid_from=valid_from,
        valid_until=valid_from + datetime.timedelta(days=365),
    )


@pytest.fixture
def marketing_bank(bank):
    """The small bank on 2026-10-31, as the marketing batch sees it (see the module)."""
    install_marketing_defaults(ServiceLevelSetting, ProductPackage)
    deposit = Product.objects.get(code="DEP-CUR")
    time_deposit = Product.objects.create(code="DEP-TIME", family=ProductFamily.DEPOSIT, name_zh="定期存款", name_en="Time deposit")
    Product.objects.create(code="WM-90", family=ProductFamily.WEALTH, name_zh="稳盈理财", name_en="Steady wealth product")
    Product.objects.create(code="EB-MOB", family=ProductFamily.E_BANKING, name_zh="手机银行", name_en="Mobile banking", for_organisations=False)

    # The teacher: salary paid here until August, savings moved out in October.
    teacher_account = Holding.objects.get(customer=bank.teacher, product=deposit)
    for day, balance in ((datetime.date(2026, 6, 1), "60000.00"), (datetime.date(2026, 10, 12), "9000.00"), (datetime.date(2026, 10, 20), "2000.00")):
        DailyBalance.objects.create(holding=teacher_account, on=day, balance=Decimal(balance))
    for month in (6, 7, 8):
        Transaction.objects.create(
            holding=teacher_account, customer=bank.teacher, booked_on=datetime.date(2026, month, 10), amount=Decimal("8000.00"), direction="C",
            counterparty_name="青禾县第一中学", channel="batch", purpose="salary",
        )
    Transaction.objects.create(
        holding=teacher_account, customer=bank.teacher, booked_on=datetime.date(2026, 10, 12), amount=Decimal("51000.00"), direction="D",
        counterparty_name=bank.teacher.name, counterparty_account="6217003310000001234", counterparty_bank=TEACHER_BANK,
        channel="mobile", purpose="transfer",
    )
    savings = Holding.objects.create(
        customer=bank.teacher, product=time_deposit, account_number="6230580000000099", opened_on=datetime.date(2024, 3, 1),
        closed_on=datetime.date(2026, 10, 15), balance=Decimal(0), balance_as_of=AS_OF,
    )
    DailyBalance.objects.create(holding=savings, on=datetime.date(2024, 3, 1), balance=Decimal("30000.00"))
    DailyBalance.objects.create(holding=savings, on=datetime.date(2026, 10, 15), balance=Decimal("0.00"))

    # The farmer: visited in September, interests and profile confirmed then.
    Interaction.objects.create(
        customer=bank.farmer, manager=bank.am_a, kind=InteractionKind.VISIT, work_kind=WorkKind.MARKETING,
        occurred_at=at_noon(datetime.date(2026, 9, 15)), duration_minutes=45, summary="走访，了解秋收情况。",
    )
    Interaction.objects.create(
        customer=bank.teacher, manager=bank.am_b, kind=InteractionKind.CALL, work_kind=WorkKind.SERVICE,
        occurred_at=at_noon(datetime.date(2026, 10, 25)), duration_minutes=5, summary="电话回访。",
    )
    interest_record(customer_id=bank.farmer.pk, user=bank.am_a, topic="farming", note="想扩种猕猴桃", on=datetime.date(2026, 9, 15))
    knowledge_confirm(customer_id=bank.farmer.pk, user=bank.am_a, areas=["profile", "competitors"], on=datetime.date(2026, 9, 15))
    KeyPerson.objects.create(customer=bank.factory, role=KeyPersonRole.LEGAL_REPRESENTATIVE, name="柳建华")
    other_bank_product_record(
        customer_id=bank.shop.pk, user=bank.am_a, bank="中国农业银行青禾县支行", family="loan", balance=Decimal("50000"), on=datetime.date(2026, 10, 20)
    )

    # The factory's proposal confirmed in September; every loan classified on the day.
    confirm_as_of(Rating.objects.get(customer=bank.factory), "A", valid_from=datetime.date(2026, 9, 30))
    risk_nightly(as_of=AS_OF)
    bank.as_of = AS_OF
    return bank

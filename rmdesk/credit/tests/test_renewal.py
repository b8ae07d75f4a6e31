"""Closure and renewal (续贷) of a credit at the desk: the renewal opens with the same terms and
security, goes through the whole path itself, and its first drawdown repays the credit it follows,
which then closes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from rmdesk.credit import services
from rmdesk.credit.models import CreditApplication, CreditTransition, Loan
from rmdesk.credit.tests.helpers import contracted, decided_rating, draw, drawn_credit, enterprise_application
from rmdesk.domain.lifecycle import CreditState
from rmdesk.risk.models import Repayment

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(bank, settings, tmp_path):
    """The factory's credit of 800,000 yuan, 500,000 drawn today."""
    settings.MEDIA_ROOT = tmp_path
    return drawn_credit(bank)


def test_a_line_never_drawn_closes_and_one_with_anything_owed_does_not(bank, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    decided_rating(bank.factory, "BBB", by=bank.am_b)
    application = contracted(bank, enterprise_application(bank))
    services.credit_close(application=application, by=bank.am_b)
    assert CreditApplication.objects.get(pk=application.pk).state == CreditState.CLOSED


def test_a_credit_with_anything_owed_is_not_closed(bank, drawn):
    from rmdesk.risk.services import repayment_record

    application, loan = drawn
    repayment_record(loan_id=loan.pk, user=bank.am_b, amount=Decimal("50000.00"), paid_on=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        services.credit_close(application=CreditApplication.objects.get(pk=application.pk), by=bank.am_b)
    assert refused.value.code == "balance_outstanding"
    assert CreditApplication.objects.get(pk=application.pk).state == CreditState.REPAYING


def test_a_renewal_opens_in_draft_with_the_same_terms_and_security_and_only_one_at_a_time(bank, drawn):
    application, _ = drawn
    renewal = services.credit_renew(application=application, by=bank.am_b)
    assert (renewal.state, renewal.renews, renewal.amount) == (CreditState.DRAFT, application, Decimal("800000.00"))
    assert (renewal.product, renewal.term_months, renewal.annual_rate, renewal.purpose) == (
        application.product, application.term_months, application.annual_rate, application.purpose
    )
    assert [c.description for c in renewal.collateral.all()] == [c.description for c in application.collateral.all()]
    step = CreditTransition.objects.filter(application=application).latest("pk")
    assert (step.action, step.by, step.to_state) == ("renew", bank.am_b, CreditState.DISBURSED)
    assert renewal.reference in step.remark
    with pytest.raises(ValidationError) as twice:
        services.credit_renew(application=application, by=bank.am_b)
    assert twice.value.code == "renewal_open"


def test_the_renewals_first_drawdown_repays_the_credit_it_follows_which_closes(bank, drawn):
    application, old_loan = drawn
    renewal = contracted(bank, services.credit_renew(application=application, by=bank.am_b))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=18), tick=False):
        # 18 days of interest on 500,000.00 at 4.35% / 360 a day: 1,087.50.
        with pytest.raises(ValidationError) as short:
            draw(bank, renewal, "500000")
        assert short.value.code == "renewal_short" and "501,087.50" in short.value.messages[0]
        assert not Loan.objects.filter(drawdown__contract__application=renewal).exists()
        new_loan = draw(bank, renewal, "600000")
    old_loan.refresh_from_db()
    assert old_loan.outstanding_principal == 0
    payoff = Repayment.objects.get(loan=old_loan)
    assert (payoff.principal, payoff.interest) == (Decimal("500000.00"), Decimal("1087.50"))
    assert renewal.reference in payoff.reference
    application.refresh_from_db()
    assert (application.state, application.outstanding) == (CreditState.CLOSED, Decimal("0.00"))
    assert new_loan.principal == Decimal("600000.00")
    assert not old_loan.instalments.filter(settled_on__isnull=True).exists()


def test_a_renewal_does_not_repay_a_credit_in_arrears(bank, drawn):
    from rmdesk.risk.tasks import risk_nightly

    application, old_loan = drawn
    renewal = contracted(bank, services.credit_renew(application=application, by=bank.am_b))
    risk_nightly(as_of=old_loan.instalments.get(number=1).due_on + datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as refused:
        draw(bank, renewal, "600000")
    assert refused.value.code == "renewed_credit_not_performing"
    assert CreditApplication.objects.get(pk=application.pk).state == CreditState.OVERDUE


def test_the_renewal_button_opens_the_renewal_page_and_close_is_offered_only_with_nothing_owed(bank, drawn, client):
    application, _ = drawn
    client.force_login(bank.am_b)
    page = client.get(f"/credit/{application.pk}/")
    assert b'data-testid="step-renew"' in page.content and b'data-testid="step-close"' not in page.content
    response = client.post(f"/credit/{application.pk}/step/", {"action": "renew"})
    renewal = CreditApplication.objects.get(renews=application)
    assert response.status_code == 302 and response["Location"] == f"/credit/{renewal.pk}/"
    shown = client.get(response["Location"])
    assert f'href="/credit/{application.pk}/"'.encode() in shown.content

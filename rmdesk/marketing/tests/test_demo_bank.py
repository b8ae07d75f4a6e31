"""On a demo-scale synthetic bank: the attrition radar meets the issue's goals against the planted
drifters (the same scoring as `make bench-marketing`, not timed), and the batch's column-wise
facts equal those gathered customer by customer for a sample of every kind of customer."""

import pytest

from rmdesk.customers.models import Customer
from rmdesk.marketing.evaluation import knowledge_distribution, score_radar
from rmdesk.marketing.facts import first_transaction_on
from rmdesk.marketing.models import AcceptanceFit, CustomerSnapshot, OfferSnapshot
from rmdesk.marketing.services import marketing_batch
from rmdesk.marketing.tests.test_batch import assert_facts_equal
from rmdesk.synthetic.models import PlantedTruth, PlantedTruthKind
from rmdesk.synthetic.services import DEFAULT_AS_OF, bank_seed


@pytest.mark.django_db(transaction=True)
def test_on_a_demo_bank_the_radar_meets_its_goals_and_the_batch_equals_the_customer_by_customer_facts():
    bank_seed(scale="demo", seed=1, as_of=DEFAULT_AS_OF, reset=True)
    score = score_radar(first=first_transaction_on(), last=DEFAULT_AS_OF)
    assert score.drifters >= 100
    assert score.recall >= 0.7 and score.precision >= 0.7, score
    assert score.median_days_of_warning >= 30, score

    run = marketing_batch(as_of=DEFAULT_AS_OF)
    assert run.customers == CustomerSnapshot.objects.count() == Customer.objects.filter(customer_since__lte=DEFAULT_AS_OF).count()
    assert AcceptanceFit.objects.get().own_scorecards, "the demo bank's year of take-ups is enough to learn from"
    assert OfferSnapshot.objects.filter(from_model=True).exists()
    rolled = knowledge_distribution(DEFAULT_AS_OF)
    assert rolled["customers"] == run.customers and sum(rolled["bands"].values()) == run.customers

    drifters = PlantedTruth.objects.filter(kind=PlantedTruthKind.DRIFTING_CUSTOMER).values("customer_id")[:10]
    sample = list(Customer.objects.filter(pk__in=drifters)) + [
        Customer.objects.filter(kind=kind, loans__isnull=False).order_by("pk").first() for kind in ("enterprise", "farmer_household")
    ] + list(Customer.objects.filter(pk__in=range(1, 3001, 200)))
    assert_facts_equal(DEFAULT_AS_OF, [c for c in sample if c is not None and c.customer_since <= DEFAULT_AS_OF])

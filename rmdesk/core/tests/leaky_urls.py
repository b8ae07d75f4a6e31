"""A deliberately unscoped route, added beside the real ones to prove the route sweep catches it."""

from django.http import HttpResponse
from django.urls import include, path

from rmdesk.core.routes import scoped_object
from rmdesk.customers.models import Customer


@scoped_object(Customer)
def leaky_customer(request, pk):
    customer = Customer.objects.get(pk=pk)
    return HttpResponse(customer.name)


def leaky_list(request):
    return HttpResponse(", ".join(Customer.objects.values_list("name", flat=True)))


def undeclared(request, pk):
    return HttpResponse("")


urlpatterns = [
    path("", include("config.urls")),
    path("leaky/<int:pk>/", leaky_customer, name="leaky_customer"),
    path("leaky/", leaky_list, name="leaky_list"),
    path("undeclared/<int:pk>/", undeclared, name="undeclared"),
]

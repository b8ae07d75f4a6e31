from django.urls import path

from rmdesk.customers import views

urlpatterns = [
    path("", views.book, name="book"),
    path("team/", views.team, name="team"),
    path("customers/new/", views.customer_new, name="customer_new"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("handovers/new/", views.handover_new, name="handover_new"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/personal-data/", views.customer_personal_data, name="customer_personal_data"),
]

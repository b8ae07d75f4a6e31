from django.urls import path

from rmdesk.rating import views

urlpatterns = [
    path("ratings/", views.rating_queue, name="rating_queue"),
    path("ratings/approvals/", views.rating_approvals, name="rating_approvals"),
    path("ratings/<int:pk>/", views.rating_detail, name="rating_detail"),
    path("ratings/<int:pk>/answers/", views.rating_answers, name="rating_answers"),
    path("ratings/<int:pk>/confirm/", views.rating_confirm_view, name="rating_confirm"),
    path("ratings/<int:pk>/override/", views.rating_override, name="rating_override"),
    path("ratings/<int:pk>/decide/", views.rating_decide, name="rating_decide"),
    path("customers/<int:pk>/ratings/", views.customer_rating_history, name="customer_rating_history"),
]

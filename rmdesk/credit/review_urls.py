from django.urls import path

from rmdesk.credit import review_views

urlpatterns = [
    path("credit/reviews/", review_views.credit_reviews, name="credit_reviews"),
    path("credit/reviews/<int:pk>/", review_views.credit_review, name="credit_review"),
]

from django.urls import path

from rmdesk.org import views

urlpatterns = [
    path("second-factor/setup/", views.otp_setup, name="otp_setup"),
    path("second-factor/verify/", views.otp_verify, name="otp_verify"),
]

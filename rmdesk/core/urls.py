from django.urls import path

from rmdesk.core import views

urlpatterns = [
    path("language/", views.set_language, name="set_language"),
]

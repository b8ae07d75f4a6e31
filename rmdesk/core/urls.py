from django.urls import path

from rmdesk.core import audit_views, views

urlpatterns = [
    path("language/", views.set_language, name="set_language"),
    path("audit/", audit_views.audit_search, name="audit_search"),
]

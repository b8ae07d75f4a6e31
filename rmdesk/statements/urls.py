from django.urls import path

from rmdesk.statements import views

urlpatterns = [
    path("customers/<int:pk>/statements/", views.statements, name="statements"),
    path("customers/<int:pk>/statements/new/", views.statement_new, name="statement_new"),
    path("customers/<int:pk>/statements/subtotals/", views.statement_subtotals, name="statement_subtotals"),
    path("customers/<int:pk>/statements/template.xlsx", views.statement_template_download, name="statement_template"),
    path("customers/<int:pk>/statements/upload/", views.statement_upload, name="statement_upload"),
]

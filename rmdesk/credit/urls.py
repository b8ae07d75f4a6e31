from django.urls import path

from rmdesk.credit import views

urlpatterns = [
    path("credit/", views.credit_applications, name="credit_applications"),
    path("credit/approvals/", views.credit_approvals, name="credit_approvals"),
    path("credit/delegations/", views.credit_delegations, name="credit_delegations"),
    path("credit/related-parties/", views.related_parties, name="related_parties"),
    path("credit/related-parties/<int:pk>/end/", views.related_party_end, name="related_party_end"),
    path("customers/<int:pk>/credit/", views.customer_credit_list, name="customer_credit"),
    path("customers/<int:pk>/credit/new/", views.credit_application_new, name="credit_application_new"),
    path("credit/<int:pk>/", views.credit_application, name="credit_application"),
    path("credit/<int:pk>/edit/", views.credit_application_edit, name="credit_application_edit"),
    path("credit/<int:pk>/security/", views.credit_security, name="credit_security"),
    path("credit/<int:pk>/step/", views.credit_step, name="credit_step"),
    path("credit/<int:pk>/investigation/", views.credit_investigation, name="credit_investigation"),
    path("credit/<int:pk>/investigation/upload/", views.credit_investigation_upload, name="credit_investigation_upload"),
    path("credit/<int:pk>/investigation/file/", views.credit_investigation_file, name="credit_investigation_file"),
    path("credit/<int:pk>/policy-check/", views.credit_policy_check, name="credit_policy_check"),
    path("credit/<int:pk>/decide/", views.credit_decide, name="credit_decide"),
    path("credit/<int:pk>/memo.pdf", views.credit_memo, name="credit_memo"),
    path("credit/<int:pk>/contract/", views.credit_contract, name="credit_contract"),
    path("credit/<int:pk>/drawdown/", views.credit_drawdown, name="credit_drawdown"),
]

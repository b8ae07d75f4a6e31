from django.urls import path

from rmdesk.risk import views

urlpatterns = [
    path("risk/", views.risk_home, name="risk_home"),
    path("risk/loans/<int:pk>/", views.loan_risk, name="loan_risk"),
    path("risk/loans/<int:pk>/classify/", views.loan_classify, name="loan_classify"),
    path("risk/loans/<int:pk>/repayment/", views.repayment_new, name="repayment_new"),
    path("risk/loans/<int:pk>/category/", views.category_proposal, name="category_proposal"),
    path("risk/loans/<int:pk>/category/decide/", views.category_decision, name="category_decision"),
    path("risk/loans/<int:pk>/inspection/", views.inspection_new, name="inspection_new"),
    path("risk/loans/<int:pk>/restructuring/", views.restructuring_new, name="restructuring_new"),
    path("risk/loans/<int:pk>/restructuring/decide/", views.restructuring_decision, name="restructuring_decision"),
    path("risk/approvals/", views.category_approvals, name="category_approvals"),
    path("risk/inspections/", views.inspections_due_list, name="inspections_due"),
    path("risk/inspections/overdue/", views.inspections_overdue, name="inspections_overdue"),
    path("risk/provisions/", views.provisions, name="provisions"),
]

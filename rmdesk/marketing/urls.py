from django.urls import path

from rmdesk.marketing import views

urlpatterns = [
    path("marketing/", views.overview, name="marketing_overview"),
    path("customers/<int:pk>/360/", views.customer_360, name="marketing_customer"),
    path("customers/<int:pk>/interests/", views.interest_add, name="marketing_interest_add"),
    path("customers/<int:pk>/other-banks/", views.other_bank_add, name="marketing_other_bank_add"),
    path("customers/<int:pk>/other-banks/end/", views.other_bank_end, name="marketing_other_bank_end"),
    path("customers/<int:pk>/knowledge/", views.knowledge_confirm, name="marketing_knowledge_confirm"),
    path("customers/<int:pk>/service-requests/", views.service_request_add, name="marketing_service_request_add"),
    path("customers/<int:pk>/service-requests/answer/", views.service_request_answer, name="marketing_service_request_answer"),
    path("customers/<int:pk>/offers/take/", views.offer_take, name="marketing_offer_take"),
    path("customers/<int:pk>/campaign-outcome/", views.campaign_outcome, name="marketing_campaign_outcome"),
    path("customers/<int:pk>/win-back/", views.win_back_close, name="marketing_win_back_close"),
    path("pipeline/", views.pipeline, name="marketing_pipeline"),
    path("opportunities/<int:pk>/", views.opportunity, name="marketing_opportunity"),
    path("leads/new/", views.lead_new, name="marketing_lead_new"),
    path("leads/<int:pk>/", views.lead, name="marketing_lead"),
    path("campaigns/", views.campaigns, name="marketing_campaigns"),
    path("campaigns/new/", views.campaign_new, name="marketing_campaign_new"),
    path("campaigns/<int:pk>/", views.campaign, name="marketing_campaign"),
    path("attrition/", views.radar, name="marketing_radar"),
    path("book-movements/", views.movements, name="marketing_movements"),
    path("competitors/", views.competitors, name="marketing_competitors"),
]

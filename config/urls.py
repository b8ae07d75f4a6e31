"""URL map: sign-in and out, language choice, and one include per area of the desk."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from rmdesk.org.admin import desk_admin

urlpatterns = [
    path("administration/", desk_admin.urls),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("rmdesk.core.urls")),
    path("", include("rmdesk.org.urls")),
    path("", include("rmdesk.customers.urls")),
    path("", include("rmdesk.statements.urls")),
    path("", include("rmdesk.rating.urls")),
    path("", include("rmdesk.credit.urls")),
    path("", include("rmdesk.credit.review_urls")),
    path("", include("rmdesk.risk.urls")),
    path("", include("rmdesk.marketing.urls")),
]

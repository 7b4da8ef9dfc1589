from django.contrib import admin
from django.urls import include, path

from api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("accounts.urls")),
    path("trials/<str:nct_id>/prescreen/", include("prescreen.urls")),
    path("match/", include("matching.urls")),
    path("", include("trials.urls")),
]

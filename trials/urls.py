from django.urls import path

from trials import views

app_name = "trials"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("trials/<str:nct_id>/", views.trial_page, name="detail"),
]

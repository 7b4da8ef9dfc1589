"""Mounted under ``match/``."""

from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("", views.find, name="find"),
    path("forget/", views.forget, name="forget"),
]

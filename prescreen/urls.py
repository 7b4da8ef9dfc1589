"""Mounted under ``trials/<str:nct_id>/prescreen/``: every view takes ``nct_id``."""

from django.urls import path

from prescreen import views

app_name = "prescreen"
urlpatterns = [
    path("", views.page, name="page"),
    path("answer/", views.answer, name="answer"),
    path("clear/", views.clear, name="clear"),
]

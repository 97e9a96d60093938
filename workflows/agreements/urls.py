"""Addresses of the goal agreement pages (stored deadlines link to them: keep them)."""

from django.urls import path

from . import views

urlpatterns = [
    path("zielvereinbarungen/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("zielvereinbarungen/<int:pk>/bearbeiten/", views.agreement_edit, name="agreement_edit"),
]

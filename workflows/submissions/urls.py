"""Addresses of the review and plan pages (stored deadlines link to them: keep them)."""

from django.urls import path

from . import budget_views, views

urlpatterns = [
    path("zielbilanzierungen/<int:pk>/", views.review_detail, name="review_detail"),
    path("zielbilanzierungen/<int:pk>/bearbeiten/", views.review_edit, name="review_edit"),
    path(
        "zielbilanzierungen/<int:pk>/kennzahlen/<int:indicator_pk>/",
        views.review_indicator_actual,
        name="review_indicator_actual",
    ),
    path("planungen/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("planungen/<int:pk>/bearbeiten/", views.plan_edit, name="plan_edit"),
    path("planungen/<int:pk>/haushalt/", budget_views.plan_budget, name="plan_budget"),
]

"""Addresses of the review and plan pages (stored deadlines link to them: keep them)."""

from django.urls import path

from . import budget_views, review_actions, views

urlpatterns = [
    path("zielbilanzierungen/<int:pk>/", views.review_detail, name="review_detail"),
    path("zielbilanzierungen/<int:pk>/bearbeiten/", views.review_edit, name="review_edit"),
    path(
        "zielbilanzierungen/<int:pk>/kennzahlen/<int:indicator_pk>/",
        views.review_indicator_actual,
        name="review_indicator_actual",
    ),
    path(
        "zielbilanzierungen/<int:pk>/kennzahlen/<int:indicator_pk>/korrektur/",
        review_actions.review_indicator_correct,
        name="review_indicator_correct",
    ),
    path(
        "zielbilanzierungen/<int:pk>/zielvereinbarungen/<int:agreement_pk>/zielerreichung/",
        review_actions.review_agreement_outcome,
        name="review_agreement_outcome",
    ),
    path("planungen/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("planungen/<int:pk>/bearbeiten/", views.plan_edit, name="plan_edit"),
    path("planungen/<int:pk>/haushalt/", budget_views.plan_budget, name="plan_budget"),
]

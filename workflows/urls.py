"""Addresses of the engine's pages and of every workflow package's pages."""

from django.urls import include, path

from workflows.views import generic, transitions

app_name = "workflows"

urlpatterns = [
    path("uebergang/<slug:model>/<int:pk>/", transitions.transition, name="transition"),
    path("ablauf/<slug:slug>/<int:pk>/", generic.workflow_detail, name="workflow_detail"),
    path("", include("workflows.submissions.urls")),
    path("", include("workflows.agreements.urls")),
    path("beteiligung/", include("workflows.consultation.urls")),
    path("", include("workflows.council.urls")),
]

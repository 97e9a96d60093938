"""URL configuration."""

from django.contrib import admin
from django.urls import include, path

from planning_cycle.views import (
    actuals_import,
    auth,
    catalog_check,
    controlling,
    cycle_new,
    cycles,
    departments,
    framework,
    goals,
    milestones,
    roles,
    tokens,
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("planning_cycle.api.urls")),
    path("oparl/v1/", include("workflows.council.oparl.urls")),
    path("anmelden/", auth.LoginView.as_view(), name="login"),
    path("abmelden/", auth.LogoutView.as_view(), name="logout"),
    path("", cycles.home, name="home"),
    path("zyklen/neu/", cycle_new.cycle_new, name="cycle_new"),
    path("zyklen/<int:pk>/", cycles.cycle_overview, name="cycle_overview"),
    path("zyklen/<int:pk>/termine/", milestones.milestone_new, name="milestone_new"),
    path(
        "zyklen/<int:pk>/termine/<int:milestone>/erledigt/",
        milestones.milestone_mark_done,
        name="milestone_done",
    ),
    path(
        "zyklen/<int:pk>/termine/<int:milestone>/entfernen/",
        milestones.milestone_delete,
        name="milestone_remove",
    ),
    path("zyklen/<int:pk>/rahmenvorgaben/", framework.framework, name="cycle_framework"),
    path("einheiten/<int:pk>/", departments.department_detail, name="department_detail"),
    path("ziele/", goals.catalog, name="goal_catalog"),
    path("ziele/pruefung/", catalog_check.catalog_check, name="catalog_check"),
    path("ziele/istwerte-import/", actuals_import.actuals_import, name="actuals_import"),
    path("ziele/controlling/", controlling.overview, name="controlling_overview"),
    path(
        "ziele/controlling/zielbilanz.pdf",
        controlling.goal_review_download_pdf,
        name="goal_review_pdf",
    ),
    path(
        "ziele/controlling/zielbilanz.xlsx",
        controlling.goal_review_download_xlsx,
        name="goal_review_xlsx",
    ),
    path("ziele/zielkatalog.pdf", controlling.catalog_download_pdf, name="catalog_pdf"),
    path("ziele/kennzahl/<int:pk>/", controlling.indicator_detail, name="indicator_detail"),
    path("ziele/operativ/<int:pk>/", goals.operative_goal_detail, name="operative_goal_detail"),
    path(
        "ziele/operativ/<int:pk>/vorschlagen/",
        goals.operative_goal_propose,
        name="operative_goal_propose",
    ),
    path("", include("workflows.urls")),
    path("konto/api-schluessel/", tokens.api_tokens, name="api_tokens"),
    path("konto/anmeldesperren/", auth.login_lockouts, name="login_lockouts"),
    path(
        "konto/passwort-setzen/<str:uidb64>/<str:token>/",
        auth.password_set,
        name="password_set",
    ),
    path("rollen/", roles.roles, name="roles"),
    path("rollen/<int:pk>/entziehen/", roles.role_revoke_view, name="role_revoke"),
    path("", include("notifications.urls")),
]

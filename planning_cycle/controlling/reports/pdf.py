"""The reports as PDF: an HTML template rendered by WeasyPrint on A4 with page numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from planning_cycle.models import Body
from planning_cycle.selectors.goals import goal_catalog

from .data import GoalReview, field_chart

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "report-print.css"


def html_to_pdf(html: str) -> bytes:
    """Render report HTML to PDF bytes with the print stylesheet (A4, page numbers)."""
    from weasyprint import CSS, HTML  # imported late: loading it costs ~0.5 s

    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return bytes(document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))]))


def goal_review_html(review: GoalReview) -> str:
    """Return the goal review report (Zielbilanz) as HTML for print."""
    charts = {
        row.policy_field.pk: field_chart(
            row.status.leaves, row.policy_field.name, row.policy_field.pk
        )
        for row in review.overview.fields
    }
    context: dict[str, Any] = {"review": review, "charts": charts}
    return render_to_string("reports/zielbilanz.html", context)


def goal_review_pdf(review: GoalReview) -> bytes:
    """Return the goal review report (Zielbilanz) as PDF."""
    return html_to_pdf(goal_review_html(review))


def catalog_html(body: Body) -> str:
    """Return the body's goal catalog for the council as HTML for print."""
    return render_to_string(
        "reports/zielkatalog.html", {"body": body, "policy_fields": goal_catalog(body.pk)}
    )


def catalog_pdf(body: Body) -> bytes:
    """Return the body's goal catalog for the council as PDF."""
    return html_to_pdf(catalog_html(body))

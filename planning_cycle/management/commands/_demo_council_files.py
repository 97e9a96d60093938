"""The demo's paper files: the two attachments of the Börde paper 2018/StS/0592 as PDFs.

The paper of 2018 names two attachments, a presentation of the concept's state and the
draft of the whole concept. The demo writes each as a short PDF (WeasyPrint, from the facts
of the paper: the Leitbild, the workshops, the seven phases) and attaches it through the
council's file service, so that it is checked and stored like an upload. A second run finds
the attachments and leaves them alone.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import format_html, format_html_join

from planning_cycle.models import User
from workflows.council.models import Paper, PaperFile
from workflows.council.services.files import paper_files_attach
from workflows.council.states import FileRole

PRESENTATION = "Anlage_1_Präsentation_Kreisentwicklungskonzept_Stand_30.10.2018.pdf"
DRAFT = "Anlage_2_Kreisentwicklungskonzept_Gesamtentwurf_Stand_10.10.2018.pdf"
CONCEPT = "Integriertes Kreisentwicklungskonzept Landkreis Börde"

# The presentation: one heading and a few points per slide.
SLIDES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Auftrag",
        (
            "Kreistagsbeschluss vom 23.11.2016: Kreisentwicklungskonzept mit Leitbild und "
            "Zielerreichungssystematik",
            "Wissenschaftliche Begleitung: Hochschule Harz",
            "Förderung: Programm „Sachsen-Anhalt Regio“ (Zuwendungsbescheid 15.08.2017)",
        ),
    ),
    (
        "Beteiligung",
        (
            "Web-Befragung von Bürgern und Stakeholdern (Kommunen, Träger, Unternehmen, Vereine)",
            "Auswertungsworkshop am 07.11.2017: Leitbildvorschlag",
            "Leitbild vom Kreistag beschlossen am 14.02.2018",
            "2. Workshop am 21.02.2018: operative Ziele im Abgleich mit den Produktzielen",
        ),
    ),
    (
        "Zeitplan Dezember 2017 bis März 2018",
        (
            "Phase 1: Dokumentation der Ziele in einem einheitlichen Format",
            "Phase 2: Abgleich der Zielhierarchie und der Ziele im Produkthaushalt",
            "Phase 3: erste Diskussion der Themenbereiche",
        ),
    ),
    (
        "Zeitplan Juni bis November 2018",
        (
            "Phase 4: Stellungnahmen der Fachdienste",
            "Phase 5: Auswertung der Stellungnahmen",
            "Phase 6: Klärung der Konflikte in internen Arbeitsgruppen",
            "Phase 7: Gesamtentwurf, Vorstellung in den Ausschüssen, Beschluss am 28.11.2018",
        ),
    ),
)

# The draft: its chapters, each a short paragraph.
CHAPTERS: tuple[tuple[str, str], ...] = (
    (
        "1 Leitbild",
        "Das Leitbild beschreibt die Stärken, Schwächen und Werte des Landkreises und die "
        "strategischen Ziele; es ist zielorientierte Handlungsgrundlage für Kreistag und "
        "Verwaltung.",
    ),
    (
        "2 Strategische und operative Ziele",
        "Aus den strategischen Zielen des Leitbildes sind operative Ziele abgeleitet und mit "
        "den Produktzielen des Haushalts abgeglichen.",
    ),
    (
        "3 Kennzahlen",
        "Für die operativen Ziele werden Kennzahlen bestimmt, die Ergebnisse und "
        "Entwicklungen messbar machen.",
    ),
    (
        "4 Maßnahmen und Budgets",
        "Die Maßnahmen werden mit den Budgets der Produkte verknüpft.",
    ),
)

PAGE_STYLE = (
    "@page { size: A4; margin: 2cm; } body { font-family: sans-serif; font-size: 11pt; } "
    "section { break-after: page; } h1 { font-size: 18pt; } h2 { font-size: 14pt; }"
)


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Refuse every resource: each PDF is built from its text alone."""
    raise ValueError(f"resource not allowed in a demo file: {url}")


def _document(title: str, body: str) -> str:
    return format_html(
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{}</title>'
        "<style>{}</style></head><body>{}</body></html>",
        title,
        PAGE_STYLE,
        body,
    )


def presentation_html() -> str:
    """Return the presentation of the concept's state (one page per slide)."""
    slides = format_html_join(
        "",
        "<section><h2>{}</h2><ul>{}</ul></section>",
        (
            (heading, format_html_join("", "<li>{}</li>", ((point,) for point in points)))
            for heading, points in SLIDES
        ),
    )
    cover = format_html(
        "<section><h1>{}</h1><p>Stand der Bearbeitung, 30.10.2018</p>"
        "<p>Stabsstelle Strategische Entwicklungsplanung und integrierte Sozialplanung</p>"
        "</section>",
        CONCEPT,
    )
    return _document(CONCEPT, format_html("{}{}", cover, slides))


def draft_html() -> str:
    """Return the draft of the whole concept (its chapters, short)."""
    chapters = format_html_join("", "<h2>{}</h2><p>{}</p>", CHAPTERS)
    body = format_html("<h1>{}</h1><p>Gesamtentwurf, Stand 10.10.2018</p>{}", CONCEPT, chapters)
    return _document(CONCEPT, body)


def pdf_upload(name: str, html: str) -> SimpleUploadedFile:
    """Return the HTML as a PDF upload named `name`."""
    from weasyprint import HTML  # imported here: loading pango takes a moment

    # WeasyPrint logs each step of its layout at INFO: not for the seed's output.
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)
    try:
        data: bytes = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    finally:
        progress.setLevel(level)
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def boerde_files_seed(paper: Paper, office: User) -> Sequence[PaperFile]:
    """Attach the Börde paper's two attachments unless it has attachments already."""
    existing = PaperFile.objects.filter(paper=paper, role=FileRole.ATTACHMENT, deleted=False)
    if existing.exists():
        return list(existing)
    return paper_files_attach(
        acting_user=office,
        paper=paper,
        uploads=[
            pdf_upload(PRESENTATION, presentation_html()),
            pdf_upload(DRAFT, draft_html()),
        ],
        role=FileRole.ATTACHMENT,
    )

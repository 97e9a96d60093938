"""The upload form and file list partials, as the round and statement pages include them."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from planning_cycle.models import Role
from tests.consultation import file_samples as samples
from tests.consultation.file_support import round_with_state, upload
from tests.support.world import World
from workflows.consultation.services.files import file_attach


def render(source: str, **context: object) -> str:
    request = RequestFactory().get("/beteiligung/7/")
    return Template(source).render(Context({"request": request, **context}))


def test_upload_form_tells_types_and_size_and_posts_to_the_action(settings: object) -> None:
    settings.UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # type: ignore[attr-defined]
    html = render(
        '{% include "consultation/file_upload_form.html" with action="/beteiligung/7/dateien/" '
        'form_id="dokumente" %}'
    )

    assert 'action="/beteiligung/7/dateien/"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="dateien" multiple' in html
    assert 'accept=".pdf,application/pdf,.odt,' in html
    assert "Erlaubt sind PDF, ODT, DOCX, XLSX, PNG, JPEG bis 5 MB je Datei" in html
    assert 'id="dokumente-input"' in html
    assert 'aria-describedby="dokumente-hint"' in html
    assert 'name="next" value="/beteiligung/7/"' in html


@pytest.mark.django_db
def test_file_list_links_each_file_to_its_gated_download(world: World) -> None:
    built = round_with_state(world)
    file = file_attach(
        acting_user=world.users[Role.STRATEGY_UNIT],
        round=built.round,
        upload=upload("Entwurf.pdf", samples.pdf_bytes()),
    )

    html = render(
        '{% include "consultation/file_list.html" with files=files removable=True %}',
        files=[file],
    )

    assert f'href="{reverse("workflows:file_download", args=[file.pk])}"' in html
    assert f'action="{reverse("workflows:file_remove", args=[file.pk])}"' in html
    assert "„Entwurf.pdf“ entfernen" in html
    assert file.sha256[:16] in html

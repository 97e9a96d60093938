"""The product's URLs plus one view that fails (tests of the 500 page)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from planning_cycle.urls import urlpatterns as product_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    """Fail the way an unexpected bug does."""
    raise RuntimeError("a bug")


urlpatterns = [path("kaputt/", broken), *product_urlpatterns]

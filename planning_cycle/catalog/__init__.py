"""Goal catalogs: YAML files describing a body's departments, goals, indicators and products."""

from .loader import CatalogError, CatalogProblem, CatalogWarning, LoadedCatalog, load_catalog

__all__ = ["CatalogError", "CatalogProblem", "CatalogWarning", "LoadedCatalog", "load_catalog"]

"""OpenAPI 3.1 description of the API, generated from the search-parameter table."""

from eclaire_search.openapi.document import build_document, openapi_document, openapi_json

__all__ = ["build_document", "openapi_document", "openapi_json"]

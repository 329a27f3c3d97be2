"""Elasticsearch 8 with the same Russian analysis, folding and highlighting as OpenSearch.

Use it as ``{"BACKEND": "search.backends.elasticsearch8", "URLS": [...]}``; it needs the
client of the same major version (``pip install "elasticsearch>=8,<9"``), which the
site's requirements do not include. Run ``update_index`` after switching.
"""

from elastic_transport import TransportError
from elasticsearch import ApiError
from modelsearch.backends.elasticsearch8 import (
    Elasticsearch8AutocompleteQueryCompiler,
    Elasticsearch8Index,
    Elasticsearch8Mapping,
    Elasticsearch8SearchBackend,
    Elasticsearch8SearchQueryCompiler,
    Elasticsearch8SearchResults,
)

from search.backends.engines import EngineResultsMixin, RussianEngineMixin, RussianMappingMixin


class RussianElasticsearch8Mapping(RussianMappingMixin, Elasticsearch8Mapping):
    pass


class RussianElasticsearch8Index(Elasticsearch8Index):
    mapping_class = RussianElasticsearch8Mapping


class RussianElasticsearch8SearchQueryCompiler(Elasticsearch8SearchQueryCompiler):
    mapping_class = RussianElasticsearch8Mapping


class RussianElasticsearch8AutocompleteQueryCompiler(Elasticsearch8AutocompleteQueryCompiler):
    mapping_class = RussianElasticsearch8Mapping


class RussianElasticsearch8SearchResults(EngineResultsMixin, Elasticsearch8SearchResults):
    pass


class RussianElasticsearch8SearchBackend(RussianEngineMixin, Elasticsearch8SearchBackend):
    mapping_class = RussianElasticsearch8Mapping
    index_class = RussianElasticsearch8Index
    query_compiler_class = RussianElasticsearch8SearchQueryCompiler
    autocomplete_query_compiler_class = RussianElasticsearch8AutocompleteQueryCompiler
    results_class = RussianElasticsearch8SearchResults
    unavailable_errors = (ApiError, TransportError)


SearchBackend = RussianElasticsearch8SearchBackend

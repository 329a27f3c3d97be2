"""Elasticsearch 9 with the same Russian analysis, folding and highlighting as OpenSearch.

Use it as ``{"BACKEND": "search.backends.elasticsearch9", "URLS": [...]}``; it needs the
client of the same major version (``pip install "elasticsearch>=9,<10"``), which the
site's requirements do not include. Run ``update_index`` after switching.
"""

from elastic_transport import TransportError
from elasticsearch import ApiError
from modelsearch.backends.elasticsearch9 import (
    Elasticsearch9AutocompleteQueryCompiler,
    Elasticsearch9Index,
    Elasticsearch9Mapping,
    Elasticsearch9SearchBackend,
    Elasticsearch9SearchQueryCompiler,
    Elasticsearch9SearchResults,
)

from search.backends.engines import EngineResultsMixin, RussianEngineMixin, RussianMappingMixin


class RussianElasticsearch9Mapping(RussianMappingMixin, Elasticsearch9Mapping):
    pass


class RussianElasticsearch9Index(Elasticsearch9Index):
    mapping_class = RussianElasticsearch9Mapping


class RussianElasticsearch9SearchQueryCompiler(Elasticsearch9SearchQueryCompiler):
    mapping_class = RussianElasticsearch9Mapping


class RussianElasticsearch9AutocompleteQueryCompiler(Elasticsearch9AutocompleteQueryCompiler):
    mapping_class = RussianElasticsearch9Mapping


class RussianElasticsearch9SearchResults(EngineResultsMixin, Elasticsearch9SearchResults):
    pass


class RussianElasticsearch9SearchBackend(RussianEngineMixin, Elasticsearch9SearchBackend):
    mapping_class = RussianElasticsearch9Mapping
    index_class = RussianElasticsearch9Index
    query_compiler_class = RussianElasticsearch9SearchQueryCompiler
    autocomplete_query_compiler_class = RussianElasticsearch9AutocompleteQueryCompiler
    results_class = RussianElasticsearch9SearchResults
    unavailable_errors = (ApiError, TransportError)


SearchBackend = RussianElasticsearch9SearchBackend

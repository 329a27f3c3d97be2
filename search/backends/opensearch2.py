"""The scale-out tier: OpenSearch 2.x with Russian analysis, ё→е folding and highlighting.

Use it as ``{"BACKEND": "search.backends.opensearch2", "URLS": [...]}`` (client
opensearch-py 2.x); run ``update_index`` after the first start or a change of the settings.
"""

from modelsearch.backends.opensearch2 import (
    OpenSearch2AutocompleteQueryCompiler,
    OpenSearch2Index,
    OpenSearch2Mapping,
    OpenSearch2SearchBackend,
    OpenSearch2SearchQueryCompiler,
    OpenSearch2SearchResults,
)
from opensearchpy.exceptions import OpenSearchException

from search.backends.engines import EngineResultsMixin, RussianEngineMixin, RussianMappingMixin


class RussianOpenSearch2Mapping(RussianMappingMixin, OpenSearch2Mapping):
    pass


class RussianOpenSearch2Index(OpenSearch2Index):
    mapping_class = RussianOpenSearch2Mapping


class RussianOpenSearch2SearchQueryCompiler(OpenSearch2SearchQueryCompiler):
    mapping_class = RussianOpenSearch2Mapping


class RussianOpenSearch2AutocompleteQueryCompiler(OpenSearch2AutocompleteQueryCompiler):
    mapping_class = RussianOpenSearch2Mapping


class RussianOpenSearch2SearchResults(EngineResultsMixin, OpenSearch2SearchResults):
    pass


class RussianOpenSearch2SearchBackend(RussianEngineMixin, OpenSearch2SearchBackend):
    mapping_class = RussianOpenSearch2Mapping
    index_class = RussianOpenSearch2Index
    query_compiler_class = RussianOpenSearch2SearchQueryCompiler
    autocomplete_query_compiler_class = RussianOpenSearch2AutocompleteQueryCompiler
    results_class = RussianOpenSearch2SearchResults
    unavailable_errors = (OpenSearchException,)


SearchBackend = RussianOpenSearch2SearchBackend

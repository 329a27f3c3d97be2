"""What the OpenSearch and Elasticsearch backends of the hub share: Russian analysis with ё→е
folding, the autocomplete search analyzer, ranked primary keys and engine highlighting.

The same index settings work on OpenSearch 2.x and Elasticsearch 8/9: they use only the
`standard` tokenizer and the `mapping`, `lowercase`, `stop` (_russian_) and `stemmer`
(russian) analysis components, which every distribution ships.
"""

from copy import deepcopy

from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend
from modelsearch.utils import deep_update

YO_TO_E = {"type": "mapping", "mappings": ["ё=>е", "Ё=>Е"]}

RUSSIAN_INDEX_SETTINGS = {
    "settings": {
        "analysis": {
            "char_filter": {"yo_to_e": YO_TO_E},
            "filter": {
                "russian_stop": {"type": "stop", "stopwords": "_russian_"},
                "russian_stemmer": {"type": "stemmer", "language": "russian"},
            },
            "analyzer": {
                # Every full-text field: ё folded before the stop words and the stemmer.
                "default": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "char_filter": ["yo_to_e"],
                    "filter": ["lowercase", "russian_stop", "russian_stemmer"],
                },
                "edgengram_analyzer": {"char_filter": ["yo_to_e"]},
                "ngram_analyzer": {"char_filter": ["yo_to_e"]},
                # What the typed prefix is analysed with; Wagtail's mapping says `standard`,
                # which does not fold ё (see RussianMappingMixin).
                "autocomplete_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "char_filter": ["yo_to_e"],
                    "filter": ["lowercase"],
                },
            },
        }
    }
}

# Fields whose engine highlights the search page shows; the title is highlighted whole.
HIGHLIGHT_FIELDS = [
    "*intro",
    "*body",
    "*official_name",
    "*settlement_name",
    "*__name",
    "*goals",
    "*results",
    "*authors",
    "*address",
    "*agreement_text",
]


def highlight_request():
    fragment = {"fragment_size": 200, "number_of_fragments": 1, "no_match_size": 0}
    return {
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
        "require_field_match": False,
        "fields": {"title": {"number_of_fragments": 0}}
        | {pattern: dict(fragment) for pattern in HIGHLIGHT_FIELDS},
    }


class RussianMappingMixin:
    edgengram_analyzer_config = {
        "analyzer": "edgengram_analyzer",
        "search_analyzer": "autocomplete_search",
    }


class EngineResultsMixin:
    def pks(self):
        """The primary keys of this slice in rank order: one request, no database query."""
        size = (self.stop - self.start) if self.stop is not None else 1000
        if size <= 0:
            return []
        response = self._backend_do_search(
            self._get_es_body(),
            index=self.backend.get_index_for_model(self.query_compiler.queryset.model).name,
            _source=False,
            stored_fields="pk",
            from_=self.start,
            size=size,
        )
        return [int(hit["fields"]["pk"][0]) for hit in response["hits"]["hits"]]

    def highlights(self):
        """{pk: {field: html}} for this slice, marked by the engine (html-escaped text)."""
        size = (self.stop - self.start) if self.stop is not None else 100
        body = self._get_es_body() | {"highlight": highlight_request()}
        response = self._backend_do_search(
            body,
            index=self.backend.get_index_for_model(self.query_compiler.queryset.model).name,
            _source=False,
            stored_fields="pk",
            from_=self.start,
            size=max(size, 0),
        )
        found = {}
        for hit in response["hits"]["hits"]:
            fields = hit.get("highlight", {})
            found[int(hit["fields"]["pk"][0])] = {
                name.rsplit("__", 1)[-1]: fragments[0]
                for name, fragments in fields.items()
                if fragments
            }
        return found


class RussianEngineMixin:
    """Russian analysis by default; INDEX_SETTINGS in the settings still override it."""

    settings = deep_update(
        deepcopy(ElasticsearchBaseSearchBackend.settings), RUSSIAN_INDEX_SETTINGS
    )
    is_database = False
    #: Client exceptions meaning "the engine cannot answer now" (the site falls back).
    unavailable_errors = ()

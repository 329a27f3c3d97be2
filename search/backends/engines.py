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


# What a ranking request reads of each hit: the primary key from its doc values. Stored fields
# would be read from each hit's compressed stored block, with its whole source (7 ms of the
# engine's 11 for 200 hits at 30,000 pages); the total is never shown, and not counting it
# lets the engine skip hits that cannot reach the top.
HIT_FIELDS = {"_source": False, "stored_fields": "_none_", "docvalue_fields": ["pk"]}
UNCOUNTED = {"track_total_hits": False}


def _pks_of(response):
    return [int(hit["fields"]["pk"][0]) for hit in response["hits"]["hits"]]


def _highlights_of(response):
    found = {}
    for hit in response["hits"]["hits"]:
        fields = hit.get("highlight", {})
        found[int(hit["fields"]["pk"][0])] = {
            name.rsplit("__", 1)[-1]: fragments[0]
            for name, fragments in fields.items()
            if fragments
        }
    return found


class EngineResultsMixin:
    def _index_name(self):
        return self.backend.get_index_for_model(self.query_compiler.queryset.model).name

    def _size(self, unbounded):
        return max((self.stop - self.start) if self.stop is not None else unbounded, 0)

    def _body(self, highlight, highlight_query=None):
        body = self._get_es_body()
        if not highlight:
            return body
        request = highlight_request()
        if highlight_query is not None:
            # Its words only, not its filters: those are not words to mark.
            request["highlight_query"] = highlight_query.query_compiler.get_inner_query()
        return body | {"highlight": request}

    def _search(self, size, highlight=False):
        """One request for this slice's stored primary keys (and highlights), in rank order."""
        return self._backend_do_search(
            self._body(highlight) | HIT_FIELDS | UNCOUNTED,
            index=self._index_name(),
            from_=self.start,
            size=size,
        )

    def _request(self, size, highlight=False, highlight_query=None):
        """The same request, as a part of an _msearch; highlight_query (results of another
        query) marks that query's words in these results."""
        return (
            self._body(highlight, highlight_query)
            | HIT_FIELDS
            | UNCOUNTED
            | {"from": self.start, "size": size}
        )

    def pks(self):
        """The primary keys of this slice in rank order: one request, no database query."""
        size = self._size(1000)
        return _pks_of(self._search(size)) if size else []

    def highlights(self):
        """{pk: {field: html}} for this slice, marked by the engine (html-escaped text)."""
        return _highlights_of(self._search(self._size(100), highlight=True))


class RussianEngineMixin:
    """Russian analysis by default; INDEX_SETTINGS in the settings still override it."""

    settings = deep_update(
        deepcopy(ElasticsearchBaseSearchBackend.settings), RUSSIAN_INDEX_SETTINGS
    )
    is_database = False
    #: Client exceptions meaning "the engine cannot answer now" (the site falls back).
    unavailable_errors = ()

    def _msearch(self, slices, requests):
        """The responses to several requests, one per result slice, sent as one _msearch."""
        lines = []
        for results, body in zip(slices, requests, strict=True):
            lines += [{"index": results._index_name()}, body]
        if self.use_new_elasticsearch_api:
            return self.es.msearch(searches=lines)["responses"]
        return self.es.msearch(body=lines)["responses"]

    def pks_together(self, slices, marked=()):
        """pks() of several result slices (the pages and the documents), in one request. A
        part the engine refused is asked again alone, so that its error is the client's own.

        marked: (results, highlight query) pairs whose highlights ride along in the same
        request (the first page's, before the page is known). Returns (pks of each slice,
        highlights of each pair, {} where the engine refused)."""
        requests = [results._request(results._size(1000)) for results in slices]
        requests += [
            results._request(results._size(100), highlight=True, highlight_query=query)
            for results, query in marked
        ]
        responses = self._msearch([*slices, *(results for results, _query in marked)], requests)
        pks = [
            results.pks() if "error" in response else _pks_of(response)
            for results, response in zip(slices, responses, strict=False)
        ]
        highlights = [
            {} if "error" in response else _highlights_of(response)
            for response in responses[len(slices) :]
        ]
        return pks, highlights

    def highlights_together(self, slices):
        """highlights() of several result slices, in one request."""
        responses = self._msearch(
            slices, [results._request(results._size(100), highlight=True) for results in slices]
        )
        return [
            results.highlights() if "error" in response else _highlights_of(response)
            for results, response in zip(slices, responses, strict=True)
        ]

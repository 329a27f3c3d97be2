"""The embedded tier: SQLite FTS5 search in Russian.

FTS5's unicode61 tokenizer neither stems Russian nor folds ё (it strips diacritics from Latin
letters only), so «библиотеки» would miss «библиотека» and «елка» would miss «ёлка». This
backend indexes Snowball stems of ё-folded words (made in Python by search.russian) and
stems queries the same way; autocomplete gets folded words without stemming. Typos are met
with `Fuzzy`: each query stem is widened to the index's own terms within Lucene's AUTO edit
distance, read from an fts5vocab view of the FTS table.

Use it as ``{"BACKEND": "search.backends.sqlite_russian"}``; run ``update_index`` after
switching to it, because the stored index text changes.
"""

from django.db import connections, router
from django.utils.functional import cached_property
from modelsearch.backends.database.sqlite.query import BM25
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    ObjectIndexer,
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
    SQLiteSearchResults,
)
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import MATCH_ALL, And, Boost, Fuzzy, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from search.russian import analyse, close_to, fuzziness, words

FUZZY_EXPANSIONS = 12
# FTS5's query parser has a bounded stack: a query longer than this is cut.
MAX_TERMS = 32
VOCABULARY_TABLE = "temp.tezki_fts_vocabulary"


class RussianObjectIndexer(ObjectIndexer):
    """Stems for title and body, folded words for autocomplete.

    The page's own title goes to the title column; titles reached through related fields
    (partner libraries, plan items) go to the body, so that an event does not rank as if it
    were named after every library taking part in it.
    """

    def _texts(self, keep):
        for field in self.search_fields:
            for current_field, value in self.prepare_field(self.obj, field):
                if keep(field, current_field):
                    yield value

    @staticmethod
    def _is_own_title(field, current_field):
        return (
            field is current_field
            and isinstance(field, SearchField)
            and (field.field_name == "title")
        )

    @cached_property
    def title(self):
        texts = self._texts(self._is_own_title)
        return " ".join(stem for text in texts for stem in analyse(text))

    @cached_property
    def body(self):
        texts = self._texts(
            lambda field, current: (
                isinstance(current, SearchField) and not self._is_own_title(field, current)
            )
        )
        return " ".join(stem for text in texts for stem in analyse(text))

    @cached_property
    def autocomplete(self):
        texts = self._texts(lambda field, current: isinstance(current, AutocompleteField))
        return " ".join(word for text in texts for word in words(text))


class RussianSQLiteIndex(SQLiteIndex):
    indexer_class = RussianObjectIndexer

    def add_items(self, model, objs):
        """SQLiteIndex.add_items with the Russian indexer (upstream names its class inline)."""
        if not model.get_search_fields():
            return
        indexers = [self.indexer_class(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        data = {
            indexer.id: (indexer.title, indexer.autocomplete, indexer.body) for indexer in indexers
        }
        entries = self.entries.filter(content_type_id=content_type_pk)
        indexed_ids = frozenset(
            entries.filter(object_id__in=data.keys()).values_list("object_id", flat=True)
        )
        for object_id in indexed_ids:
            title, autocomplete, body = data[object_id]
            entries.filter(object_id=object_id).update(
                title=title, autocomplete=autocomplete, body=body
            )
        self.entries.bulk_create(
            IndexEntry(
                content_type_id=content_type_pk,
                object_id=object_id,
                title=title,
                autocomplete=autocomplete,
                body=body,
            )
            for object_id, (title, autocomplete, body) in data.items()
            if object_id not in indexed_ids
        )
        self._refresh_title_norms()


def _combine(kind, parts):
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else kind(parts)


class WeightedBM25(BM25):
    """FTS5's bm25() with a weight per column: a match in the title counts most.

    The weights follow the columns (autocomplete, body, title) in the order the FTS table
    was created with.
    """

    def __init__(self, weights):
        super().__init__()
        self.weights = weights

    def as_sql(self, compiler, connection, function=None, template=None):
        table = SQLiteFTSIndexEntry._meta.db_table
        weights = ", ".join(str(float(weight)) for weight in self.weights)
        return f"bm25({table}, {weights})", []


class RussianSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
    """Stems the query's words before the FTS5 MATCH expression is built.

    A query left with no words (only stop words or punctuation) matches nothing. Ranking is
    one weighted bm25() for the whole MATCH (FTS5 scores the row against the whole
    expression anyway), rather than upstream's products of negative scores, which invert
    the order of And queries and favour any page with a short title.
    """

    # bm25() weights of the FTS columns (autocomplete, body, title).
    COLUMN_WEIGHTS = (0, 1, 4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.query = self.prepare(self.query)

    def terms(self, text):
        return analyse(text)[:MAX_TERMS]

    def prepare(self, query):
        if isinstance(query, Fuzzy):
            return self.prepare_fuzzy(query)
        if isinstance(query, PlainText):
            terms = self.terms(query.query_string)
            return PlainText(" ".join(terms), operator=query.operator) if terms else None
        if isinstance(query, Phrase):
            terms = self.terms(query.query_string)
            if len(terms) > 1:
                return Phrase(" ".join(terms))
            return PlainText(terms[0]) if terms else None
        if isinstance(query, (And, Or)):
            return _combine(type(query), [self.prepare(sub) for sub in query.subqueries])
        if isinstance(query, Not):
            inner = self.prepare(query.subquery)
            return MATCH_ALL if inner is None else Not(inner)
        if isinstance(query, Boost):
            return self.prepare(query.subquery)
        return query

    def prepare_fuzzy(self, query):
        """Each term becomes the OR of the index terms within its edit distance."""
        groups = []
        for term in self.terms(query.query_string):
            near = self.vocabulary_near(term)[:FUZZY_EXPANSIONS] or [term]
            groups.append(_combine(Or, [PlainText(candidate) for candidate in near]))
        return _combine(And if query.operator == "and" else Or, groups)

    def vocabulary_near(self, term):
        limit = fuzziness(term)
        if not limit:
            return [term]
        connection = connections[router.db_for_read(IndexEntry)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCABULARY_TABLE} "
                f"USING fts5vocab(main, '{SQLiteFTSIndexEntry._meta.db_table}', 'col')"
            )
            cursor.execute(
                f"SELECT DISTINCT term FROM {VOCABULARY_TABLE} "  # noqa: S608 - constant name
                "WHERE col != 'autocomplete' AND length(term) BETWEEN %s AND %s",
                [len(term) - limit, len(term) + limit],
            )
            candidates = [row[0] for row in cursor.fetchall()]
        return close_to(term, candidates)

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        return WeightedBM25(self.COLUMN_WEIGHTS)

    def get_index_vectors(self):
        return [(None, 1.0)]

    def search(self, config, start, stop, score_field=None):
        if self.query is None:
            return self.queryset.none()
        return super().search(config, start, stop, score_field=score_field)


class RussianSQLiteAutocompleteQueryCompiler(
    RussianSQLiteSearchQueryCompiler, SQLiteAutocompleteQueryCompiler
):
    """Folded, unstemmed words; the last one is a prefix."""

    COLUMN_WEIGHTS = (1, 0, 0)

    def terms(self, text):
        return words(text)[:MAX_TERMS]


class RussianSQLiteSearchResults(SQLiteSearchResults):
    def pks(self):
        """The primary keys of this slice in rank order, without loading the objects."""
        queryset = self.get_queryset()
        return list(queryset.values_list("pk", flat=True))


class RussianSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = RussianSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = RussianSQLiteAutocompleteQueryCompiler
    index_class = RussianSQLiteIndex
    results_class = RussianSQLiteSearchResults
    is_database = True


SearchBackend = RussianSQLiteSearchBackend

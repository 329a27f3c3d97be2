"""The production tier: PostgreSQL full-text search in Russian, with ё folded everywhere.

The `russian` configuration (SEARCH_CONFIG) stems words, but autocomplete is hard-coded to
the `simple` configuration, which keeps «ё» apart from «е», and trigram similarity (used for
`Fuzzy`, typo tolerance) compares raw letters. So this backend folds ё→е in Python, in the
text it indexes and in every query, and the three agree. Fuzzy search needs the pg_trgm
extension, which the search app creates after `migrate` (see search.apps).

Use it as ``{"BACKEND": "search.backends.postgres_russian", "SEARCH_CONFIG": "russian"}``;
run ``update_index`` after switching to it.
"""

from django.db import ProgrammingError
from django.db.models.sql.subqueries import InsertQuery
from modelsearch.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
    PostgresSearchResults,
)
from modelsearch.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from search.backends.indexing import prefetch_related_search_fields

YO = str.maketrans("ёЁ", "еЕ")


def fold_yo(text):
    return text.translate(YO)


class RussianObjectIndexer(ObjectIndexer):
    def prepare_value(self, value):
        return fold_yo(super().prepare_value(value))


class RussianPostgresIndex(PostgresIndex):
    indexer_class = RussianObjectIndexer

    def add_items(self, model, objs):
        """PostgresIndex.add_items with the folding indexer (upstream names its class inline)."""
        if not model.get_search_fields():
            return
        prefetch_related_search_fields(model, objs)
        indexers = [self.indexer_class(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        compiler = InsertQuery(IndexEntry).get_compiler(connection=self.write_connection)
        rows, params = [], []
        for indexer in indexers:
            params.extend((content_type_pk, indexer.id))
            vectors = []
            for name, value in (
                ("title", indexer.title),
                ("autocomplete", indexer.autocomplete),
                ("body", indexer.body),
            ):
                prepared = compiler.prepare_value(IndexEntry._meta.get_field(name), value)
                sql, vector_params = prepared.as_sql(compiler, self.write_connection)
                vectors.append(sql)
                params.extend(vector_params)
            params.extend((indexer.title_text, indexer.body_text))
            rows.append(f"(%s, %s, {vectors[0]}, {vectors[1]}, {vectors[2]}, 1.0, %s, %s)")
        table = IndexEntry._meta.db_table
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body, "
                f"title_norm, title_text, body_text) (VALUES {', '.join(rows)}) "
                "ON CONFLICT (content_type_id, object_id) DO UPDATE SET "
                "title = EXCLUDED.title, title_norm = 1.0, "
                "autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body, "
                "title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text",
                params,
            )
        self._refresh_title_norms()


def fold_query(query):
    """The same query with ё→е in every string it carries."""
    if isinstance(query, Fuzzy):
        return Fuzzy(fold_yo(query.query_string), operator=query.operator, unaccent=query.unaccent)
    if isinstance(query, PlainText):
        return PlainText(fold_yo(query.query_string), operator=query.operator, boost=query.boost)
    if isinstance(query, Phrase):
        return Phrase(fold_yo(query.query_string))
    if isinstance(query, (And, Or)):
        return type(query)([fold_query(sub) for sub in query.subqueries])
    if isinstance(query, Not):
        return Not(fold_query(query.subquery))
    if isinstance(query, Boost):
        return Boost(fold_query(query.subquery), query.boost)
    return query


class RussianPostgresSearchQueryCompiler(PostgresSearchQueryCompiler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.query = fold_query(self.query)


class RussianPostgresAutocompleteQueryCompiler(PostgresAutocompleteQueryCompiler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.query = fold_query(self.query)


class RussianPostgresSearchResults(PostgresSearchResults):
    def pks(self):
        """The primary keys of this slice in rank order, without loading the objects."""
        try:
            return list(self.get_queryset().values_list("pk", flat=True))
        except ProgrammingError as error:
            self._handle_missing_postgres_extension(error)


class RussianPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = RussianPostgresSearchQueryCompiler
    autocomplete_query_compiler_class = RussianPostgresAutocompleteQueryCompiler
    index_class = RussianPostgresIndex
    results_class = RussianPostgresSearchResults
    is_database = True

    def __init__(self, params):
        params.setdefault("SEARCH_CONFIG", "russian")
        super().__init__(params)


SearchBackend = RussianPostgresSearchBackend

"""The production tier: PostgreSQL full-text search in Russian, with ё folded everywhere.

The `russian` configuration (SEARCH_CONFIG) stems words, but autocomplete is hard-coded to
the `simple` configuration, which keeps «ё» apart from «е». So this backend folds ё→е in
Python, in the text it indexes and in every query. It needs nothing from PostgreSQL beyond
its built-in `russian` configuration: no extension.

What it changes from modelsearch's PostgreSQL backend, to answer in milliseconds at 30,000
pages (issue 4; bench/pg_search_profile.py measures it):

- The title vector holds the object's own title only; titles reached through related fields
  (partner libraries, plan items) go to the body, as on the SQLite tier: an event does not rank
  as if it were named after every library taking part in it. The plain-text copies upstream
  keeps for trigram search are left empty, which keeps the rows small. An object indexed again
  with the same vectors keeps its row untouched.
- Ranking does not rank every match. Upstream filters with `title || body @@ query`
  (concatenating two vectors per row, no index can help) and computes ts_rank for every match:
  half a second for a word that 90% of the pages hold. Here the matches come in tiers — the
  objects whose own title holds every word, then those whose title matches the query, then the
  others — each tier read only when those before it gave fewer rows than asked for. A tier
  reads the first few times as many rows as asked for (CANDIDATE_FACTOR) that the queryset
  allows, shortest titles first (highest title_norm), through the btree index that the search
  app's migration creates or, for a rare word, through the GIN indexes: the planner picks. Only
  those candidates are ranked, with upstream's rank expression, tier first. The matches are
  upstream's; when a tier has more of them than it reads, the ones it leaves out are those
  with the longest titles.
- Typo tolerance (`Fuzzy`) widens each stem of the query to the index's own lexemes within
  Lucene's AUTO edit distance (as the SQLite tier and the engines do), instead of comparing
  trigrams with every row's text (seconds per query): the lexemes are read once and kept.

Use it as ``{"BACKEND": "search.backends.postgres_russian", "SEARCH_CONFIG": "russian"}``;
run ``update_index`` after switching to it.
"""

import operator
import re
import time
from functools import reduce
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Avg, BigIntegerField, F
from django.db.models.expressions import RawSQL
from django.db.models.functions import Abs, Cast, Length
from django.utils.functional import cached_property
from modelsearch.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchAtomicRebuilder,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
    PostgresSearchRebuilder,
    PostgresSearchResults,
)
from modelsearch.backends.database.postgres.query import Lexeme
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from search.backends.indexing import (
    RankedIdsResultsMixin,
    combine,
    integer_pk,
    prefetch_related_search_fields,
)
from search.russian import analyse, close_to, fuzziness

YO = str.maketrans("ёЁ", "еЕ")

# A typo widens a stem to at most this many lexemes of the index.
FUZZY_EXPANSIONS = 12
MAX_TERMS = 32
# Each tier ranks at most this many times the rows asked for: at the benchmark's scale the top
# ten are then those of ranking every match for 35 of 36 queries (the other one: 1,846 work
# plans with the same title, told apart by their bodies only).
CANDIDATE_FACTOR = 3
# The index's lexemes are read with ts_stat (0.2 to 1 s at 30,000 pages): a process keeps them
# until the index's table has been written to, which PostgreSQL's counters of written rows
# tell (pg_stat_user_tables; checked at most every LEXICON_CHECK_SECONDS, and another
# process's writes reach them within seconds), and forgets them at once when it writes to the
# index itself. Where the server keeps no counters (track_counts off), it reads them again
# every LEXICON_SECONDS.
LEXICON_CHECK_SECONDS = 10
LEXICON_SECONDS = 300


def fold_yo(text):
    return text.translate(YO)


class RussianObjectIndexer(ObjectIndexer):
    """Folds ё; the title vector gets the object's own title only (see the module's doc)."""

    def prepare_value(self, value):
        return fold_yo(super().prepare_value(value))

    @cached_property
    def _prepared(self):
        # Once per object: upstream prepares every field again for each vector, which reads
        # each related list (partner libraries, plan items) once per vector.
        return [
            (field, current_field, weight, value)
            for field in self.search_fields
            for current_field, weight, value in self.prepare_field(self.obj, field)
        ]

    @staticmethod
    def _is_own_title(field, current_field):
        return (
            field is current_field
            and isinstance(field, SearchField)
            and field.field_name == "title"
        )

    @cached_property
    def title(self):
        return self.as_vector(
            [
                (value, weight)
                for field, current, weight, value in self._prepared
                if self._is_own_title(field, current)
            ]
        )

    @cached_property
    def body(self):
        return self.as_vector(
            [
                (value, weight)
                for field, current, weight, value in self._prepared
                if isinstance(current, SearchField) and not self._is_own_title(field, current)
            ]
        )

    @cached_property
    def autocomplete(self):
        return self.as_vector(
            [
                (value, weight)
                for _field, current, weight, value in self._prepared
                if isinstance(current, AutocompleteField)
            ],
            for_autocomplete=True,
        )

    def as_vector(self, texts, for_autocomplete=False):
        """The vector as SQL and its parameters. Upstream builds Django expressions and
        compiles them row by row, which took half of update_index's time."""
        config = self.autocomplete_config if for_autocomplete else self.config
        parts, params = [], []
        for text, weight in texts:
            text = text.strip()
            if text:
                parts.append("setweight(to_tsvector(%s::regconfig, %s), %s)")
                params.extend((config, text, weight))
        return (" || ".join(parts) or "''::tsvector"), params


class RussianPostgresIndex(PostgresIndex):
    """Writes only what changed, and title_norm with the row. Upstream rewrites every row it
    is given, then each of them again for title_norm, then (update_index) the whole table once
    more: a rebuild left the table four times its size, which every search then read through."""

    indexer_class = RussianObjectIndexer
    # update_index leaves alone the title norms within this share of the right value: a drift
    # of the average title length that moves every norm alike does not reorder results.
    NORM_TOLERANCE = 0.01

    def _titled_entries(self):
        return (
            self.entries.using(self.write_connection.alias)
            .annotate(length=Length("title"))
            .filter(length__gt=0)
        )

    def _title_length_average(self):
        return self._titled_entries().aggregate(average=Avg("length"))["average"]

    def add_items(self, model, objs):
        """One INSERT … ON CONFLICT DO UPDATE for the batch, which updates a row only when its
        vectors changed. Raw SQL: the ORM's bulk_create(update_conflicts=True) has no WHERE
        for the update and cannot take the vectors as SQL."""
        if not model.get_search_fields():
            return
        prefetch_related_search_fields(model, objs)
        indexers = [self.indexer_class(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        # One average per index object: update_index indexes every batch with the same one.
        average = getattr(self, "_average", None)
        if average is None:
            average = self._average = self._title_length_average()
        rows, params = [], []
        for indexer in indexers:
            params.extend((content_type_pk, indexer.id))
            vectors = []
            for sql, vector_params in (indexer.title, indexer.autocomplete, indexer.body):
                vectors.append(sql)
                params.extend(vector_params)
            rows.append(f"(%s, %s, {vectors[0]}, {vectors[1]}, {vectors[2]})")
        table = self.write_connection.ops.quote_name(IndexEntry._meta.db_table)
        with self.write_connection.cursor() as cursor:
            # Rows written by upstream's indexer carry plain-text copies: they differ, and are
            # written once more without them.
            cursor.execute(
                f"INSERT INTO {table} AS entry (content_type_id, object_id, title, "  # noqa: S608 - values are parameters
                "autocomplete, body, title_norm, title_text, body_text) "
                "SELECT v.content_type_id, v.object_id, v.title, v.autocomplete, v.body, "
                "coalesce(%s / nullif(length(v.title), 0), 1.0), '', '' "
                f"FROM (VALUES {', '.join(rows)}) "
                "AS v (content_type_id, object_id, title, autocomplete, body) "
                "ON CONFLICT (content_type_id, object_id) DO UPDATE SET "
                "title = EXCLUDED.title, autocomplete = EXCLUDED.autocomplete, "
                "body = EXCLUDED.body, title_norm = EXCLUDED.title_norm, "
                "title_text = '', body_text = '' "
                "WHERE (entry.title, entry.autocomplete, entry.body, entry.title_text, "
                "entry.body_text) IS DISTINCT FROM "
                "(EXCLUDED.title, EXCLUDED.autocomplete, EXCLUDED.body, '', '')",
                [average, *params],
            )
            changed = cursor.rowcount
        if average is None:
            # The index was empty: norms of this first batch from its own titles.
            super()._refresh_title_norms()
            self._average = None
        if changed:
            forget_lexicon()

    def _refresh_title_norms(self, full=False):
        """update_index's last step: only the norms that drifted are written."""
        if not full:
            super()._refresh_title_norms()
            return
        average = self._title_length_average()
        if average is None:
            return
        # |title_norm - average / length| > tolerance * average / length, times length.
        drifted = self._titled_entries().alias(drift=Abs(F("title_norm") * F("length") - average))
        drifted.filter(drift__gt=self.NORM_TOLERANCE * average).update(
            title_norm=average / F("length")
        )

    def delete_item(self, item):
        super().delete_item(item)
        forget_lexicon()

    def reset(self):
        super().reset()
        forget_lexicon()


class AnalyseAfterRebuild:
    """update_index rewrites the whole index: gather the planner's statistics at once (as
    autovacuum would, a minute later), since the tiers' plans depend on how often words occur;
    and forget the lexicon, which may hold words of deleted objects."""

    def finish(self):
        super().finish()
        connection = self.index.write_connection
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(IndexEntry._meta.db_table)}")
        forget_lexicon()


class RussianPostgresSearchRebuilder(AnalyseAfterRebuild, PostgresSearchRebuilder):
    pass


class RussianPostgresSearchAtomicRebuilder(AnalyseAfterRebuild, PostgresSearchAtomicRebuilder):
    pass


# ------------------------------------------------------------------ typo tolerance


_lexicons = {}


class Lexicon(NamedTuple):
    by_length: dict
    # The index table's written rows when it was read (None: not counted), and when to
    # look at the count again or, without a count, read the lexemes again.
    writes: int | None
    check_at: float
    expires: float


def index_lexemes(alias):
    """The distinct lexemes of the title and body vectors of the index, by length, read
    again when the index has been written to since (LEXICON_CHECK_SECONDS)."""
    now = time.monotonic()
    found = _lexicons.get(alias)
    if found is not None and now < found.check_at:
        return found.by_length
    connection = connections[alias]
    # Counted before the lexemes are read: a write meanwhile is seen at the next check.
    writes = index_writes(connection)
    if found is None:
        unchanged = False
    elif writes is not None:
        unchanged = writes == found.writes
    else:
        unchanged = found.writes is None and now < found.expires
    if not unchanged:
        found = Lexicon(read_lexemes(connection), writes, now, now + LEXICON_SECONDS)
    _lexicons[alias] = found._replace(check_at=now + LEXICON_CHECK_SECONDS)
    return found.by_length


def index_writes(connection):
    """How many rows of the index's table were ever inserted, updated or deleted (the
    server's cumulative statistics), or None where the server does not count them."""
    with connection.cursor() as cursor:
        # The view pg_stat_user_tables reads every table's counters; these, one table's.
        cursor.execute(
            "SELECT CASE WHEN current_setting('track_counts')::boolean THEN "
            "pg_stat_get_tuples_inserted(t) + pg_stat_get_tuples_updated(t) "
            "+ pg_stat_get_tuples_deleted(t) END FROM (SELECT %s::regclass::oid AS t) AS it",
            [connection.ops.quote_name(IndexEntry._meta.db_table)],
        )
        return cursor.fetchone()[0]


def read_lexemes(connection):
    """{length: lexemes} of the index's title and body vectors."""
    table = connection.ops.quote_name(IndexEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat(%s) UNION SELECT word FROM ts_stat(%s)",
            [f"SELECT title FROM {table}", f"SELECT body FROM {table}"],  # noqa: S608
        )
        words = [row[0] for row in cursor.fetchall()]
    by_length = {}
    for word in words:
        if not word.isalnum():
            # Compounds («библиотеки-партнёры») are matched through their parts.
            continue
        by_length.setdefault(len(word), []).append(word)
    return by_length


def forget_lexicon():
    """The index changed: its words may have."""
    _lexicons.clear()


class Lexemes(PlainText):
    """Lexemes of the index, any of them: what a typo widens to. They are matched as they are
    (the `simple` configuration), not stemmed again."""

    def __init__(self, lexemes):
        super().__init__(" ".join(lexemes), operator="or")
        self.lexemes = list(lexemes)


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


def _positive(query):
    """True when the query only asks for words and phrases (no negation, no match-all)."""
    if isinstance(query, (PlainText, Phrase)):
        return True
    if isinstance(query, (And, Or)):
        return all(_positive(sub) for sub in query.subqueries)
    return False


def _terms(text):
    """The terms of a query string, split as upstream's build_tsquery_content splits them."""
    return [term for term in re.split(r"[\s\-]+", text) if term]


def _single_term(query):
    """True when matching any of the query's words is matching the query."""
    if isinstance(query, Lexemes):
        return True
    if isinstance(query, PlainText):
        return query.operator == "or" or len(_terms(query.query_string)) <= 1
    if isinstance(query, Or):
        return all(_single_term(sub) for sub in query.subqueries)
    return False


def _conjunctive(query):
    """True when a row matches the query exactly when it holds every word of it."""
    if isinstance(query, Lexemes):
        return True
    if isinstance(query, PlainText):
        return query.operator == "and" or len(_terms(query.query_string)) <= 1
    if isinstance(query, And):
        return all(_conjunctive(sub) for sub in query.subqueries)
    return False


def _every_word(query):
    """Every word of the query, wherever they are, as one "and" query."""
    words, groups = [], []

    def collect(part):
        if isinstance(part, Lexemes):
            groups.append(part)
        elif isinstance(part, (PlainText, Phrase)):
            words.extend(word for word in _terms(part.query_string) if word not in words)
        else:
            for sub in part.subqueries:
                collect(sub)

    collect(query)
    parts = [PlainText(" ".join(words), operator="and")] if words else []
    return combine(And, parts + groups)


def _has_phrase(query):
    if isinstance(query, Phrase):
        return True
    return isinstance(query, (And, Or)) and any(_has_phrase(sub) for sub in query.subqueries)


class Sql(NamedTuple):
    """A piece of SQL and its parameters; conditions combine with &, | and ~ as Q objects do.

    The tiers' conditions are built from the tsqueries the ORM compiled, each once. As Q
    objects of expressions, they took the ORM 1 to 3 ms to compile: as long as the statement
    takes to run for a rarer word."""

    sql: str
    params: tuple = ()

    def __and__(self, other):
        return Sql(f"({self.sql} AND {other.sql})", (*self.params, *other.params))

    def __or__(self, other):
        return Sql(f"({self.sql} OR {other.sql})", (*self.params, *other.params))

    def __invert__(self):
        return Sql(f"(NOT {self.sql})", self.params)


# The vectors of an index row, and upstream's document: title and body joined.
VECTORS = {
    "title": '"title"',
    "body": '"body"',
    "autocomplete": '"autocomplete"',
    "document": '("title" || "body")',
}


def matches(vector, tsquery):
    """True for the rows whose vector (VECTORS) matches the tsquery."""
    return Sql(f"{VECTORS[vector]} @@ {tsquery.sql}", tsquery.params)


def is_empty(tsquery):
    """True for the tsquery of stop words only. Of a constant, numnode() is computed while
    planning: the condition is gone from the plan, or the plan reads nothing."""
    return Sql(f"numnode({tsquery.sql}) = 0", tsquery.params)


def _union_of_tiers(count):
    """The rows of the tiers tier1…tierN, each tier read only when those before it found
    fewer rows than asked for (a parameter per comparison, returned with the SQL): the
    running totals are compared one by one, and AND stops at the first false, so a tier
    that is not needed is never read, not even counted."""
    counts = [f"(SELECT count(*) FROM tier{number})" for number in range(1, count + 1)]  # noqa: S608
    parts, gates = [], 0
    for number in range(1, count + 1):
        totals = [" + ".join(counts[:before]) for before in range(1, number)]
        condition = " AND ".join(f"{total} < %s" for total in totals)
        gates += len(totals)
        parts.append(
            f"SELECT id, tier, object_pk FROM tier{number}"  # noqa: S608 - names made here
            + (f" WHERE {condition}" if condition else "")
        )
    return " UNION ALL ".join(parts), gates


# ------------------------------------------------------------------ ranking


class TieredRanking:
    """Ranked primary keys of the best rows, without ranking every match (module's doc).

    A compiler using it gives the conditions of its tiers on the index's rows (`tiers()`,
    from a function that turns a query into its tsquery) and the vectors it ranks with
    upstream's expression (`rank_vectors()`)."""

    # A tier ranks at least this many rows, even for a short slice (suggestions ask for 8).
    MIN_RANKED = 100

    def search(self, config, start, stop, score_field=None, backend=None):
        # A typo that nothing in the index is near leaves no query: nothing matches.
        if self.query is None:
            return self.queryset.none()
        return super().search(config, start, stop, score_field=score_field, backend=backend)

    def build_tsquery_content(self, query, config=None, invert=False):
        if isinstance(query, Lexemes):
            lexemes = [Lexeme(lexeme, invert=invert) for lexeme in query.lexemes]
            combined = lexemes[0]
            for lexeme in lexemes[1:]:
                combined = combined & lexeme if invert else combined | lexeme
            return SearchQuery(combined, search_type="raw", config="simple")
        return super().build_tsquery_content(query, config=config, invert=invert)

    def applies(self, stop):
        """False when upstream's search() must answer: no end to the slice, an explicit
        order, named fields, a negation or a primary key that is not an integer."""
        return (
            stop is not None
            and self.order_by_relevance
            and self.fields is None
            and _positive(self.query)
            and integer_pk(self.queryset.model)
        )

    def ranked_ids(self, config, start, stop):
        """Primary keys of the slice in rank order, in one statement; None when upstream's
        search() must answer (applies())."""
        if self.query is None:
            return []
        if not self.applies(stop):
            return None
        connection = connections[self.queryset.db]
        try:
            sql, params = self.ranked_sql(connection, config, start, stop)
        except EmptyResultSet:  # a queryset that can hold nothing: filter(pk__in=[])
            return []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def ranked_sql(self, connection, config, start, stop):
        """The statement of ranked_ids() and its parameters.

        The ORM has no WITH … MATERIALIZED, which lets a tier that is not needed go unread:
        the statement is put together here from what the ORM compiles — the tsqueries, the
        queryset's filter, the rank, naming the index's table by its own name as the join
        does — and the tiers' conditions made of the tsqueries (Sql)."""
        qn = connection.ops.quote_name
        table = qn(IndexEntry._meta.db_table)
        query = IndexEntry._default_manager.all().query
        compiler = query.get_compiler(connection=connection)

        def compiled(expression):
            return Sql(*compiler.compile(expression.resolve_expression(query)))

        tsqueries = {}

        def tsquery(search_query):
            """A query's tsquery, compiled once for the statement."""
            key = (type(search_query), repr(search_query))
            if key not in tsqueries:
                tsqueries[key] = compiled(self.build_tsquery(search_query, config=config))
            return tsqueries[key]

        types = sorted(get_descendants_content_types_pks(self.queryset.model))
        # A query of stop words only matches nothing; said so, the planner reads nothing.
        matching = Sql(
            f"{qn('content_type_id')} IN ({', '.join(['%s'] * len(types))})", tuple(types)
        ) & ~is_empty(tsquery(self.query))
        # Cast in the select list, which is computed for the matching rows only: the ids of
        # other models need not be numbers.
        object_pk = compiled(Cast("object_id", BigIntegerField()))
        # The queryset's own filter (live, public, locale…), as a scalar subquery: a test
        # of each candidate, where an EXISTS may become a join that reads every allowed
        # object first.
        allowed = Sql(
            *self.queryset.order_by()
            .filter(pk=RawSQL("c.object_pk", (), BigIntegerField()))
            .values("pk")[:1]
            .query.get_compiler(connection=connection)
            .as_sql()
        )
        limit = CANDIDATE_FACTOR * max(stop, self.MIN_RANKED)
        ctes, params = [], []
        for number, condition in enumerate(self.tiers(tsquery), start=1):
            where = matching & condition
            # A tier keeps the first `limit` matches the queryset allows, in title_norm
            # order. The matches are read in that order (OFFSET 0 keeps the subquery apart,
            # and the LIMIT above it tells the planner how few rows it needs): through the
            # btree on title_norm for a common word, or sorted from the GIN indexes for a
            # rarer one; either way the queryset's filter runs on the rows read in order
            # only, until enough pass it.
            ctes.append(
                f"tier{number} AS MATERIALIZED (SELECT c.id, {number} AS tier, c.object_pk "  # noqa: S608 - compiled SQL, values are parameters
                f"FROM (SELECT {qn('id')}, {object_pk.sql} AS object_pk FROM {table} "
                f"WHERE {where.sql} ORDER BY {qn('title_norm')} DESC, {qn('id')} DESC OFFSET 0) "
                f"AS c WHERE ({allowed.sql}) IS NOT NULL LIMIT %s)"
            )
            params.extend((*object_pk.params, *where.params, *allowed.params, limit))
        union, gates = _union_of_tiers(len(ctes))
        rank_sql, rank_params = compiled(self._build_rank_expression(self.rank_vectors(), config))
        sql = (
            f"WITH {', '.join(ctes)} "  # noqa: S608 - compiled SQL, values are parameters
            f"SELECT c.object_pk FROM ({union}) AS c "
            f"JOIN {table} ON {table}.{qn('id')} = c.id "
            f"ORDER BY c.tier, {rank_sql} DESC, c.object_pk DESC LIMIT %s OFFSET %s"
        )
        params.extend([stop] * gates + [*rank_params, stop - start, start])
        return sql, params


class RussianPostgresSearchQueryCompiler(TieredRanking, PostgresSearchQueryCompiler):
    """Tiers: the own title holds every word; the own title matches the query; any other
    match (tiers()). Fuzzy queries become the index's own lexemes (prepare_fuzzy())."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        query = fold_query(self.query)
        self.query = self.prepare_fuzzy(query) if isinstance(query, Fuzzy) else query

    def prepare_fuzzy(self, query):
        """Each stem becomes the lexemes of the index within its edit distance; None when a
        stem (with the operator "and") or every stem (with "or") has none."""
        lexicon = index_lexemes(self.queryset.db)
        groups = []
        for term in analyse(query.query_string)[:MAX_TERMS]:
            limit = fuzziness(term)
            candidates = [
                word
                for length in range(len(term) - limit, len(term) + limit + 1)
                for word in lexicon.get(length, ())
            ]
            near = close_to(term, candidates)[:FUZZY_EXPANSIONS] if limit else []
            if not near and term in lexicon.get(len(term), ()):
                near = [term]
            if not near and query.operator == "and":
                return None
            groups.append(Lexemes(near) if near else None)
        return combine(And if query.operator == "and" else Or, groups)

    def rank_vectors(self):
        return [(F("title"), F("title_norm")), (F("body"), 1.0)]

    def necessary(self, query, tsquery):
        """A condition true for the rows that match the query, which the GIN indexes of the
        title and the body answer: each word (of an "and") is in the title or the body, or is
        a stop word. Without a phrase it is the match itself, but for a word found only by
        joining the end of the title to the start of the body."""
        if isinstance(query, PlainText) and query.operator == "or":
            any_word = tsquery(query)
            return matches("title", any_word) | matches("body", any_word)
        if isinstance(query, (PlainText, Phrase)):
            words = [tsquery(PlainText(term)) for term in _terms(query.query_string)]
            if not words:
                return Sql("FALSE")
            return reduce(
                operator.and_,
                (matches("title", word) | matches("body", word) | is_empty(word) for word in words),
            )
        glue = operator.and_ if isinstance(query, And) else operator.or_
        return reduce(glue, (self.necessary(sub, tsquery) for sub in query.subqueries))

    def tiers(self, tsquery):
        """Own title with every word of the query, own title matching the query, the rest.
        «библиотеки Никольского» asks for «Никольского», or better both words (search.query):
        titles holding both come first."""
        query = tsquery(self.query)
        in_title = matches("title", query)
        if _conjunctive(self.query):
            title_tiers = [in_title]
        else:
            every_word = matches("title", tsquery(_every_word(self.query)))
            title_tiers = [in_title & every_word, in_title & ~every_word]
        if _single_term(self.query):
            rest = ~in_title & matches("body", query)
        else:
            rest = ~in_title & self.necessary(self.query, tsquery)
            if _has_phrase(self.query):
                # The words side by side: the exact test, on the rows the indexes found. The
                # planner cannot tell how many rows pass it, so it is added only here.
                rest &= matches("document", query)
        return [*title_tiers, rest]


class RussianPostgresAutocompleteQueryCompiler(TieredRanking, PostgresAutocompleteQueryCompiler):
    """One tier: the autocomplete vector matches."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.query = fold_query(self.query)

    def rank_vectors(self):
        return [(F("autocomplete"), 1.0)]

    def tiers(self, tsquery):
        return [matches("autocomplete", tsquery(self.query))]


class RussianPostgresSearchResults(RankedIdsResultsMixin, PostgresSearchResults):
    """Ranked in one statement (RussianPostgresSearchQueryCompiler.ranked_ids)."""


class RussianPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = RussianPostgresSearchQueryCompiler
    autocomplete_query_compiler_class = RussianPostgresAutocompleteQueryCompiler
    index_class = RussianPostgresIndex
    results_class = RussianPostgresSearchResults
    rebuilder_class = RussianPostgresSearchRebuilder
    atomic_rebuilder_class = RussianPostgresSearchAtomicRebuilder
    is_database = True

    def __init__(self, params):
        params.setdefault("SEARCH_CONFIG", "russian")
        super().__init__(params)


SearchBackend = RussianPostgresSearchBackend

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

import time

from django.db import connections, router
from django.db.models import Exists, IntegerField, OuterRef, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.functional import cached_property
from modelsearch.backends.database.sqlite.query import BM25, MatchExpression, normalize
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
from modelsearch.index import AutocompleteField, Indexed, SearchField
from modelsearch.query import MATCH_ALL, And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from search.backends.indexing import (
    RankedIdsResultsMixin,
    combine,
    integer_pk,
    prefetch_related_search_fields,
)
from search.russian import analyse, close_to, fuzziness, words

FUZZY_EXPANSIONS = 12
# FTS5's query parser has a bounded stack: a query longer than this is cut.
MAX_TERMS = 32
# A ranking stage reads this many times the rows asked for before filtering them.
CANDIDATES_FACTOR = 2
# More matching rows than this are ranked titles first (see ranked_ids).
STAGED_FROM = 2000
# Staged, this many title matches are enough to show without ranking the rest.
TITLE_HITS_ENOUGH = 100
VOCABULARY_TABLE = "temp.tezki_fts_vocabulary"


class RussianObjectIndexer(ObjectIndexer):
    """Stems for title and body, folded words for autocomplete.

    The page's own title goes to the title column; titles reached through related fields
    (partner libraries, plan items) go to the body, so that an event does not rank as if it
    were named after every library taking part in it.
    """

    @cached_property
    def _prepared(self):
        # Once per object: upstream prepares every field again for each of the three columns,
        # which reads each related list (partner libraries, plan items) three times.
        return [
            (field, current_field, value)
            for field in self.search_fields
            for current_field, value in self.prepare_field(self.obj, field)
        ]

    def _texts(self, keep):
        for field, current_field, value in self._prepared:
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
        prefetch_related_search_fields(model, objs)
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


# The index's terms, for typo tolerance. Reading them scans the whole FTS vocabulary (0.8 s at
# 30,000 pages), so this process keeps them for VOCABULARY_SECONDS, and forgets them at once
# when it indexes or deletes something (forget_index_terms, connected in search.apps).
VOCABULARY_SECONDS = 60
_index_terms = {}


def index_terms():
    """The distinct stems of the title and body columns of the index."""
    now = time.monotonic()
    found = _index_terms.get("terms")
    if found is None or found[0] <= now:
        connection = connections[router.db_for_read(IndexEntry)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCABULARY_TABLE} "
                f"USING fts5vocab(main, '{SQLiteFTSIndexEntry._meta.db_table}', 'col')"
            )
            cursor.execute(
                f"SELECT DISTINCT term FROM {VOCABULARY_TABLE} "  # noqa: S608 - constant name
                "WHERE col != 'autocomplete'"
            )
            terms = [row[0] for row in cursor.fetchall()]
        found = _index_terms["terms"] = (now + VOCABULARY_SECONDS, terms)
    return found[1]


def entry_counts(connection, content_types):
    """(entries of these content types, all entries, their first and last row id) in the
    index, kept like index_terms."""
    key = ("counts", connection.alias, tuple(content_types))
    now = time.monotonic()
    found = _index_terms.get(key)
    if found is None or found[0] <= now:
        types = ", ".join(str(int(pk)) for pk in content_types) or "NULL"
        table = IndexEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT count(*) FROM {table}), count(*), min(id), max(id) "  # noqa: S608
                f"FROM {table} WHERE content_type_id IN ({types})"
            )
            total, own, first, last = cursor.fetchone()
        found = _index_terms[key] = (now + VOCABULARY_SECONDS, (own, total, first, last))
    return found[1]


def forget_index_terms(sender=None, **kwargs):
    """Signal receiver: an indexed object was saved or deleted, so its terms may be new."""
    if sender is None or issubclass(sender, Indexed):
        _index_terms.clear()


class RankedIds(list):
    """Primary keys in rank order; `more` is true when more objects matched than were ranked."""

    more = False


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
            return combine(type(query), [self.prepare(sub) for sub in query.subqueries])
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
            groups.append(combine(Or, [PlainText(candidate) for candidate in near]))
        return combine(And if query.operator == "and" else Or, groups)

    def vocabulary_near(self, term):
        limit = fuzziness(term)
        if not limit:
            return [term]
        low, high = len(term) - limit, len(term) + limit
        candidates = [word for word in index_terms() if low <= len(word) <= high]
        return close_to(term, candidates)

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        return WeightedBM25(self.COLUMN_WEIGHTS)

    def get_index_vectors(self):
        return [(None, 1.0)]

    def search(self, config, start, stop, score_field=None):
        if self.query is None:
            return self.queryset.none()
        return super().search(config, start, stop, score_field=score_field)

    def matches(self, config):
        """The FTS rows that match, of the queryset's model and its descendants, restricted to
        the queryset's objects; None when the query is not a plain ranked match (everything,
        a negation, or an explicit order), which upstream's search() handles."""
        if self.query is None:
            return SQLiteFTSIndexEntry.objects.none()
        query = normalize(self.query)
        if isinstance(query, (MatchAll, Not)) or not self.order_by_relevance:
            return None
        match = MatchExpression(
            self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config)
        )
        matches = SQLiteFTSIndexEntry.objects.filter(match).filter(
            index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model)
        )
        if integer_pk(self.queryset.model):
            # A primary-key lookup per matching row is cheaper than the list of every allowed
            # object (30,000 live pages) that an IN (subquery) builds and probes.
            allowed = self.queryset.order_by().filter(
                pk=Cast(OuterRef("index_entry__object_id"), IntegerField())
            )
            return matches.filter(Exists(allowed))
        allowed = (
            self.queryset.order_by()
            .annotate(_object_id=Cast("pk", TextField()))
            .values("_object_id")
        )
        return matches.filter(index_entry__object_id__in=allowed)

    def ranked_ids(self, config, start, stop):
        """Primary keys in rank order, best first; None when matches() is None.

        Upstream ranks with a correlated subquery that runs the MATCH again for every matching
        row, which grows with the square of the matches (seconds for a common word at 30,000
        pages). Here the FTS rows are ranked by one bm25() per matching row and cut to a few
        times the rows asked for before the queryset's filter (live, public, locale) is applied
        to them. When more than STAGED_FROM rows match, the ranking is staged: first the objects
        whose own title matches the whole query, then — only when the titles gave fewer than
        TITLE_HITS_ENOUGH — the others. A common word («библиотека» is in 84% of the benchmark's
        pages) then costs a ranking of the titles only, and a reader facing thousands of
        matches sees those that name the words in their title (RankedIds.more tells that
        more matched).
        """
        if self.query is None:
            return RankedIds()
        if isinstance(normalize(self.query), (MatchAll, Not)) or not self.order_by_relevance:
            return None
        if stop is None or not integer_pk(self.queryset.model):
            return self._ranked_ids_at_once(self.matches(config), start, stop)
        columns = list(self.fields or self.FTS_TABLE_FIELDS)
        query = self.build_search_query(normalize(self.query), config=config)
        stages = [columns]
        if "title" in columns and len(columns) > 1 and self._count(columns, query) > STAGED_FROM:
            connection = connections[router.db_for_read(self.queryset.model)]
            content_types = sorted(get_descendants_content_types_pks(self.queryset.model))
            own, total, _first, _last = entry_counts(connection, content_types)
            if own * 2 >= total:
                stages.insert(0, ["title"])
        found, seen, ranked_stages = [], set(), 0
        for stage_columns in stages:
            ranked_stages += 1
            for object_id in self._ranked_stage(stage_columns, query, stop + len(seen)):
                if object_id not in seen:
                    seen.add(object_id)
                    found.append(object_id)
            if len(found) >= min(stop, TITLE_HITS_ENOUGH):
                break
        pk = self.queryset.model._meta.pk
        ranked = RankedIds(pk.to_python(object_id) for object_id in found[start:stop])
        ranked.more = ranked_stages < len(stages)
        return ranked

    def _match_sql(self, columns, query):
        """(connection, SQL, params) of the FTS MATCH of `query` over `columns`."""
        connection = connections[router.db_for_read(self.queryset.model)]
        compiler = SQLiteFTSIndexEntry.objects.none().query.get_compiler(connection=connection)
        return connection, *MatchExpression(columns, query).as_sql(compiler, connection)

    def _count(self, columns, query):
        """How many index rows match (of every type): FTS5 counts without ranking. Kept like
        index_terms: pages and documents ask for the same count."""
        connection, match_sql, match_params = self._match_sql(columns, query)
        key = ("count", connection.alias, *match_params)
        now = time.monotonic()
        found = _index_terms.get(key)
        if found is None or found[0] <= now:
            if len(_index_terms) > 1000:
                _index_terms.clear()
            table = SQLiteFTSIndexEntry._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {table} WHERE {match_sql}", match_params)  # noqa: S608
                found = _index_terms[key] = (now + VOCABULARY_SECONDS, cursor.fetchone()[0])
        return found[1]

    def _ranked_stage(self, columns, query, wanted):
        """Object ids of one stage, best first. The FTS rows are ranked first (cheap) and only
        the best CANDIDATES_FACTOR × wanted of them are checked against the queryset; every
        matching row is read only when the check rejected too many of those.

        How the rows of the queryset's content types are picked depends on their share of the
        index (entry_counts): pages, most of it, are ranked alone and checked after; a type
        with few entries (documents) is joined before ranking. (Looking its entries up one by
        one is slower: bm25() reads the whole index's statistics again for each lookup.)"""
        connection, match_sql, match_params = self._match_sql(columns, query)
        content_types = sorted(get_descendants_content_types_pks(self.queryset.model))
        allowed = self.queryset.order_by().filter(pk=Cast(OuterRef("object_id"), IntegerField()))
        entry = IndexEntry.objects.filter(pk=RawSQL("ranked.entry_id", ())).filter(Exists(allowed))
        table = SQLiteFTSIndexEntry._meta.db_table
        entries = IndexEntry._meta.db_table
        weights = ", ".join(str(float(weight)) for weight in self.COLUMN_WEIGHTS)
        types = ", ".join(str(int(pk)) for pk in content_types) or "NULL"
        own, total, first, last = entry_counts(connection, content_types)
        if own * 2 < total:
            # A minority of the index (documents): joined to the entries before ranking, and
            # read only within the range of rows its entries were written to.
            source = f"{table} JOIN {entries} AS e ON e.id = {table}.rowid"
            where = (
                f"{match_sql} AND {table}.rowid BETWEEN {int(first or 0)} AND {int(last or 0)} "
                f"AND e.content_type_id IN ({types})"
            )
        else:
            # Ranked alone; the type is checked with the queryset's filter.
            source, where = table, match_sql
            entry = entry.filter(content_type__in=content_types)
        entry_sql, entry_params = (
            entry.values("object_id").query.get_compiler(connection=connection).as_sql()
        )
        sql = (
            f"SELECT ({entry_sql}) FROM ("  # noqa: S608 - compiled SQL, values are parameters
            f"SELECT {table}.rowid AS entry_id, bm25({table}, {weights}) AS score "
            f"FROM {source} WHERE {where} ORDER BY score, {table}.rowid DESC LIMIT %s) AS ranked "
            "ORDER BY ranked.score, ranked.entry_id DESC"
        )
        limit = CANDIDATES_FACTOR * wanted
        with connection.cursor() as cursor:
            cursor.execute(sql, (*entry_params, *match_params, limit))
            rows = [row[0] for row in cursor.fetchall()]
            allowed_ids = [object_id for object_id in rows if object_id is not None]
            if len(rows) == limit and len(allowed_ids) < wanted:
                cursor.execute(sql, (*entry_params, *match_params, -1))
                allowed_ids = [row[0] for row in cursor.fetchall() if row[0] is not None]
        return allowed_ids

    def _ranked_ids_at_once(self, matches, start, stop):
        pk = self.queryset.model._meta.pk
        tie = (
            Cast("index_entry__object_id", IntegerField())
            if integer_pk(self.queryset.model)
            else "index_entry__object_id"
        )
        ranked = (
            matches.annotate(score=WeightedBM25(self.COLUMN_WEIGHTS), tie=tie)
            .order_by("score", "-tie")
            .values_list("index_entry__object_id", flat=True)
        )
        return [pk.to_python(object_id) for object_id in ranked[start:stop]]


class RussianSQLiteAutocompleteQueryCompiler(
    RussianSQLiteSearchQueryCompiler, SQLiteAutocompleteQueryCompiler
):
    """Folded, unstemmed words; the last one is a prefix."""

    COLUMN_WEIGHTS = (1, 0, 0)

    def terms(self, text):
        return words(text)[:MAX_TERMS]


class RussianSQLiteSearchResults(RankedIdsResultsMixin, SQLiteSearchResults):
    def _do_count(self):
        compiler = self.query_compiler
        matches = compiler.matches(compiler.get_config(self.backend))
        if matches is None:
            return super()._do_count()
        count = matches.count() - self.start
        return max(0, count if self.stop is None else min(count, self.stop - self.start))


class RussianSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = RussianSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = RussianSQLiteAutocompleteQueryCompiler
    index_class = RussianSQLiteIndex
    results_class = RussianSQLiteSearchResults
    is_database = True


SearchBackend = RussianSQLiteSearchBackend

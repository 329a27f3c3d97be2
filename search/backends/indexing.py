"""What the hub's database backends share: how they index, the results of their ranking in one
statement, and two small helpers of that ranking."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import IntegerField, ManyToManyField, Prefetch, prefetch_related_objects
from modelsearch.index import RelatedFields


def _related_columns(relation, field):
    """The columns the related search field reads (and the key that links the rows back), or
    None when one of them is not a column: then the whole rows are read."""
    model = relation.related_model
    names = [model._meta.pk.attname]
    if relation.one_to_many:
        names.append(relation.field.attname)
    for related in field.fields:
        try:
            column = model._meta.get_field(related.field_name)
        except FieldDoesNotExist:
            return None
        if not column.concrete or column.is_relation:
            return None
        names.append(column.attname)
    return names


def prefetch_related_search_fields(model, objs):
    """Read the many-valued related search fields (partner libraries, …) of a batch of objects
    in one query each, and only the columns they index. modelsearch's get_indexed_objects()
    prefetches reverse relations but not ParentalManyToManyField, so indexing read them once
    per object, whole (a partner library is a page: dozens of columns)."""
    lookups = []
    for field in model.get_search_fields():
        if not isinstance(field, RelatedFields):
            continue
        try:
            relation = model._meta.get_field(field.field_name)
        except FieldDoesNotExist:
            continue
        if not (relation.many_to_many or relation.one_to_many):
            continue
        # Only Django's own relations take a custom queryset (taggit's tags do not).
        own = relation.one_to_many or isinstance(relation, ManyToManyField)
        columns = _related_columns(relation, field) if own else None
        if columns is None:
            lookups.append(field.field_name)
        else:
            queryset = relation.related_model._base_manager.only(*columns)
            lookups.append(Prefetch(field.field_name, queryset=queryset))
    if lookups and objs:
        prefetch_related_objects(list(objs), *lookups)


def combine(kind, parts):
    """kind(parts) (And or Or) of the parts that are not None; one part alone; None if none."""
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else kind(parts)


def integer_pk(model):
    """True when the model's primary key (or the parent link it is) is an integer."""
    pk = model._meta.pk
    pk = getattr(pk, "target_field", None) or pk
    return isinstance(pk, IntegerField)


class RankedIdsResultsMixin:
    """Results whose query compiler ranks in one statement (ranked_ids()): the primary keys
    of a slice without loading the objects, and the objects in one query by those keys. A
    slice the compiler leaves to upstream (None) is answered by upstream's search."""

    def _ranked_ids(self):
        if self._score_field is not None:
            return None
        compiler = self.query_compiler
        return compiler.ranked_ids(compiler.get_config(self.backend), self.start, self.stop)

    def pks(self):
        """The primary keys of this slice in rank order, without loading the objects."""
        ids = self._ranked_ids()
        if ids is None:
            return list(self.get_queryset().values_list("pk", flat=True))
        return ids

    def _do_search(self):
        ids = self._ranked_ids()
        if ids is None:
            return super()._do_search()
        objects = self.query_compiler.queryset.in_bulk(ids)
        return [objects[pk] for pk in ids if pk in objects]

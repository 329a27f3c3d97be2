"""What the hub's database backends share when they index."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ManyToManyField, Prefetch, prefetch_related_objects
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

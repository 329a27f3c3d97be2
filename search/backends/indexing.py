"""What the hub's database backends share when they index."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import prefetch_related_objects
from modelsearch.index import RelatedFields


def prefetch_related_search_fields(model, objs):
    """Read the many-valued related search fields (partner libraries, …) of a batch of objects
    in one query each. modelsearch's get_indexed_objects() prefetches reverse relations but
    not ParentalManyToManyField, so indexing read them once per object."""
    names = []
    for field in model.get_search_fields():
        if not isinstance(field, RelatedFields):
            continue
        try:
            relation = model._meta.get_field(field.field_name)
        except FieldDoesNotExist:
            continue
        if relation.many_to_many or relation.one_to_many:
            names.append(field.field_name)
    if names and objs:
        prefetch_related_objects(list(objs), *names)

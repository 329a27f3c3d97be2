from wagtail.snippets.models import register_snippet

from .viewsets import ReferenceDataViewSetGroup

register_snippet(ReferenceDataViewSetGroup)

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# What the site has loaded lives as long as the process: frozen, the garbage collector's full
# passes skip it (about 90 ms each, one per hundred searches or so, down to under 10), and a
# pre-forking server's workers share it instead of copying it.
gc.freeze()

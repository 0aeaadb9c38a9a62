import os

from django.core.wsgi import get_wsgi_application

from factcheck.startup import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.base")
application = get_wsgi_application()
require_secret_key()

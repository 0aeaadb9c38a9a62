import os

from django.core.asgi import get_asgi_application

from factcheck.startup import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.base")
application = get_asgi_application()
require_secret_key()

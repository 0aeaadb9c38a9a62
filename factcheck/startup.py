from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """The web server and workers never run on an empty or development key in production."""
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")

"""Uploads are judged before they are read: type by name, size as the bytes arrive.

A request larger than FACTCHECK_MAX_REQUEST_BYTES is refused from its Content-Length
alone (413). A file of a refused type, or one that grows past the limit, is skipped chunk
by chunk without being kept, and the reason reaches the form through request.upload_errors.
"""

from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.utils.translation import gettext as _

from claims.services.ingestion import ARTICLE_SUFFIXES, BULK_SUFFIXES
from claims.services.matching import LIBRARY_SUFFIXES, MAX_LIBRARY_BYTES


class LimitedUploadHandler(FileUploadHandler):
    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.received = 0
        suffix = PurePath(file_name or "").suffix.lower()
        if suffix not in {*ARTICLE_SUFFIXES, *BULK_SUFFIXES, *LIBRARY_SUFFIXES}:
            self._refuse(
                _(
                    "Files of type “%(suffix)s” are not supported. Upload an article as .txt, .md or .html "
                    "(or paste the text), several as .jsonl or .csv, published fact-checks as .json."
                )
                % {"suffix": suffix or file_name}
            )
        if suffix in LIBRARY_SUFFIXES and suffix not in BULK_SUFFIXES:
            self.limit = MAX_LIBRARY_BYTES
        else:
            self.limit = settings.FACTCHECK_MAX_ARTICLE_BYTES * (50 if suffix in BULK_SUFFIXES else 1)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse(_("The file is larger than %(size)s bytes.") % {"size": f"{self.limit:,}"})
        return raw_data  # the next handler (memory or temporary file) keeps it

    def file_complete(self, file_size):
        return None

    def _refuse(self, message: str):
        errors = getattr(self.request, "upload_errors", [])
        errors.append(message)
        self.request.upload_errors = errors
        raise SkipFile(message)


class RequestSizeLimitMiddleware:
    """413 for a request whose declared size exceeds the cap, before its body is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.FACTCHECK_MAX_REQUEST_BYTES:
            return HttpResponse(_("The request is too large."), status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

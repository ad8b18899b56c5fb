"""Where signed documents live: outside the static and media roots, never served by the web server.

Files are read only through views that check the user's scope and audit the download. The location is
read from settings on every use, so tests (and deployments) can point it elsewhere.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Private files have no URL; serve them through a view that checks scope.")


private_storage = PrivateStorage()

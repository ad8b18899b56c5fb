"""The API reads JSON bodies only. Their size is Django's to bound (DRF parses `request.body`, which refuses
more than DATA_UPLOAD_MAX_MEMORY_SIZE: a 413 problem, api.problems); a body nested too deep for Python's
parser is a 400 like any other body that is not JSON, never a fault."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The body is nested too deep to read.")) from None

"""Checks on uploaded agreement documents: a real PDF (by content, not by name) and not too large."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"


def validate_pdf(upload) -> None:
    limit_mb = settings.AGREEMENT_DOCUMENT_MAX_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("The file is larger than %(limit)s MB. Scan at a lower resolution or split it.")
            % {"limit": limit_mb},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("This file is not a PDF. Upload the signed document as a PDF."), code="not_pdf"
        )
    try:
        # The header alone is easy to fake: a PDF reader must also find at least one page in it.
        pages = len(PdfReader(upload).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        logger.info("Rejected an upload that is not a readable PDF: %s", exc)
        pages = 0
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(
            _("This PDF cannot be read (it may be damaged). Upload the signed document again."),
            code="unreadable_pdf",
        )

"""Both languages are complete: every source string has an Indonesian translation."""

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES" / "django.po"


def test_indonesian_catalogue_is_complete_and_has_no_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))
    assert len(catalogue) > 200
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries() if not entry.obsolete] == []


def test_placeholders_survive_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue.translated_entries():
        if "%(" in entry.msgid:
            for placeholder in {part.split(")")[0] for part in entry.msgid.split("%(")[1:]}:
                translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
                for text in translations:
                    assert f"%({placeholder})" in text, entry.msgid

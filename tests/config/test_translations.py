"""Both languages are complete: every source string has an Indonesian translation."""

import re
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES" / "django.po"


def test_indonesian_catalogue_is_complete_and_has_no_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))
    assert len(catalogue) > 200
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries() if not entry.obsolete] == []


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")  # gettext's %(name)s and format_lazy's {name}


def test_placeholders_survive_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue.translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) == expected, entry.msgid


def test_no_source_string_holds_a_percent_sign_outside_a_placeholder():
    """A bare "%" ("% on time") reads to xgettext as a printf directive ("% o"): the next makemessages marks
    the entry python-format and, its translation not matching, fuzzy, and the English shows through. A filter
    inside {% blocktranslate %} ("%(counter|intcomma)s") renders as nothing in the untranslated language."""
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue:
        for text in (entry.msgid, entry.msgid_plural):
            assert "%" not in PLACEHOLDER.sub("", text.replace("%%", "")), text

"""Name search that tolerates small spelling differences, on PostgreSQL (pg_trgm).

`full_name__upper__word_similar="ZAENAL"` is `'ZAENAL' <% UPPER(full_name)`: some run of words in the name
shares enough trigrams with the word ("ZAINAL": 4 shared of the 10 in either), at the threshold
`pg_trgm.word_similarity_threshold` set on every connection (config/settings.py). The trigram GIN indexes on
UPPER(name) (migration inmates 0006) serve it. Registered on text columns when the app loads; only the WBP
search uses it, and only on PostgreSQL (SQLite searches by plain "contains").
"""

from __future__ import annotations

from django.db.models import CharField, Lookup, TextField
from django.db.models.functions import Upper


class WordSimilar(Lookup):
    lookup_name = "word_similar"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{rhs} <%% {lhs}", [*rhs_params, *lhs_params]


def register() -> None:
    for field in (CharField, TextField):
        field.register_lookup(Upper)
        field.register_lookup(WordSimilar)

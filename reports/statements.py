"""Statements written by hand around the ORM's own SQL: the ORM builds each piece (its joins, its
database's JSON and date functions), and the statement joins the pieces as common table expressions, so one
statement runs where the ORM would have sent several and the rows to Python between them."""


def numbered(prefix: str, params) -> dict:
    return {f"{prefix}{n}": value for n, value in enumerate(params)}


def named_placeholders(sql: str, prefix: str, params, named: dict) -> str:
    """`sql` (the ORM's, with %s placeholders) with its placeholders named {prefix}0, {prefix}1, …, so that it
    can sit in a statement whose other parameters are named and used more than once."""
    if set(numbered(prefix, params)) & set(named):
        raise ValueError(f"parameter names starting {prefix!r} are taken")
    parts = sql.replace("%%", "\0").split("%s")
    if len(parts) != len(params) + 1:
        raise ValueError("the SQL's placeholders and its parameters differ in number")
    named_sql = parts[0] + "".join(f"%({prefix}{n})s{part}" for n, part in enumerate(parts[1:]))
    return named_sql.replace("\0", "%%")

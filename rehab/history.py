"""Writing the history a month's figures read back: each state of a session (SessionChange) and of each
person on its roster (AttendanceMark), appended by the services as they change them, never edited."""

from __future__ import annotations

from collections.abc import Iterable

from rehab.models import AttendanceMark, Session, SessionChange


def sessions_changed(sessions: Iterable[Session], *, kind: str, by, reason: str = "") -> None:
    """Record the sessions as they now stand."""
    SessionChange.objects.bulk_create(
        SessionChange(
            session=session,
            kind=kind,
            status=session.status,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            by=by,
            reason=reason,
        )
        for session in sessions
    )


def marks_added(rows: Iterable[tuple[int, int, str]], *, by) -> None:
    """Record (session id, enrolment id, status) for each person put on, marked on or taken off a roster."""
    AttendanceMark.objects.bulk_create(
        AttendanceMark(session_id=session_id, enrolment_id=enrolment_id, status=status, by=by)
        for session_id, enrolment_id, status in rows
    )

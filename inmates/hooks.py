"""What other apps do when a person's custody changes (transfer, release), without inmates importing them.

Apps above inmates (rehab, later after-care) register a handler in their AppConfig.ready. The custody
services call every handler inside their own transaction, so the consequences are saved with the movement
or not at all, and pass on what each handler reports so the user is told what happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

CustodyHandler = Callable[..., list[str]]

_handlers: list[CustodyHandler] = []


def on_custody_change(handler: CustodyHandler) -> CustodyHandler:
    """Register `handler(*, admission, change, on, by)`; `change` is "admission", "transfer",
    "release", or "admission_cancelled" (an admission registered by mistake, about to be removed)."""
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def custody_changed(*, admission, change: str, on: dt.date, by) -> list[str]:
    notices: list[str] = []
    for handler in _handlers:
        notices.extend(handler(admission=admission, change=change, on=on, by=by))
    return notices

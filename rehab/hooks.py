"""Custody changes close the person's open enrolments, open after-care at release and call it off on a return
to custody (registered with inmates.hooks)."""

from inmates import hooks
from rehab import aftercare
from rehab.services import close_for_custody_change

hooks.on_custody_change(close_for_custody_change)
hooks.on_custody_change(aftercare.on_custody_change)

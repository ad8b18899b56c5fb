"""Custody changes close the person's open enrolments (registered with inmates.hooks)."""

from inmates import hooks
from rehab.services import close_for_custody_change

hooks.on_custody_change(close_for_custody_change)

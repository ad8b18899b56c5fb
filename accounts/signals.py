"""What accounts tells the layers above it."""

from django.dispatch import Signal

# A user's password was set anew (changed, reset, or set by an administrator), after the save: keyword
# `user`. Keys that stood in for the old password (personal API tokens) end with it.
password_set = Signal()

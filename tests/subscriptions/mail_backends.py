"""A mail server that refuses the first N emails (as smtplib does: SMTPException), then takes them."""

import smtplib

from django.core.mail.backends import locmem


class FlakyBackend(locmem.EmailBackend):
    refusals = 0  # how many more sends fail; set by the test

    def send_messages(self, messages):
        if FlakyBackend.refusals > 0:
            FlakyBackend.refusals -= 1
            raise smtplib.SMTPException("451 4.3.0 Mail server temporarily rejected message")
        return super().send_messages(messages)

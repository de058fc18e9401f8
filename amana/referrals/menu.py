"""The staff menu entries of referrals, kept here so that their words live in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

NGO_TITLE = _("Referrals")
NGO_DESCRIPTION = _("Referrals of your cases: answers, questions from partners, dates and outcomes.")
PORTAL_TITLE = _("Referrals received")
PORTAL_DESCRIPTION = _("Cases referred to your organisation: accept or decline, record what you did, ask the NGO.")

"""The six GBVIMS core incident types, and how a case's plain columns map to them.

The GBVIMS Classification Tool gives each incident one type, the first that applies in this order:
rape, sexual assault, physical assault, forced marriage, denial of resources, opportunities or
services, psychological/emotional abuse. Technology-facilitated violence is not a seventh type but
a context flag on one of the six.

What a case records (the plain columns ``demands`` and ``published``) maps as follows:

- ``published == "yes"``: intimate images or information were shared without her consent. This is
  image-based sexual abuse, counted as **sexual assault** (non-contact sexual violence).
- anything else (threats to publish, demands for money, sexual favours or more images): threats,
  coercion and intimidation are **psychological/emotional abuse**. A demand for sexual favours is a
  threat, not a completed act, and money demanded from her is extortion, not the denial of her own
  resources.
- rape, physical assault, forced marriage and denial of resources are never inferred from these
  columns: no plain column records them, so they are always counted as zero here.

The technology-facilitated context is a fact to be recorded about the incident, not something to
be assumed from the platform she named: the caseworker answers it at intake (the case's plain
column ``technology_facilitated``: yes, no, or not recorded until she does). The four types never
inferred are structural zeros: shown as 0 (they cannot occur in what amana records), never hidden,
and never a reason to hide another figure.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.cases.models import Published, TechnologyFacilitated


class IncidentType(models.TextChoices):
    RAPE = "rape", _("Rape")
    SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
    PHYSICAL_ASSAULT = "physical_assault", _("Physical assault")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    DENIAL = "denial", _("Denial of resources, opportunities or services")
    PSYCHOLOGICAL = "psychological", _("Psychological or emotional abuse")


def incident_type(*, demands: list[str], published: str) -> IncidentType:
    """The GBVIMS type of one case from its plain columns (see the module docstring)."""
    if published == Published.YES:
        return IncidentType.SEXUAL_ASSAULT
    return IncidentType.PSYCHOLOGICAL


def incident_type_q(kind: str) -> models.Q:
    """The cases of one type, as the database selects them: the same mapping as ``incident_type``."""
    if kind == IncidentType.SEXUAL_ASSAULT:
        return models.Q(published=Published.YES)
    if kind == IncidentType.PSYCHOLOGICAL:
        return ~models.Q(published=Published.YES)
    # No plain column records these: never inferred (see the module docstring).
    return models.Q(pk__in=[])


class TechnologyContext(models.TextChoices):
    YES = TechnologyFacilitated.YES.value, _("Technology-facilitated")
    NO = TechnologyFacilitated.NO.value, _("Not technology-facilitated")
    NOT_RECORDED = TechnologyFacilitated.NOT_RECORDED.value, _("Technology-facilitated context not recorded")


# Types no plain column records: always zero (see the module docstring).
STRUCTURAL_TYPES = frozenset(
    {IncidentType.RAPE, IncidentType.PHYSICAL_ASSAULT, IncidentType.FORCED_MARRIAGE, IncidentType.DENIAL}
)

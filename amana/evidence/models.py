"""Evidence of a case with its chain of custody, imported chat timelines, and repeat-extortionist alerts.

Each ``cases.EvidenceFile`` (the sealed bytes) gets an :class:`EvidenceItem` with the SHA-256 of its
content (sealed), who received it, when and through which channel, and a :class:`CustodyEvent` for every
time it is viewed, downloaded or exported. Nothing here holds content in plain columns: file
names, chat timelines and identifiers are sealed in the case's lockers or kept as blind indexes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation, User
from amana.cases.models import Case, EvidenceFile


class EvidenceKind(models.TextChoices):
    IMAGE = "image", _("Picture or screenshot")
    PDF = "pdf", _("PDF document")
    AUDIO = "audio", _("Voice note or audio")
    VIDEO = "video", _("Video")
    CHAT = "chat", _("Chat export")
    TRANSCRIPT = "transcript", _("Pseudonymised chat transcript")
    OTHER = "other", _("Other file")


class IntakeChannel(models.TextChoices):
    SURVIVOR_SITE = "survivor_site", _("Sent by her through the reporting site")
    INTAKE = "intake", _("Recorded by staff with the report")
    STAFF_UPLOAD = "staff_upload", _("Added by staff to the case")
    CHAT_IMPORT = "chat_import", _("From an imported chat export")
    DERIVED = "derived", _("Made by amana from an imported chat, her names and numbers replaced")


class HashTaken(models.TextChoices):
    AT_INTAKE = "at_intake", _("While the file was received")
    FROM_SEALED = "from_sealed", _("From the sealed file, when it was first listed")


class EvidenceItem(models.Model):
    """What the chain of custody says about one sealed evidence file."""

    file = models.OneToOneField(EvidenceFile, on_delete=models.CASCADE, related_name="item")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence_items")
    # The SHA-256 of the file (hex), sealed in the case's evidence locker: in plain it would let anyone
    # holding a copy of the database confirm that a picture they have is in a case.
    sha256_sealed = models.BinaryField(default=b"")
    hash_taken = models.CharField(max_length=12, choices=HashTaken.choices)
    kind = models.CharField(_("type"), max_length=12, choices=EvidenceKind.choices)
    intake_channel = models.CharField(_("received through"), max_length=16, choices=IntakeChannel.choices)
    received_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("received by")
    )
    received_at = models.DateTimeField(_("received"))
    chat = models.ForeignKey(
        "ChatTimeline", on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    # Staff marked it as a picture that may be intimate: sharing it asks for an explicit confirmation.
    may_be_intimate = models.BooleanField(_("may be intimate"), default=False)

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["case", "received_at"])]

    def __str__(self) -> str:
        return f"evidence item {self.pk}"


class CustodyAction(models.TextChoices):
    RECEIVED = "received", _("Received and sealed")
    VIEWED = "viewed", _("Viewed")
    DOWNLOADED = "downloaded", _("Downloaded")
    EXPORTED = "exported", _("Exported in an evidence package")


class CustodyEvent(models.Model):
    """One link of the chain of custody: who did what with the file, and when."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="custody")
    action = models.CharField(max_length=12, choices=CustodyAction.choices)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Kept as text too, so the log still says who after an account is removed.
    by_label = models.CharField(max_length=150, blank=True)
    # The role they acted in, as it was then: a package names the role, not the person.
    by_role = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    package = models.ForeignKey("EvidencePackage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["item", "at"])]

    def __str__(self) -> str:
        return f"custody {self.pk}"


class ChatTimeline(models.Model):
    """An imported chat export, sealed in the evidence locker.

    ``timeline_sealed`` holds what the page shows above the messages (source, chat name, problems,
    proposed identifiers); the messages are sealed in :class:`ChatTimelinePage` rows, a page each,
    so that reading one page opens only that page. Timelines imported before pages existed hold
    their messages in ``timeline_sealed`` too (``page_count`` 0).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="chat_timelines")
    source = models.CharField(max_length=10)  # "whatsapp" or "telegram"
    export = models.OneToOneField(EvidenceItem, on_delete=models.PROTECT, related_name="+")
    timeline_sealed = models.BinaryField()
    message_count = models.PositiveIntegerField(default=0)
    attachment_count = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    imported_at = models.DateTimeField()
    identifiers_reviewed_at = models.DateTimeField(null=True, blank=True)
    page_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"chat timeline {self.pk}"


class ChatTimelinePage(models.Model):
    """One page of a timeline's messages, sealed: a JSON list of messages, each with ``line``, ``at``
    (ISO time), ``sender``, ``text``, ``attachments`` (file names), ``media_omitted`` and ``notice``.
    """

    timeline = models.ForeignKey(ChatTimeline, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()  # from 0
    sealed = models.BinaryField()

    class Meta:
        ordering = ["timeline", "number"]
        constraints = [models.UniqueConstraint(fields=["timeline", "number"], name="one_page_per_number")]

    def __str__(self) -> str:
        return f"chat timeline {self.timeline_id} page {self.number}"


class EvidencePackage(models.Model):
    """A package made for the authorities: which compartments it held and the hash of its manifest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence_packages")
    # The referral it was made for: the package then holds only what that referral shares and
    # carries the referral's pseudonymous reference, never the case's.
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    compartments = models.JSONField(default=list)
    manifest_sha256 = models.CharField(max_length=64)
    signing_key = models.ForeignKey(
        "vault.SigningKey", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_count = models.PositiveIntegerField(default=0)
    made_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"evidence package {self.pk}"


class EvidenceShare(models.Model):
    """The files one referral shares, sealed again in a locker of their own.

    The locker is held by the NGO and the receiving organisation only; the case's evidence locker is
    never granted to a partner. Its key is the partner's key to exactly the chosen files: when the
    referral's access ends the locker is shredded and the copies are removed.
    """

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="evidence_share")
    locker = models.OneToOneField("vault.Locker", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"evidence share {self.pk}"


class SharedFile(models.Model):
    """One evidence file as a referral shares it: a copy sealed in the share's locker."""

    share = models.ForeignKey(EvidenceShare, on_delete=models.CASCADE, related_name="files")
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="shares")
    stored_name = models.CharField(max_length=200, unique=True)
    # Name and content type, sealed in the share's locker.
    details_sealed = models.BinaryField()
    size = models.PositiveBigIntegerField()
    shared_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    shared_at = models.DateTimeField()

    class Meta:
        ordering = ["shared_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["share", "item"], name="one_copy_per_share_item")]

    def __str__(self) -> str:
        return f"shared file {self.pk}"


class MatchAlertQuerySet(models.QuerySet["MatchAlert"]):
    def unread(self) -> MatchAlertQuerySet:
        return self.filter(read_at__isnull=True)


class MatchAlert(models.Model):
    """Tells a supervisor that one of her organisation's cases shares an identifier with another case.

    One alert per pair of cases (whatever number of identifiers they share), about the case her
    organisation holds. The other case is kept to tell pairs apart; it is shown (and linked) only
    when her organisation holds it too. Which kinds of identifier match is read from the blind
    indexes when the alert is shown; nothing else about the other case is kept here or shown.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="match_alerts")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="match_alerts")
    other_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    objects = MatchAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "case", "other_case"], name="one_match_alert_per_pair")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"match alert {self.pk}"


class PerpetratorIndex(models.Model):
    """A keyed blind index of one perpetrator identifier named in a case; never the identifier itself.

    ``blind_index`` is ``vault.blind_index(kind, value)`` of the normalised identifier, so two cases
    naming the same number or account share it whichever way it was written.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="identifier_indexes", related_query_name="identifier_index"
    )
    kind = models.CharField(max_length=16)
    blind_index = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "blind_index"], name="one_identifier_index_per_case")]
        indexes = [models.Index(fields=["blind_index", "case"])]

    def __str__(self) -> str:
        return f"identifier index {self.pk}"

"""Evidence shared with a partner file by file: only the chosen files, under the referral's own key;
chats as pseudonymised transcripts; possibly intimate pictures only with a confirmation; a page per
file that says what it is and how to handle it; packages that hold only the chosen files."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from amana.cases.models import Audience, Scope
from amana.cases.services import set_consents
from amana.evidence import services, transcript
from amana.evidence.models import ChatTimeline, EvidenceItem, EvidenceKind, SharedFile
from amana.evidence.sample_exports import (
    BAGHDAD,
    EXTORTIONIST_NUMBER,
    SURVIVOR,
    Layout,
    SampleMessage,
    whatsapp_text,
)
from amana.referrals import services as referrals
from amana.referrals.handling import handling_of
from amana.referrals.models import Pathway
from amana.referrals.services import ReferralRefused
from amana.referrals.tests.conftest import refer
from amana.vault import services as vault
from amana.vault.services import NoKey

from .conftest import PNG, assigned_case, grant, keyring_of

pytestmark = pytest.mark.django_db

# Her number as the channel's fixture records it, written as the extortionist types it.
HER_NUMBER_PLAIN = "0750 000 0000"
HER_NUMBER_TYPED = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in HER_NUMBER_PLAIN)


def _png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + name.encode(), content_type="image/png")


def _add(case: Any, personas: Any, *names: str, may_be_intimate: bool = False) -> list[EvidenceItem]:
    uploads = [_png(name) for name in names]
    return services.add_files(case=case, uploads=uploads, by=personas.caseworker, may_be_intimate=may_be_intimate)


def _chat() -> bytes:
    start = datetime(2023, 3, 17, 9, 5, tzinfo=BAGHDAD)
    messages = [
        SampleMessage(EXTORTIONIST_NUMBER, start, "Noor, I have your photos (example)."),
        SampleMessage(SURVIVOR, start + timedelta(minutes=3), "Leave me alone (example)."),
        SampleMessage(
            EXTORTIONIST_NUMBER,
            start + timedelta(minutes=9),
            f"I will send them to {HER_NUMBER_TYPED} and to your family. Call me on 0750 987 6543 (example).",
        ),
        SampleMessage(SURVIVOR, start + timedelta(minutes=12), f"My number is {HER_NUMBER_PLAIN}, stop (example)."),
    ]
    return whatsapp_text(messages, Layout(language="ar"))


def _import(case: Any, personas: Any) -> ChatTimeline:
    return services.import_chat(
        case=case,
        upload=SimpleUploadedFile("WhatsApp Chat.txt", _chat()),
        by=personas.caseworker,
        export_name="WhatsApp Chat.txt",
        keyring=keyring_of(personas.caseworker),
    )


def _downloaded(client: Any, referral: Any, shared: SharedFile) -> bytes:
    url = f"/staff/referrals/received/{referral.reference}/files/{shared.pk}/download/"
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _stored(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "vault" / name[:2] / name


# Files one by one -------------------------------------------------------------------------------


def test_the_partner_receives_only_the_chosen_file_under_a_key_of_its_own(personas, case, login) -> None:
    chosen, other = _add(case, personas, "threat.png", "family.png")
    referral = refer(personas, case, files=[f"file:{chosen.pk}"])
    (shared,) = SharedFile.objects.filter(share__referral=referral)
    assert shared.item == chosen
    police = login(personas.liaison)
    page = police.get(f"/staff/referrals/received/{referral.reference}/").content.decode()
    assert "threat.png" in page and "family.png" not in page
    assert _downloaded(police, referral, shared) == PNG + b"threat.png"
    # The police hold no key to the case's evidence: the other file cannot be opened with theirs.
    with pytest.raises(NoKey):
        b"".join(vault.open_file(case.evidence_locker, other.file.stored_name, keyring=keyring_of(personas.liaison)))
    assert personas.police.pk not in vault.holder_organisation_ids(case.evidence_locker)


def test_when_the_referral_ends_the_copies_and_their_key_are_gone(
    personas, case, login, django_capture_on_commit_callbacks
) -> None:
    (chosen,) = _add(case, personas, "threat.png")
    referral = refer(personas, case, files=[f"file:{chosen.pk}"])
    shared = SharedFile.objects.get(share__referral=referral)
    with django_capture_on_commit_callbacks(execute=True):
        referrals.withdraw(referral=referral, by=personas.caseworker)
    referral.evidence_share.refresh_from_db()
    assert referral.evidence_share.locker.shredded_at is not None
    assert not _stored(shared.stored_name).exists()
    response = login(personas.liaison).get(f"/staff/referrals/received/{referral.reference}/files/{shared.pk}/")
    assert response.status_code == 404
    # The case keeps its own file.
    assert _stored(chosen.file.stored_name).exists()


def test_staff_change_which_files_an_open_referral_shares(
    personas, case, login, django_capture_on_commit_callbacks
) -> None:
    first, second = _add(case, personas, "threat.png", "account.png")
    referral = refer(personas, case, files=[f"file:{first.pk}"])
    old = SharedFile.objects.get(share__referral=referral)
    client = login(personas.caseworker)
    page = client.get(f"/staff/referrals/{referral.reference}/")
    shown = page.context["files_form"]["shown"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/referrals/{referral.reference}/files/", {"files": [f"file:{second.pk}"], "shown": shown}
        )
    assert response.status_code == 302
    assert [file.item for file in SharedFile.objects.filter(share__referral=referral)] == [second]
    assert not _stored(old.stored_name).exists()
    police_page = login(personas.liaison).get(f"/staff/referrals/received/{referral.reference}/").content.decode()
    assert "account.png" in police_page and "threat.png" not in police_page


def test_a_file_of_another_case_or_a_stale_form_is_refused_with_a_message(personas, case, login) -> None:
    (mine,) = _add(case, personas, "threat.png")
    other_case, _code = assigned_case(personas)
    (theirs,) = _add(other_case, personas, "elsewhere.png")
    with pytest.raises(ReferralRefused):
        refer(personas, case, files=[f"file:{theirs.pk}"])
    client = login(personas.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/staff/referrals/new/{case.reference}/"
    shown = client.get(url).context["form"]["shown"].value()
    data = {
        "pathway": Pathway.LIAISON,
        "service": _police_service(personas).pk,
        "compartments": ["incident", "evidence"],
        "purpose": "Find him (example).",
        "consent_given": "verbal",
        "consent_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    foreign = client.post(url, {**data, "files": [f"file:{theirs.pk}"], "shown": shown})
    assert foreign.status_code == 400
    assert "choose again from the list" in foreign.content.decode()
    # A form shown before a file was added is noticed, and nothing is sent.
    _add(case, personas, "later.png")
    stale = client.post(url, {**data, "files": [f"file:{mine.pk}"], "shown": shown})
    assert stale.status_code == 400
    assert "changed since this page was shown" in stale.content.decode()
    assert not case.referrals.exists()


def test_a_partner_cannot_change_the_files_and_an_ended_referral_refuses_its_old_form(personas, case, login) -> None:
    (chosen,) = _add(case, personas, "threat.png")
    referral = refer(personas, case, files=[f"file:{chosen.pk}"])
    url = f"/staff/referrals/{referral.reference}/files/"
    assert login(personas.liaison).post(url, {"files": []}).status_code == 403
    client = login(personas.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    shown = client.get(f"/staff/referrals/{referral.reference}/").context["files_form"]["shown"].value()
    referrals.withdraw(referral=referral, by=personas.caseworker)
    response = client.post(url, {"files": [f"file:{chosen.pk}"], "shown": shown}, follow=True)
    assert response.status_code == 200
    assert "This referral has ended" in response.content.decode()
    assert not SharedFile.objects.filter(share__referral=referral, share__ended_at__isnull=True).exists()


def _police_service(personas: Any) -> Any:
    from amana.directory.models import Service, ServiceKind

    return Service.objects.get_or_create(
        name="Police unit (example)", kind=ServiceKind.POLICE, organisation=personas.police
    )[0]


# Chats as pseudonymised transcripts -----------------------------------------------------------


def test_a_chat_is_shared_only_once_her_side_is_known(personas, case) -> None:
    timeline = _import(case, personas)
    with translation.override("en"), pytest.raises(ReferralRefused, match="which sender is her"):
        refer(personas, case, files=[f"transcript:{timeline.pk}"])
    assert not case.referrals.exists()


def test_the_transcript_replaces_her_names_and_numbers_and_keeps_his(personas, case, login) -> None:
    timeline = _import(case, personas)
    client = login(personas.caseworker)
    response = client.post(f"/staff/evidence/{case.reference}/chats/{timeline.pk}/her-side/", {"senders": [SURVIVOR]})
    assert response.status_code == 302
    referral = refer(personas, case, files=[f"transcript:{timeline.pk}"])
    shared = SharedFile.objects.get(share__referral=referral)
    assert shared.item.kind == EvidenceKind.TRANSCRIPT
    text = _downloaded(login(personas.liaison), referral, shared).decode()
    for hers in ("Noor", HER_NUMBER_TYPED, HER_NUMBER_PLAIN, "750 000", HER_NUMBER_TYPED[-8:]):
        assert hers not in text
    with translation.override("ar"):
        label = gettext("the survivor")
    # Her four mentions (two as sender, her name, her number twice) and his identifiers as he wrote them.
    assert text.count(label) >= 5
    assert "+964 770 123 4567" in text and "0750 987 6543" in text
    assert "Leave me alone (example)." in text


def test_the_transcript_is_sealed_as_evidence_with_its_own_custody(personas, case) -> None:
    timeline = _import(case, personas)
    transcript.set_her_side(
        timeline=timeline, senders=[SURVIVOR], keyring=keyring_of(personas.caseworker), by=personas.caseworker
    )
    item = transcript.make_transcript(
        timeline=timeline, keyring=keyring_of(personas.caseworker), by=personas.caseworker
    )
    plain = b"".join(
        vault.open_file(case.evidence_locker, item.file.stored_name, keyring=keyring_of(personas.caseworker))
    )
    assert b"Noor" not in plain
    assert item.custody.filter(action="received").exists()
    # Saying her side again makes a new transcript; the first stays in the chain of custody.
    transcript.set_her_side(
        timeline=timeline, senders=[SURVIVOR], keyring=keyring_of(personas.caseworker), by=personas.caseworker
    )
    again = transcript.make_transcript(
        timeline=timeline, keyring=keyring_of(personas.caseworker), by=personas.caseworker
    )
    assert again.pk != item.pk and EvidenceItem.objects.filter(pk=item.pk).exists()


def test_the_original_export_needs_her_identity_shared(personas, case) -> None:
    timeline = _import(case, personas)
    with translation.override("en"), pytest.raises(ReferralRefused, match="original chat export"):
        refer(personas, case, files=[f"original:{timeline.pk}"])
    set_consents(
        case=case, given=[(Audience.AUTHORITIES, Scope.INCIDENT), (Audience.AUTHORITIES, Scope.IDENTITY)], by=None
    )
    referral = refer(
        personas,
        case,
        pathway=Pathway.ACCOMPANIMENT,
        compartments=["identity", "incident", "evidence"],
        files=[f"original:{timeline.pk}"],
    )
    assert SharedFile.objects.get(share__referral=referral).item == timeline.export


def test_an_emergency_override_never_shares_the_original_export(personas, case) -> None:
    timeline = _import(case, personas)
    with translation.override("en"), pytest.raises(ReferralRefused, match="original chat export"):
        refer(
            personas,
            case,
            pathway=Pathway.ACCOMPANIMENT,
            compartments=["identity", "incident", "evidence"],
            by=personas.supervisor,
            override_reason="She is in danger tonight (example).",
            files=[f"original:{timeline.pk}"],
        )
    assert not case.referrals.exists()


def test_a_telegram_export_says_which_sender_is_her() -> None:
    from amana.evidence.chat_import import import_chat_export

    corpus = Path(__file__).parent / "corpus" / "telegram-personal.json"
    result = import_chat_export(corpus.read_bytes())
    others = set(result.senders) - set(result.her_senders)
    assert result.her_senders and others
    assert result.chat_name in others


# Pictures that may be intimate ------------------------------------------------------------------


def test_a_picture_that_may_be_intimate_is_shared_only_with_a_confirmation(personas, case, login) -> None:
    client = login(personas.caseworker)
    response = client.post(
        f"/staff/evidence/{case.reference}/files/", {"files": [_png("private.png")], "may_be_intimate": "on"}
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get(case=case)
    assert item.may_be_intimate
    page = client.get(f"/staff/referrals/new/{case.reference}/")
    assert "intimate_confirmed" in page.context["form"].fields
    with translation.override("en"), pytest.raises(ReferralRefused, match="may be intimate"):
        refer(personas, case, files=[f"file:{item.pk}"])
    referral = refer(personas, case, files=[f"file:{item.pk}"], intimate_confirmed=True)
    shared = SharedFile.objects.get(share__referral=referral)
    police = login(personas.liaison)
    police.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    file_page = police.get(f"/staff/referrals/received/{referral.reference}/files/{shared.pk}/").content.decode()
    assert "This picture may be intimate" in file_page


def test_the_pictures_of_a_chat_can_be_marked_on_import(personas, case) -> None:
    start = datetime(2023, 3, 17, 9, 5, tzinfo=BAGHDAD)
    messages = [
        SampleMessage(EXTORTIONIST_NUMBER, start, "Look (example)."),
        SampleMessage(EXTORTIONIST_NUMBER, start + timedelta(minutes=1), "", attachment="IMG-20230317-WA0001.png"),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("WhatsApp Chat.txt", whatsapp_text(messages, Layout(with_media=True)))
        archive.writestr("IMG-20230317-WA0001.png", PNG)
    export = buffer.getvalue()
    services.import_chat(
        case=case,
        upload=SimpleUploadedFile("chat.zip", export),
        by=personas.caseworker,
        export_name="chat.zip",
        may_be_intimate=True,
    )
    pictures = EvidenceItem.objects.filter(case=case, kind=EvidenceKind.IMAGE)
    assert pictures.exists()
    assert all(picture.may_be_intimate for picture in pictures)
    assert not EvidenceItem.objects.filter(case=case, kind=EvidenceKind.CHAT, may_be_intimate=True).exists()


# The partner's page of a file ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "ckb", "en"])
def test_the_partners_page_says_what_the_file_is_and_how_to_handle_it(personas, case, login, language) -> None:
    timeline = _import(case, personas)
    transcript.set_her_side(
        timeline=timeline, senders=[SURVIVOR], keyring=keyring_of(personas.caseworker), by=personas.caseworker
    )
    referral = refer(personas, case, files=[f"transcript:{timeline.pk}"])
    shared = SharedFile.objects.get(share__referral=referral)
    police = login(personas.liaison)
    police.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = police.get(f"/staff/referrals/received/{referral.reference}/files/{shared.pk}/").content.decode()
    with translation.override(language):
        handling = handling_of(shared.item)
        kind = gettext("pseudonymised chat transcript")
    assert escape(kind) in page and escape(handling.what) in page
    assert all(escape(sentence) in page for sentence in handling.how)
    if language != "en":
        assert "pseudonymised chat transcript" not in page


# Packages -------------------------------------------------------------------------------------------


def test_a_referrals_package_holds_only_the_files_chosen_for_it(personas, case, login) -> None:
    from amana.evidence.selectors import open_referrals_of

    grant(case, Scope.INCIDENT)
    chosen, _other = _add(case, personas, "threat.png", "family.png")
    timeline = _import(case, personas)
    referral = refer(personas, case, files=[f"file:{chosen.pk}"])
    assert referral in open_referrals_of(case)
    client = login(personas.caseworker)
    response = client.post(
        f"/staff/evidence/{case.reference}/package/",
        {"referral": referral.pk, "compartments": ["incident", "evidence"]},
    )
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        names = package.namelist()
        manifest = json.loads(package.read("manifest.json"))
    files = [name for name in names if name.startswith("files/")]
    assert files == ["files/001-threat.png"]
    assert not [name for name in names if name.startswith("chats/")]
    assert timeline.message_count and "family.png" not in json.dumps(manifest)


def test_staff_mark_a_picture_she_sent_as_possibly_intimate(personas, case, login) -> None:
    from amana.cases import services as case_services
    from amana.cases.models import Sender

    case_services.add_evidence(case=case, files=[_png("from-her.png")], sender=Sender.SURVIVOR)
    services.ensure_items(case=case, keyring=keyring_of(personas.caseworker), by=personas.caseworker)
    item = EvidenceItem.objects.get(case=case)
    url = f"/staff/evidence/{case.reference}/files/{item.pk}/intimate/"
    assert login(personas.liaison).post(url, {"may_be_intimate": "yes"}).status_code == 403
    client = login(personas.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.post(url, {"may_be_intimate": "perhaps"}, follow=True)
    assert "Nothing was changed" in refused.content.decode()
    item.refresh_from_db()
    assert not item.may_be_intimate
    assert client.post(url, {"may_be_intimate": "yes"}).status_code == 302
    item.refresh_from_db()
    assert item.may_be_intimate
    assert "may be intimate" in client.get(f"/staff/evidence/{case.reference}/").content.decode()
    with translation.override("en"), pytest.raises(ReferralRefused, match="may be intimate"):
        refer(personas, case, files=[f"file:{item.pk}"])

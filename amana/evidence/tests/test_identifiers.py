from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from amana.evidence.chat_import import import_chat_export
from amana.evidence.forms import PerpetratorIdentifiersField
from amana.evidence.identifiers import (
    EmptyIdentifier,
    Identifier,
    IdentifierError,
    IdentifierKind,
    InvalidHandle,
    InvalidPhoneNumber,
    LinkNotAProfile,
    PlatformNotGiven,
    ValueTooLong,
    find_identifiers_in_text,
    normalise_handle,
    parse_identifier,
    parse_identifiers,
)
from amana.evidence.sample_exports import EXTORTIONIST_E164, Layout, conversation, whatsapp_text

PHONE = Identifier(IdentifierKind.PHONE, EXTORTIONIST_E164)


def test_it_finds_one_number_however_it_is_written_and_in_a_whatsapp_export() -> None:
    typed = [
        "0770 123 4567",
        "+964 770 123 4567",
        "٠٧٧٠١٢٣٤٥٦٧",
        "۰۷۷۰۱۲۳۴۵۶۷",
        "00964 770-123-4567",
        "\u200f+964 770 123 4567\u200e",
        "07701234567",
        "(0770) 123-4567",
    ]
    for value in typed:
        assert parse_identifier(value) == PHONE, value
    export = import_chat_export(whatsapp_text(conversation(12), Layout(language="ar", clock=12)))
    senders = [proposal.identifier for proposal in export.proposed_identifiers if proposal.messages_sent]
    assert senders == [PHONE]
    assert PHONE.canonical == "phone:+9647701234567"
    assert PHONE.display == "+964 770 123 4567"


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("https://wa.me/9647701234567", "phone:+9647701234567"),
        ("wa.me/+9647701234567?text=hi", "phone:+9647701234567"),
        ("https://api.whatsapp.com/send?phone=9647701234567&text=x", "phone:+9647701234567"),
        ("whatsapp://send?phone=9647701234567", "phone:+9647701234567"),
        ("https://t.me/+9647701234567", "phone:+9647701234567"),
        ("t.me/Bad_Actor_Example", "telegram:bad_actor_example"),
        ("https://telegram.me/bad_actor_example/", "telegram:bad_actor_example"),
        ("https://t.me/s/Bad_Actor_Example", "telegram:bad_actor_example"),
        ("bad_actor_example.t.me", "telegram:bad_actor_example"),
        ("tg://resolve?domain=Bad_Actor_Example", "telegram:bad_actor_example"),
        ("telegram: @Bad_Actor_Example", "telegram:bad_actor_example"),
        ("تلغرام @Bad_Actor_Example", "telegram:bad_actor_example"),
        ("https://m.facebook.com/Bad.Actor.Example?ref=bookmarks", "facebook:badactorexample"),
        ("https://www.facebook.com/badactorexample/", "facebook:badactorexample"),
        ("web.facebook.com/BadActor.Example/posts/123", "facebook:badactorexample"),
        ("https://www.facebook.com/profile.php?id=100012345678&sk=photos", "facebook:100012345678"),
        ("https://facebook.com/people/Some-Name/100012345678/", "facebook:100012345678"),
        ("https://m.me/bad.actor.example", "facebook:badactorexample"),
        ("fb: bad.actor.example", "facebook:badactorexample"),
        ("https://www.instagram.com/Bad.Actor.Example/", "instagram:bad.actor.example"),
        ("instagram.com/bad.actor.example?igsh=abc123", "instagram:bad.actor.example"),
        ("https://instagram.com/stories/bad.actor.example/3012345/", "instagram:bad.actor.example"),
        ("https://ig.me/m/bad.actor.example", "instagram:bad.actor.example"),
        ("Instagram: @Bad.Actor.Example", "instagram:bad.actor.example"),
        ("انستغرام: bad.actor.example", "instagram:bad.actor.example"),
        ("https://www.tiktok.com/@Bad.Actor.Example/video/7212345678901234567?lang=ar", "tiktok:bad.actor.example"),
        ("m.tiktok.com/@bad.actor.example", "tiktok:bad.actor.example"),
        ("tiktok @bad.actor.example", "tiktok:bad.actor.example"),
        ("https://www.snapchat.com/add/Bad-Actor.Ex", "snapchat:bad-actor.ex"),
        ("https://story.snapchat.com/@bad-actor.ex", "snapchat:bad-actor.ex"),
        ("سناب: Bad-Actor.Ex", "snapchat:bad-actor.ex"),
    ],
)
def test_it_normalises_links_and_handles_to_one_canonical_form(value: str, canonical: str) -> None:
    assert parse_identifier(value).canonical == canonical


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", EmptyIdentifier),
        ("   ", EmptyIdentifier),
        ("x" * 400, ValueTooLong),
        ("0770 123", InvalidPhoneNumber),
        ("+44 7700 900123", InvalidPhoneNumber),  # a range reserved for fiction
        ("@bad_actor", PlatformNotGiven),
        ("bad_actor", PlatformNotGiven),
        ("he is a bad man", IdentifierError),
        ("https://www.instagram.com/p/CxYz123/", LinkNotAProfile),
        ("https://www.facebook.com/groups/123456/", LinkNotAProfile),
        ("https://www.facebook.com/share/abc123/", LinkNotAProfile),
        ("https://vm.tiktok.com/ZMabc123/", LinkNotAProfile),
        ("https://t.me/+AbCdEfGh123", LinkNotAProfile),
        ("https://t.me/joinchat/AbCdEf", LinkNotAProfile),
        ("https://chat.whatsapp.com/AbCdEf123", LinkNotAProfile),
        ("https://www.tiktok.com/foryou", LinkNotAProfile),
        ("snap: ab", InvalidHandle),
        ("telegram: @a-b-c", InvalidHandle),
    ],
)
def test_it_refuses_what_is_not_an_identifier_with_a_typed_error(value: str, error: type[IdentifierError]) -> None:
    with pytest.raises(error) as raised:
        parse_identifier(value)
    assert raised.value.message
    assert len(raised.value.message) < 400


def test_it_translates_the_error_messages() -> None:
    with translation.override("ar"):
        with pytest.raises(PlatformNotGiven) as arabic:
            parse_identifier("@bad_actor")
        assert "@bad_actor" in arabic.value.message
        assert "could be" not in arabic.value.message
    with translation.override("ckb"), pytest.raises(InvalidPhoneNumber) as kurdish:
        parse_identifier("0770 123")
    assert "not a valid" not in kurdish.value.message


def test_it_keeps_a_handle_on_the_platform_it_is_given_for() -> None:
    assert normalise_handle(IdentifierKind.INSTAGRAM, "@Some.Name") == Identifier("instagram", "some.name")
    assert normalise_handle(IdentifierKind.TELEGRAM, "123456789") == Identifier("telegram", "123456789")
    with pytest.raises(InvalidHandle):
        normalise_handle(IdentifierKind.TELEGRAM, "https://www.instagram.com/some.name/")
    assert parse_identifier("some.name", IdentifierKind.INSTAGRAM).canonical == "instagram:some.name"


def test_it_reads_several_identifiers_from_one_field_and_lists_what_it_cannot_read() -> None:
    parsed = parse_identifiers(
        "0770 123 4567\n+964 770 123 4567، ٠٧٧٠١٢٣٤٥٦٧; Instagram: @a.b @c.d\n"
        "https://t.me/bad_actor_example https://www.tiktok.com/@x.y\n@who_knows\nhttps://vm.tiktok.com/ZMabc/"
    )
    assert [identifier.canonical for identifier in parsed.identifiers] == [
        "phone:+9647701234567",
        "instagram:a.b",
        "instagram:c.d",
        "telegram:bad_actor_example",
        "tiktok:x.y",
    ]
    assert [type(error) for error in parsed.errors] == [PlatformNotGiven, LinkNotAProfile]


def test_it_finds_identifiers_mentioned_in_a_message_but_not_dates_or_amounts() -> None:
    text = (
        "اتصلي على ٠٧٥٠ ٩٨٧ ٦٥٤٣ او حسابي instagram: @Bad.Actor و https://t.me/Bad_Actor1. "  # noqa: RUF001
        "send 250000 dinars on 07/03/2023 at 14:22"
    )
    assert [identifier.canonical for identifier in find_identifiers_in_text(text)] == [
        "telegram:bad_actor1",
        "instagram:bad.actor",
        "phone:+9647509876543",
    ]
    assert find_identifiers_in_text("no identifiers here, only 12 apples and 2023") == []


class IdentifiersForm(forms.Form):
    identifiers = PerpetratorIdentifiersField()


def test_the_form_field_cleans_to_identifiers_and_says_what_is_wrong_in_arabic() -> None:
    form = IdentifiersForm(data={"identifiers": "0770 123 4567\nhttps://www.instagram.com/bad.actor/"})
    assert form.is_valid()
    assert form.cleaned_data["identifiers"] == [PHONE, Identifier("instagram", "bad.actor")]
    with translation.override("ar"):
        form = IdentifiersForm(data={"identifiers": "0770 123 4567\n@who\n0770 12"})
        assert not form.is_valid()
        errors = form.errors["identifiers"]
    assert len(errors) == 2
    assert all("@who" in error or "0770 12" in error for error in errors)
    assert not any("platform" in error for error in errors)


def test_the_form_field_refuses_too_long_and_too_many() -> None:
    assert not IdentifiersForm(data={"identifiers": "0770 123 4567\n" * 400}).is_valid()
    many = "\n".join(f"telegram: @name_{number:03d}" for number in range(51))
    form = IdentifiersForm(data={"identifiers": many})
    assert not form.is_valid()
    assert "50" in form.errors["identifiers"][0]

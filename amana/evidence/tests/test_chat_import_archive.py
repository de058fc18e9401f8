from __future__ import annotations

import io
import random
import stat
import zipfile
from pathlib import Path
from typing import BinaryIO

import pytest
from django.utils import translation

from amana.evidence.chat_import import (
    ArchiveTooLarge,
    ArchiveTooManyFiles,
    ArchiveUnreadable,
    ChatImport,
    ExportTooLarge,
    ImportLimits,
    NotAChatExport,
    import_chat_export,
)
from amana.evidence.sample_exports import (
    EXTORTIONIST_E164,
    Layout,
    chat_file_name,
    conversation,
    fake_media,
    whatsapp_text,
    whatsapp_zip,
)


class Received:
    """An attachment handler that keeps what it is given in memory, as the vault would seal it."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def __call__(self, name: str, stream: BinaryIO) -> None:
        self.files[name] = stream.read()


def build_zip(members: dict[str | zipfile.ZipInfo, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def chat_and(extra: dict[str | zipfile.ZipInfo, bytes]) -> bytes:
    return build_zip({"_chat.txt": whatsapp_text(conversation(20), Layout(phone="iphone")), **extra})


def problems_of(result: ChatImport) -> list[str]:
    with translation.override("en"):
        return [str(problem) for problem in result.problems]


@pytest.mark.parametrize(
    "layout",
    [Layout(phone="iphone"), Layout(language="ar", clock=12), Layout()],
    ids=["iphone", "android-ar", "android"],
)
def test_it_hands_the_media_of_an_export_to_the_caller_and_nothing_else(layout: Layout) -> None:
    messages = conversation(40)
    received = Received()
    result = import_chat_export(whatsapp_zip(messages, layout), on_attachment=received)
    attached = [message.attachment for message in messages if message.attachment]
    assert attached
    assert received.files == {name: fake_media(name) for name in attached}
    assert result.attachments_received == attached
    assert [name for entry in result.messages for name in entry.attachments] == attached
    assert result.problems == []
    assert result.proposed_identifiers[0].identifier.value == EXTORTIONIST_E164
    assert chat_file_name(layout) not in received.files


def test_it_says_which_attached_files_are_missing_from_the_archive() -> None:
    messages = conversation(40)
    first_attachment = next(message.attachment for message in messages if message.attachment)
    data = build_zip({"WhatsApp Chat with Example.txt": whatsapp_text(messages, Layout())})
    result = import_chat_export(data)
    missing = [problem for problem in problems_of(result) if "is not in the export" in problem]
    assert len(missing) == 3
    assert first_attachment in missing[0]


def test_it_reads_the_chat_without_a_handler_and_hands_out_nothing() -> None:
    result = import_chat_export(whatsapp_zip(conversation(40), Layout()))
    assert result.attachments_received == []
    assert len(result.messages) == 41


HOSTILE_NAMES = [
    "../../evil.jpg",
    "media/../../../evil.jpg",
    "/etc/evil.jpg",
    "\\evil.jpg",
    "C:\\Windows\\evil.jpg",
    "..\\..\\evil.jpg",
    "C:evil.jpg",
]


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix, where the mode bits say "link"
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def test_it_skips_members_that_point_outside_the_export_or_are_links(tmp_path: Path, monkeypatch) -> None:
    workdir = tmp_path / "a" / "b" / "c"
    place = workdir / "place"
    place.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    link_info, link_target = symlink("IMG-link.jpg", "/etc/passwd")
    members: dict[str | zipfile.ZipInfo, bytes] = dict.fromkeys(HOSTILE_NAMES, b"evil")
    members[link_info] = link_target
    members["IMG-fine.jpg"] = b"fine"

    def write_into_place(name: str, stream: BinaryIO) -> None:
        target = (place / name).resolve()
        assert target.is_relative_to(place)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(stream.read())

    result = import_chat_export(chat_and(members), on_attachment=write_into_place)
    assert result.attachments_received == ["IMG-fine.jpg"]
    written = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file())
    assert written == ["a/b/c/place/IMG-fine.jpg"]
    problems = problems_of(result)
    assert sum("points outside the export" in problem for problem in problems) == len(HOSTILE_NAMES)
    assert sum("is a link to another file" in problem for problem in problems) == 1
    assert len(result.messages) == 21  # the chat itself is still imported


def test_it_refuses_a_chat_text_whose_name_points_outside() -> None:
    data = build_zip({"../_chat.txt": whatsapp_text(conversation(5), Layout(phone="iphone"))})
    with pytest.raises(NotAChatExport):
        import_chat_export(data)


def test_it_skips_a_zip_bomb_member_and_refuses_a_zip_bomb_archive() -> None:
    bomb = b"\x00" * (20 * 1024 * 1024)  # 20 MB of zeros compress to about 20 KB
    received = Received()
    result = import_chat_export(chat_and({"IMG-bomb.jpg": bomb, "IMG-fine.jpg": b"fine"}), on_attachment=received)
    assert list(received.files) == ["IMG-fine.jpg"]
    assert any("as a zip bomb does" in problem for problem in problems_of(result))
    with translation.override("en"):
        with pytest.raises(ArchiveTooLarge) as raised:
            import_chat_export(chat_and({"a.jpg": bomb}), limits=ImportLimits(max_total_uncompressed=10 * 1024 * 1024))
        assert "more than 10 MB" in raised.value.message


def test_it_refuses_a_chat_text_that_is_itself_too_large() -> None:
    data = build_zip({"_chat.txt": whatsapp_text(conversation(3000), Layout(phone="iphone"))})
    with pytest.raises(ExportTooLarge):
        import_chat_export(data, limits=ImportLimits(max_text_bytes=100 * 1024))


def test_it_refuses_an_archive_with_too_many_members() -> None:
    members: dict[str | zipfile.ZipInfo, bytes] = {f"IMG-{number}.jpg": b"x" for number in range(30)}
    with translation.override("en"):
        with pytest.raises(ArchiveTooManyFiles) as raised:
            import_chat_export(chat_and(members), limits=ImportLimits(max_archive_members=20))
        assert "more than 20 files" in raised.value.message


def test_it_skips_a_member_too_large_for_the_limit() -> None:
    received = Received()
    big = random.Random(6).randbytes(2 * 1024 * 1024)  # 2 MB that does not compress, as video does not
    result = import_chat_export(
        chat_and({"VID-big.mp4": big, "IMG-small.jpg": b"s"}),
        on_attachment=received,
        limits=ImportLimits(max_member_bytes=1024 * 1024),
    )
    assert list(received.files) == ["IMG-small.jpg"]
    assert any("larger than 1 MB" in problem for problem in problems_of(result))


def test_it_reports_a_damaged_member_and_keeps_the_rest() -> None:
    media = bytes(range(256)) * 64
    data = bytearray(chat_and({"IMG-damaged.jpg": media, "IMG-fine.jpg": b"fine"}))
    offset = data.find(b"IMG-damaged.jpg") + len("IMG-damaged.jpg") + 40
    data[offset] ^= 0xFF  # one flipped byte inside the compressed data
    received = Received()
    result = import_chat_export(bytes(data), on_attachment=received)
    assert "IMG-fine.jpg" in received.files
    assert result.attachments_received == ["IMG-fine.jpg"]
    assert any("“IMG-damaged.jpg” in the archive is damaged" in problem for problem in problems_of(result))


def test_it_imports_the_readable_part_of_a_damaged_chat_text() -> None:
    text = whatsapp_text(conversation(400), Layout(phone="iphone"))
    data = bytearray(build_zip({"_chat.txt": text}))
    data[len(data) // 2] ^= 0xFF
    result = import_chat_export(bytes(data))
    problems = problems_of(result)
    assert "The chat file in the archive is damaged; what came before the damage was imported." in problems
    assert 0 < len(result.messages) < 401


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_it_refuses_a_truncated_archive_with_a_clear_message(cut: float) -> None:
    data = whatsapp_zip(conversation(40), Layout())
    with translation.override("en"):
        with pytest.raises(ArchiveUnreadable) as raised:
            import_chat_export(data[: int(len(data) * cut)])
        assert "damaged" in raised.value.message


def test_it_does_not_open_an_archive_inside_the_archive() -> None:
    inner = build_zip({"../../evil.txt": b"evil"})
    received = Received()
    result = import_chat_export(chat_and({"nested.zip": inner}), on_attachment=received)
    assert received.files == {"nested.zip": inner}
    assert not any("nested" in problem or "evil" in problem for problem in problems_of(result))


def test_it_refuses_an_archive_without_a_chat() -> None:
    with pytest.raises(NotAChatExport):
        import_chat_export(build_zip({"IMG-1.jpg": b"x", "notes.pdf": b"y"}))
    with pytest.raises(ArchiveUnreadable):
        import_chat_export(b"PK\x03\x04 not really a zip")

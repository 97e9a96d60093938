"""Check an uploaded document by its content: type, structure, size; its SHA-256 on the way.

Neither the file name nor the browser's content type is trusted: the type is sniffed from
the bytes (puremagic), ZIP-based office formats are told apart by their inner structure,
and each file must parse as what it claims (pypdf for PDF, chunk and marker walks for PNG
and JPEG, the archive's checksums for ODT/DOCX/XLSX). The name's extension must agree with
the content, so that the name a recipient downloads does not lie about what it opens.
"""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

import puremagic
import pypdf
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 8 * 1024
MEGABYTE = 1024 * 1024
# Uncompressed size an office archive may unpack to: more is refused, not unpacked (zip bomb).
ZIP_UNPACKED_MAX = 256 * MEGABYTE
# Names of original files: the column's length, without the path a browser might send.
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class Kind:
    """An accepted file type: its label for people, media type and name extensions."""

    label: str
    media_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", (".pdf",))
ODT = Kind("ODT", "application/vnd.oasis.opendocument.text", (".odt",))
DOCX = Kind(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = Kind(
    "XLSX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PNG = Kind("PNG", "image/png", (".png",))
JPEG = Kind("JPEG", "image/jpeg", (".jpg", ".jpeg"))

ACCEPTED: tuple[Kind, ...] = (PDF, ODT, DOCX, XLSX, PNG, JPEG)


class UploadRefused(ValueError):
    """A file was refused; the message names the file and says why (German, for people)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: what is stored in the file's row."""

    name: str
    kind: Kind
    size: int
    sha256: str

    @property
    def media_type(self) -> str:
        return self.kind.media_type


def accepted_labels() -> str:
    """Return the accepted types for people: "PDF, ODT, DOCX, XLSX, PNG, JPEG"."""
    return ", ".join(kind.label for kind in ACCEPTED)


def accept_attribute() -> str:
    """Return the `accept` attribute of a file input (a hint to the browser, not a check)."""
    return ",".join(item for kind in ACCEPTED for item in (*kind.extensions, kind.media_type))


def megabytes(size: int) -> str:
    """Return a size in MB for people: "25,3" (whole numbers without decimals)."""
    value = size / MEGABYTE
    if value == int(value):
        return number_format(int(value), use_l10n=True)
    return number_format(round(value, 1), decimal_pos=1, use_l10n=True)


def max_bytes() -> int:
    """Return the largest accepted size (read at call time: tests override the setting)."""
    return int(settings.UPLOAD_MAX_BYTES)


def name_clean(name: str) -> str:
    """Return the original file name without any path, trimmed to the column's length."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    # Control characters would break the Content-Disposition header later.
    base = "".join(ch for ch in base if ch.isprintable())
    if len(base) > NAME_MAX_LENGTH:
        stem, dot, ext = base.rpartition(".")
        if dot and len(ext) < 10:
            base = stem[: NAME_MAX_LENGTH - len(ext) - 1] + "." + ext
        else:
            base = base[:NAME_MAX_LENGTH]
    return base or "Datei"


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem else ""


def _kind_of_extension(extension: str) -> Kind | None:
    return next((kind for kind in ACCEPTED if extension in kind.extensions), None)


def _digest(chunks: Iterable[bytes]) -> tuple[int, str, bytes]:
    """Return size, SHA-256 and the first bytes, reading the upload once in chunks."""
    sha = hashlib.sha256()
    size = 0
    head = b""
    for chunk in chunks:
        sha.update(chunk)
        size += len(chunk)
        if len(head) < HEAD_SIZE:
            head += chunk[: HEAD_SIZE - len(head)]
    return size, sha.hexdigest(), head


def _sniff(head: bytes) -> tuple[str, str]:
    """Return the family of the content (pdf, png, jpeg, zip or "") and a type name."""
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    # The most likely type that has a media type names the content in messages.
    found = next((m.mime_type for m in matches if m.mime_type), matches[0].name if matches else "")
    mimes = {match.mime_type for match in matches}
    if head.startswith(b"PK\x03\x04"):
        return "zip", found
    for family, mime in (("pdf", "application/pdf"), ("png", "image/png"), ("jpeg", "image/jpeg")):
        if mime in mimes:
            return family, found
    return "", found


def _zip_kind(stream: IO[bytes]) -> tuple[Kind | None, str]:
    """Tell an office document by its archive's members; also a reason why it is broken."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None, "broken"
    with archive:
        names = set(archive.namelist())
        kind: Kind | None = None
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            if info.file_size < 200 and archive.read("mimetype").strip() == ODT.media_type.encode():
                kind = ODT
        elif "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                kind = DOCX
            elif "xl/workbook.xml" in names:
                kind = XLSX
        if kind is None:
            return None, ""
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            return kind, "macros"
        if sum(info.file_size for info in archive.infolist()) > ZIP_UNPACKED_MAX:
            return kind, "broken"
        try:
            # testzip reads every member and checks its CRC: a damaged archive shows here.
            if archive.testzip() is not None:
                return kind, "broken"
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            return kind, "broken"
    return kind, ""


def _pdf_intact(stream: IO[bytes]) -> bool:
    # pypdf logs what it repairs; a refusal here already tells the user.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(stream, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return False
        pages = reader.pages
        if len(pages) == 0:
            return False
        for page in pages:
            page.mediabox  # noqa: B018 -- reading each page object finds missing ones
    except Exception:  # pypdf raises many kinds on damaged input; all mean "broken".
        return False
    return True


def _png_intact(stream: IO[bytes]) -> bool:
    """Walk the PNG's chunks, checking each CRC, from IHDR to IEND."""
    if stream.read(8) != b"\x89PNG\r\n\x1a\n":
        return False
    first = True
    while True:
        header = stream.read(8)
        if len(header) < 8:
            return False
        length, chunk_type = struct.unpack(">I4s", header)
        if first and (chunk_type != b"IHDR" or length != 13):
            return False
        first = False
        crc = zlib.crc32(chunk_type)
        remaining = length
        while remaining:
            data = stream.read(min(remaining, CHUNK_SIZE))
            if not data:
                return False
            crc = zlib.crc32(data, crc)
            remaining -= len(data)
        stored = stream.read(4)
        if len(stored) < 4 or struct.unpack(">I", stored)[0] != crc:
            return False
        if chunk_type == b"IEND":
            return True


def _jpeg_intact(stream: IO[bytes], size: int) -> bool:
    """Check the JPEG's start and end markers (the end past trailing padding)."""
    if stream.read(3) != b"\xff\xd8\xff":
        return False
    stream.seek(max(0, size - 1024))
    tail = stream.read().rstrip(b"\x00\r\n ")
    return tail.endswith(b"\xff\xd9")


def _image_verified(stream: IO[bytes]) -> bool:
    """Let Pillow verify the image too, where it is installed (it is not required)."""
    try:
        from PIL import Image
    except ImportError:
        return True
    try:
        with Image.open(stream) as image:
            image.verify()
    except Exception:  # Pillow raises many kinds on damaged images.
        return False
    return True


def upload_check(upload: Any, *, name: str | None = None) -> CheckedUpload:
    """Check an uploaded file (Django `UploadedFile` or a file object) and return its facts.

    Raises UploadRefused, with a German message naming the file, when it is empty, too
    large, of a type not accepted, named as another type than it is, or broken.
    """
    name = name_clean(name if name is not None else str(getattr(upload, "name", "") or ""))
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > max_bytes():
        # Django knows the size of what it received: no need to read a too large file.
        raise UploadRefused(_too_large(name, declared))
    chunks = upload.chunks(CHUNK_SIZE) if hasattr(upload, "chunks") else _read_chunks(upload)
    size, sha256, head = _digest(chunks)
    if size == 0:
        raise UploadRefused(_("„%(name)s“ ist leer.") % {"name": name})
    if size > max_bytes():
        raise UploadRefused(_too_large(name, size))
    stream: IO[bytes] = upload.file if hasattr(upload, "file") else upload
    stream.seek(0)
    family, found = _sniff(head)
    named = _kind_of_extension(_extension(name))
    kind: Kind | None = {"pdf": PDF, "png": PNG, "jpeg": JPEG}.get(family)
    problem = ""
    if family == "zip":
        kind, problem = _zip_kind(stream)
        if kind is None and problem == "broken" and named in (ODT, DOCX, XLSX):
            raise UploadRefused(_broken(name, named))
    if kind is None:
        if named is not None:
            what = _("ZIP-Archiv") if family == "zip" else (found or _("unbekannt"))
            raise UploadRefused(
                _("„%(name)s“ ist keine gültige %(type)s-Datei (erkannter Inhalt: %(found)s).")
                % {"name": name, "type": named.label, "found": what}
            )
        raise UploadRefused(
            _("„%(name)s“ hat keinen erlaubten Dateityp. Erlaubt sind: %(types)s.")
            % {"name": name, "types": accepted_labels()}
        )
    if named is not kind:
        raise UploadRefused(_mismatch(name, kind, named))
    stream.seek(0)
    if problem == "macros":
        raise UploadRefused(
            _("„%(name)s“ enthält Makros; bitte ohne Makros speichern und erneut hochladen.")
            % {"name": name}
        )
    intact = not problem and _intact(kind, stream, size)
    stream.seek(0)
    if not intact:
        raise UploadRefused(_broken(name, kind))
    return CheckedUpload(name=name, kind=kind, size=size, sha256=sha256)


def _too_large(name: str, size: int) -> str:
    return _("„%(name)s“ ist %(size)s MB groß; erlaubt sind höchstens %(max)s MB.") % {
        "name": name,
        "size": megabytes(size),
        "max": megabytes(max_bytes()),
    }


def _broken(name: str, kind: Kind) -> str:
    return _("„%(name)s“ ist keine gültige %(type)s-Datei (beschädigt).") % {
        "name": name,
        "type": kind.label,
    }


def _mismatch(name: str, kind: Kind, named: Kind | None) -> str:
    if named is None:
        return _(
            "„%(name)s“ ist dem Inhalt nach eine %(type)s-Datei, der Name endet aber nicht "
            "auf %(extensions)s. Bitte benennen Sie die Datei passend."
        ) % {"name": name, "type": kind.label, "extensions": " oder ".join(kind.extensions)}
    return _(
        "„%(name)s“ ist dem Inhalt nach eine %(type)s-Datei, dem Namen nach aber eine "
        "%(named)s-Datei. Bitte laden Sie die richtige Datei hoch oder benennen Sie sie passend."
    ) % {"name": name, "type": kind.label, "named": named.label}


def _intact(kind: Kind, stream: IO[bytes], size: int) -> bool:
    if kind is PDF:
        return _pdf_intact(stream)
    if kind is PNG:
        ok = _png_intact(stream)
    elif kind is JPEG:
        ok = _jpeg_intact(stream, size)
    else:
        return True  # the archive was checked member by member above
    stream.seek(0)
    return ok and _image_verified(stream)


def _read_chunks(stream: IO[bytes]) -> Iterable[bytes]:
    stream.seek(0)
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def bytes_check(data: bytes, name: str) -> CheckedUpload:
    """Check bytes given in memory (imports, tests) like an upload."""
    return upload_check(io.BytesIO(data), name=name)


FILES_PER_REQUEST_MAX = 20


class UploadsRefused(ValueError):
    """Uploads of one request were refused, all of them; one message per reason."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def uploads_check(uploads: Sequence[Any]) -> list[CheckedUpload]:
    """Check every upload of one request; refuse all, naming each bad file, if any is bad."""
    if not uploads:
        raise UploadsRefused(_("Bitte wählen Sie mindestens eine Datei aus."))
    if len(uploads) > FILES_PER_REQUEST_MAX:
        raise UploadsRefused(
            _("Bitte laden Sie höchstens %(count)s Dateien auf einmal hoch.")
            % {"count": FILES_PER_REQUEST_MAX}
        )
    checked: list[CheckedUpload] = []
    refusals: list[str] = []
    for upload in uploads:
        try:
            checked.append(upload_check(upload))
        except UploadRefused as exc:
            refusals.append(exc.message)
    if refusals:
        if len(uploads) > 1:
            refusals.append(_("Keine der Dateien wurde gespeichert."))
        raise UploadsRefused(*refusals)
    return checked

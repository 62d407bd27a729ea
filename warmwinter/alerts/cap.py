"""Reading a CAP 1.2 message (Common Alerting Protocol, the format meteorological warnings are published in).

Parsed safely: no DOCTYPE at all (so no external entities and no entity expansion), no network, no DTD,
size capped; validated against the vendored OASIS schema; then turned into `services.AlertInput`.
Every problem is a DomainError with a Chinese message, schema errors with their line numbers.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lxml import etree

from warmwinter.alerts import services
from warmwinter.alerts.choices import AlertEvent, AlertSource, Colour
from warmwinter.alerts.models import WeatherAlert
from warmwinter.core.errors import DomainError
from warmwinter.regions.codes import normalize
from warmwinter.regions.models import Region

NS = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "CAP-v1.2.xsd"
MAX_BYTES = 1_000_000  # a CAP message is a few kilobytes; anything near this is not one
MAX_SCHEMA_ERRORS = 10

# Checked in the order given: the first word found in the event text (then the headline) decides.
EVENT_WORDS: list[tuple[str, str]] = [
    ("道路结冰", AlertEvent.ROAD_ICING), ("寒潮", AlertEvent.COLD_WAVE), ("暴雪", AlertEvent.BLIZZARD),
    ("低温", AlertEvent.LOW_TEMPERATURE), ("大风", AlertEvent.GALE), ("冰冻", AlertEvent.FREEZING),
    ("暴雨", AlertEvent.RAINSTORM),
    ("road icing", AlertEvent.ROAD_ICING), ("icy road", AlertEvent.ROAD_ICING), ("cold wave", AlertEvent.COLD_WAVE),
    ("blizzard", AlertEvent.BLIZZARD), ("snowstorm", AlertEvent.BLIZZARD), ("heavy snow", AlertEvent.BLIZZARD),
    ("low temperature", AlertEvent.LOW_TEMPERATURE), ("gale", AlertEvent.GALE), ("strong wind", AlertEvent.GALE),
    ("high wind", AlertEvent.GALE), ("freezing", AlertEvent.FREEZING), ("frost", AlertEvent.FREEZING),
    ("rainstorm", AlertEvent.RAINSTORM), ("heavy rain", AlertEvent.RAINSTORM),
]
COLOUR_WORDS = {"蓝色": Colour.BLUE, "黄色": Colour.YELLOW, "橙色": Colour.ORANGE, "红色": Colour.RED,
                "blue": Colour.BLUE, "yellow": Colour.YELLOW, "orange": Colour.ORANGE, "red": Colour.RED}
COLOUR_PATTERN = re.compile(r"蓝色|黄色|橙色|红色|\b(?:blue|yellow|orange|red)\b", re.IGNORECASE)
SEVERITY_COLOUR = {"Minor": Colour.BLUE, "Moderate": Colour.YELLOW, "Severe": Colour.ORANGE, "Extreme": Colour.RED}
# Geocode value names that carry a Chinese administrative division code (GB/T 2260, 统计用区划代码).
REGION_CODE_NAMES = re.compile(r"行政区划|区划代码|adcode|gb/?t\s*2260|gb2260|regioncode|admin", re.IGNORECASE)
REGION_CODE_VALUE = re.compile(r"\d{6}|\d{9}|\d{12}")
SUPPORTED_MSG_TYPES = ("Alert", "Update", "Cancel")

TOO_BIG = _("CAP 文件超过 1 MB，不是一条预警消息。")
HAS_DOCTYPE = _("CAP 消息不得包含 DOCTYPE 声明（出于安全考虑，拒绝含实体定义的 XML）。")
NOT_XML = _("不是有效的 XML 文件（第 %(line)s 行）：%(detail)s")
WRONG_ROOT = _("不是 CAP 1.2 消息：根元素须为命名空间 %(ns)s 中的 alert，实为 %(found)s。")
SCHEMA_INVALID = _("CAP 消息不符合 CAP 1.2 规范，共 %(n)s 处错误。")
SCHEMA_LINE = _("第 %(line)s 行：%(message)s")
UNSUPPORTED_TYPE = _("不支持的消息类型：%(value)s（仅接受 Alert、Update、Cancel）。")
NO_INFO = _("CAP 消息没有 info 段，无法读取预警内容。")
NO_EXPIRES = _("CAP 消息缺少失效时间（expires），无法确定预警何时结束。")
NO_COLOUR = _("无法确定预警级别：事件名称、标题和事件代码中没有蓝色/黄色/橙色/红色，severity 也未给出。")
NO_AREA_CODES = _("CAP 消息中没有可识别的区划代码（geocode，如“行政区划代码”或 6、9、12 位数字代码）。")
BAD_AREA_CODE = _("区划代码格式不正确：%(value)s")
UNKNOWN_AREA_CODES = _("以下区划代码在本系统中不存在：%(codes)s")
CANCEL_UNKNOWN = _("撤销消息引用的预警在本系统中不存在：%(refs)s")
TOO_LONG = _("“%(name)s”过长（最多 %(max)s 个字符）。")


@dataclass(frozen=True)
class CapMessage:
    """A parsed CAP message: what the service needs, and the text as received (for the record)."""

    data: services.AlertInput
    raw: str


def _t(element, name: str) -> str:
    found = element.find(f"{{{NS}}}{name}") if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False,
                           remove_comments=False)


_per_thread = threading.local()


def _schema() -> etree.XMLSchema:
    """The OASIS schema, loaded once per thread (a schema's error log is not safe to share between threads)."""
    schema = getattr(_per_thread, "schema", None)
    if schema is None:
        schema = _per_thread.schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _parser()))
    return schema


def _has_doctype(data: bytes) -> bool:
    """A DOCTYPE in the bytes as they come, or in their UTF-16 form (refused before libxml2 sees them)."""
    head = data.lower()
    return b"<!doctype" in head or "<!doctype".encode("utf-16-le") in head or "<!doctype".encode("utf-16-be") in head


def read_xml(data: bytes) -> etree._Element:
    """The root of a safely parsed XML document (no DOCTYPE, no entities, no network)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise DomainError(TOO_BIG)
    if _has_doctype(data):
        raise DomainError(HAS_DOCTYPE)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise DomainError(NOT_XML % {"line": exc.lineno or 1, "detail": exc.msg or str(exc)}) from None
    if root is None:
        raise DomainError(NOT_XML % {"line": 1, "detail": gettext("内容为空")})
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DomainError(HAS_DOCTYPE)
    return root


def _schema_message(entry) -> str:
    """libxml2's schema message, shortened (no namespace braces) and put into Chinese where it is a common one."""
    text = re.sub(r"\{[^}]*\}", "", entry.message).strip()
    element = re.match(r"Element '([^']+)'", text)
    name = element[1] if element else ""
    if "Missing child element" in text:
        expected = re.search(r"Expected is(?: one of)? \( ?([^)]+)\)", text)
        return gettext("元素 %(name)s 缺少子元素 %(expected)s。") % {"name": name, "expected": expected[1].strip() if expected else ""}
    if "This element is not expected" in text:
        return gettext("元素 %(name)s 不应出现在此处（元素缺失、顺序不对或名称拼错）。") % {"name": name}
    if "is not a valid value" in text or "is not accepted by the pattern" in text or "not an element of the set" in text:
        value = re.search(r"The value '([^']*)'", text) or re.search(r"'([^']*)' is not", text)
        return gettext("元素 %(name)s 的值“%(value)s”不符合规范。") % {"name": name, "value": value[1] if value else ""}
    if "No matching global declaration" in text:
        return gettext("元素 %(name)s 不是 CAP 1.2 的元素。") % {"name": name}
    return text


def validate(root: etree._Element) -> None:
    """The message is a CAP 1.2 alert and valid against the OASIS schema; else every error with its line."""
    if root.tag != f"{{{NS}}}alert":
        raise DomainError(WRONG_ROOT % {"ns": NS, "found": root.tag})
    schema = _schema()
    if schema.validate(root):
        return
    entries = list(schema.error_log)
    lines = [SCHEMA_LINE % {"line": e.line, "message": _schema_message(e)} for e in entries[:MAX_SCHEMA_ERRORS]]
    raise DomainError(SCHEMA_INVALID % {"n": len(entries)}, errors=lines)


def _when(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None  # the schema's pattern guarantees an offset


def _pick_info(root):
    infos = root.findall(f"{{{NS}}}info")
    if not infos:
        return None
    language = [(_t(i, "language") or "en-US").lower() for i in infos]
    for wanted in (lambda lang: lang in ("zh-cn", "zh-hans", "zh-hans-cn"), lambda lang: lang.startswith("zh")):
        for info, lang in zip(infos, language, strict=True):
            if wanted(lang):
                return info
    return infos[0]


def event_of(*texts: str) -> str:
    """Our event for the words of a CAP event (or headline); OTHER when none is known."""
    for text in texts:
        lowered = (text or "").lower()
        for word, event in EVENT_WORDS:
            if word in lowered:
                return event
    return AlertEvent.OTHER


def colour_in(text: str) -> int | None:
    """The colour a text names; the last one when it names several ("蓝色预警升级为橙色" is orange)."""
    found = COLOUR_PATTERN.findall(text or "")
    return COLOUR_WORDS[found[-1].lower()] if found else None


def _colour(info) -> int | None:
    for text in (_t(info, "event"), _t(info, "headline")):
        if (colour := colour_in(text)) is not None:
            return colour
    for code in info.findall(f"{{{NS}}}eventCode"):
        if (colour := colour_in(f"{_t(code, 'valueName')} {_t(code, 'value')}")) is not None:
            return colour
    return SEVERITY_COLOUR.get(_t(info, "severity"))


def area_codes_of(info) -> list[str]:
    """12-digit region codes from the geocodes of every area; a malformed or unknown one is an error naming it."""
    codes: list[str] = []
    for geocode in info.iterfind(f"{{{NS}}}area/{{{NS}}}geocode"):
        name, value = _t(geocode, "valueName"), _t(geocode, "value")
        named = bool(REGION_CODE_NAMES.search(name))
        for part in filter(None, re.split(r"[\s,，;；]+", value)):
            if REGION_CODE_VALUE.fullmatch(part):
                codes.append(normalize(part))
            elif named:
                raise DomainError(BAD_AREA_CODE % {"value": part}, field="areas")
    codes = list(dict.fromkeys(codes))
    if codes:
        known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise DomainError(UNKNOWN_AREA_CODES % {"codes": "、".join(unknown)}, field="areas")
    return codes


def references_of(text: str) -> list[str]:
    """CAP references are space-separated "sender,identifier,sent" triples: their identifiers."""
    identifiers = []
    for triple in (text or "").split():
        parts = triple.split(",")
        identifiers.append(parts[1] if len(parts) >= 3 else parts[0])
    return identifiers


def _checked_length(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise DomainError(TOO_LONG % {"name": name, "max": limit}, field=name)
    return value


def _from_referenced(references: list[str]) -> WeatherAlert:
    """A Cancel without an info block ends what it references: take the content from there."""
    earlier = WeatherAlert.objects.filter(identifier__in=references).order_by("-sent").first()
    if earlier is None:
        raise DomainError(CANCEL_UNKNOWN % {"refs": "、".join(references) or "—"})
    return earlier


def to_input(root) -> services.AlertInput:
    """The warning a validated CAP message carries, as the service takes it."""
    msg_type = _t(root, "msgType")
    if msg_type not in SUPPORTED_MSG_TYPES:
        raise DomainError(UNSUPPORTED_TYPE % {"value": msg_type})
    identifier = _checked_length("identifier", _t(root, "identifier"), 200)
    sent = _when(_t(root, "sent"))
    references = references_of(_t(root, "references"))
    common = {"identifier": identifier, "sent": sent, "sender": _checked_length("sender", _t(root, "sender"), 200),
              "msg_type": msg_type, "status": _t(root, "status"), "references": references}
    info = _pick_info(root)
    if info is None:
        if msg_type != "Cancel":
            raise DomainError(NO_INFO)
        earlier = _from_referenced(references)
        return services.AlertInput(**common, event=earlier.event, colour=earlier.colour, onset=min(sent, earlier.onset), expires=earlier.expires,
                          area_codes=list(earlier.areas.values_list("region_id", flat=True)), event_text=earlier.event_text,
                          headline=earlier.headline)
    expires = _when(_t(info, "expires"))
    if expires is None:
        raise DomainError(NO_EXPIRES, field="expires")
    colour = _colour(info)
    if colour is None:
        raise DomainError(NO_COLOUR, field="colour")
    area_codes = area_codes_of(info)
    if not area_codes:
        raise DomainError(NO_AREA_CODES, field="areas")
    event_text = _t(info, "event")
    headline = _t(info, "headline")
    return services.AlertInput(
        **common, event=event_of(event_text, headline), event_text=event_text[:100], colour=colour,
        onset=_when(_t(info, "onset")) or _when(_t(info, "effective")) or sent, expires=expires, area_codes=area_codes,
        headline=_checked_length("headline", headline, 300), description=_t(info, "description"), instruction=_t(info, "instruction"),
    )


def parse(data: bytes) -> CapMessage:
    """Read, check and translate one CAP 1.2 message (bytes as received, from a file, a URL or a request body)."""
    root = read_xml(data)
    validate(root)
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    raw = data.decode(encoding, errors="replace") if isinstance(data, bytes) else data
    return CapMessage(data=to_input(root), raw=raw)


def alert_import(*, actor, content: bytes, source: str = AlertSource.CAP_FILE, source_url: str = "") -> tuple[WeatherAlert, bool]:
    """Read a CAP message and record the warning it carries; False when its identifier was recorded before (nothing changes)."""
    message = parse(content)
    seen = WeatherAlert.objects.filter(identifier=message.data.identifier).exists()
    alert = services.alert_record(actor=actor, data=message.data, source=source, raw=message.raw, source_url=source_url)
    return alert, not seen


def pretty(raw: str) -> str:
    """The stored message indented for reading; as stored when it cannot be re-read."""
    # The stored text is Unicode whatever its declaration said (GB2312...): drop the declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", raw or "", count=1)
    try:
        root = read_xml(text.encode("utf-8"))
    except DomainError:
        return raw
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="unicode")

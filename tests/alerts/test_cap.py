"""Reading CAP 1.2: the 西秀区 samples turn into the warnings a duty officer would read off them, and every
bad message (not XML, CAP 1.1, no expiry, XXE, billion laughs, unknown area) is refused with a clear message."""

from datetime import timedelta

import pytest
from lxml import etree

from tests.alerts.helpers import COLD_WAVE_ID, UPDATE_ID, local, sample, with_field
from warmwinter.alerts import cap
from warmwinter.alerts.choices import AlertEvent, AlertSource, AlertState, Colour
from warmwinter.alerts.models import WeatherAlert
from warmwinter.core.errors import DomainError

pytestmark = pytest.mark.django_db


def refused(data: bytes) -> DomainError:
    with pytest.raises(DomainError) as caught:
        cap.parse(data)
    return caught.value


# --- the samples -----------------------------------------------------------------------------------


def test_cold_wave_blue_for_xixiu(tree):
    message = cap.parse(sample("cold_wave_blue.xml"))
    data = message.data
    assert data.identifier == COLD_WAVE_ID
    assert data.sender == "520402000000000@12379.cn"
    assert (data.msg_type, data.status, data.references) == ("Alert", "Actual", [])
    assert (data.event, data.event_text, data.colour) == (AlertEvent.COLD_WAVE, "寒潮", Colour.BLUE)
    assert data.headline == "西秀区气象台发布寒潮蓝色预警信号"  # the zh-CN info, not the English one
    assert data.description.startswith("受强冷空气影响")
    assert data.instruction.startswith("1. 注意添衣保暖")
    assert data.sent == data.onset == local(29, 8)
    assert data.expires == local(1, 8, month=12)
    assert data.area_codes == ["520402000000"]  # the 6-digit GB/T 2260 code, as a 12-digit division code
    assert "<headline>西秀区气象台发布寒潮蓝色预警信号</headline>" in message.raw


def test_blizzard_yellow_update_references_the_cold_wave(tree):
    data = cap.parse(sample("blizzard_yellow_update.xml")).data
    assert (data.identifier, data.msg_type) == (UPDATE_ID, "Update")
    assert data.references == [COLD_WAVE_ID]  # from "sender,identifier,sent"
    assert (data.event, data.colour) == (AlertEvent.BLIZZARD, Colour.YELLOW)
    assert data.area_codes == ["520402005000", "520402001000"]  # two 9-digit township codes
    assert (data.onset, data.expires) == (local(29, 16), local(2, 8, month=12))


def test_cancel_references_the_update_and_starts_when_sent(tree):
    data = cap.parse(sample("blizzard_cancel.xml")).data
    assert (data.msg_type, data.references) == ("Cancel", [UPDATE_ID])
    assert data.onset == local(30, 10)  # no onset or effective: the time it was sent


def test_the_day_of_samples_recorded_in_turn(tree):
    first, created = cap.alert_import(actor=None, content=sample("cold_wave_blue.xml"))
    assert created and first.state == AlertState.ACTIVE and first.source == AlertSource.CAP_FILE
    again, created = cap.alert_import(actor=None, content=sample("cold_wave_blue.xml"))
    assert (again.pk, created) == (first.pk, False)
    update, _ = cap.alert_import(actor=None, content=sample("blizzard_yellow_update.xml"))
    first.refresh_from_db()
    assert (first.state, update.state) == (AlertState.CANCELLED, AlertState.ACTIVE)
    cancel, _ = cap.alert_import(actor=None, content=sample("blizzard_cancel.xml"))
    update.refresh_from_db()
    assert (update.state, cancel.state) == (AlertState.CANCELLED, AlertState.CANCELLED)
    assert WeatherAlert.objects.filter(state=AlertState.ACTIVE).count() == 0


# --- mapping: events, colours, areas, language --------------------------------------------------------


@pytest.mark.parametrize(("event", "expected"), [
    ("道路结冰", AlertEvent.ROAD_ICING), ("低温", AlertEvent.LOW_TEMPERATURE), ("大风", AlertEvent.GALE),
    ("冰冻", AlertEvent.FREEZING), ("暴雨", AlertEvent.RAINSTORM), ("Cold Wave", AlertEvent.COLD_WAVE),
    ("Snowstorm", AlertEvent.BLIZZARD), ("Road Icing", AlertEvent.ROAD_ICING), ("Gale", AlertEvent.GALE), ("大雾", AlertEvent.OTHER),
])
def test_event_words(tree, event, expected):
    xml = with_field(sample("cold_wave_blue.xml"), "<event>寒潮</event>", f"<event>{event}</event>")
    xml = with_field(xml, "发布寒潮蓝色预警信号", "发布蓝色预警信号")
    data = cap.parse(xml).data
    assert (data.event, data.event_text) == (expected, event)


def test_colour_from_the_headline_the_last_one_named(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "发布寒潮蓝色预警信号", "寒潮蓝色预警信号升级为橙色")
    assert cap.parse(xml).data.colour == Colour.ORANGE


def test_colour_from_the_event_code_then_from_severity(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "发布寒潮蓝色预警信号", "发布寒潮预警信号")
    assert cap.parse(xml).data.colour == Colour.BLUE  # eventCode 11B09_BLUE
    xml = with_field(xml, "<value>11B09_BLUE</value>", "<value>11B09</value>")
    assert cap.parse(xml).data.colour == Colour.BLUE  # severity Minor
    assert cap.parse(with_field(xml, "<severity>Minor</severity>", "<severity>Extreme</severity>")).data.colour == Colour.RED
    error = refused(with_field(xml, "<severity>Minor</severity>", "<severity>Unknown</severity>"))
    assert error.message == cap.NO_COLOUR


def test_english_only_message(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "<language>zh-CN</language>", "<language>fr-FR</language>")
    data = cap.parse(xml).data  # no Chinese info: the first one
    assert data.headline == "西秀区气象台发布寒潮蓝色预警信号"
    english = sample("cold_wave_blue.xml").decode()
    start, end = english.index("  <info>"), english.index("  <info>", english.index("  <info>") + 1)
    data = cap.parse((english[:start] + english[end:]).encode()).data
    assert (data.event, data.colour, data.headline) == (AlertEvent.COLD_WAVE, Colour.BLUE,
                                                        "Xixiu Meteorological Observatory issues a Blue Cold Wave warning")


def test_twelve_digit_codes_and_several_in_one_value(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "<value>520402</value>", "<value>520402005001 520402005002</value>")
    assert cap.parse(xml).data.area_codes == ["520402005001", "520402005002"]


def test_onset_falls_back_to_effective(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "<onset>2026-11-29T08:00:00+08:00</onset>", "")
    xml = with_field(xml, "<effective>2026-11-29T08:00:00+08:00</effective>", "<effective>2026-11-29T09:30:00+08:00</effective>")
    assert cap.parse(xml).data.onset == local(29, 9, 30)


def test_cancel_without_info_takes_the_referenced_warning(tree):
    update, _ = cap.alert_import(actor=None, content=sample("blizzard_yellow_update.xml"))
    text = sample("blizzard_cancel.xml").decode()
    bare = (text[:text.index("  <info>")] + "</alert>\n").encode()
    data = cap.parse(bare).data
    assert (data.event, data.colour, data.expires) == (AlertEvent.BLIZZARD, Colour.YELLOW, update.expires)
    assert sorted(data.area_codes) == ["520402001000", "520402005000"]
    WeatherAlert.objects.all().delete()
    assert refused(bare).message == cap.CANCEL_UNKNOWN % {"refs": UPDATE_ID}


# --- refused ----------------------------------------------------------------------------------------


def test_not_xml(tree):
    error = refused(sample("not_xml.txt"))
    assert str(error.message).startswith("不是有效的 XML 文件（第 1 行）")


def test_wrong_namespace(tree):
    error = refused(sample("wrong_namespace.xml"))
    assert "不是 CAP 1.2 消息" in str(error.message)
    assert "{urn:oasis:names:tc:emergency:cap:1.1}alert" in str(error.message)


def test_missing_expires(tree):
    error = refused(sample("missing_expires.xml"))
    assert error.message == cap.NO_EXPIRES and error.field == "expires"


def test_unknown_geocode_is_named(tree):
    error = refused(sample("unknown_geocode.xml"))
    assert str(error.message) == "以下区划代码在本系统中不存在：520499000000"


def test_malformed_code_under_a_region_code_name(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "<value>520402</value>", "<value>52040X</value>")
    assert str(refused(xml).message) == "区划代码格式不正确：52040X"


def test_no_region_code_at_all(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "<value>520402</value>", "<value>XIXIU</value>")
    xml = with_field(xml, "<valueName>行政区划代码</valueName>", "<valueName>SAME</valueName>")
    xml = with_field(xml, "<value>520402</value>", "<value>XIXIU</value>")  # the English info's ADCODE (not read, but be sure)
    assert refused(xml).message == cap.NO_AREA_CODES


def test_schema_errors_name_their_lines(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "<msgType>Alert</msgType>", "<msgType>Warning</msgType>")
    xml = with_field(xml, "<urgency>Expected</urgency>", "")  # line 14 of 15: severity now comes too early
    error = refused(xml)
    assert str(error.message) == "CAP 消息不符合 CAP 1.2 规范，共 2 处错误。"
    assert [str(e) for e in error.errors] == [
        "第 7 行：元素 msgType 的值“Warning”不符合规范。",
        "第 15 行：元素 severity 不应出现在此处（元素缺失、顺序不对或名称拼错）。",
    ]


def test_an_unsupported_message_type(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "<msgType>Alert</msgType>", "<msgType>Ack</msgType>")
    assert str(refused(xml).message) == "不支持的消息类型：Ack（仅接受 Alert、Update、Cancel）。"


def test_too_big(tree):
    xml = with_field(sample("cold_wave_blue.xml"), "<description>", "<description>" + "冷" * 400_000)
    assert refused(xml).message == cap.TOO_BIG


@pytest.fixture
def parser_must_not_run(monkeypatch):
    """Refused before libxml2 sees a byte: nothing in the message can be resolved, fetched or expanded."""
    def fail(*args, **kwargs):
        raise AssertionError("the XML parser ran")

    monkeypatch.setattr(etree, "fromstring", fail)


def test_xxe_is_refused_without_reading_anything(tree, tmp_path, parser_must_not_run):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    xml = sample("xxe.xml").replace(b"file:///etc/passwd", secret.as_uri().encode())
    error = refused(xml)
    assert error.message == cap.HAS_DOCTYPE
    assert "TOP-SECRET-MARKER" not in str(error.message) + "".join(map(str, error.errors))
    assert refused(sample("xxe.xml")).message == cap.HAS_DOCTYPE


def test_billion_laughs_is_refused_without_expanding(tree, parser_must_not_run):
    assert refused(sample("billion_laughs.xml")).message == cap.HAS_DOCTYPE


def test_doctype_in_utf16_is_refused_too(tree, parser_must_not_run):
    xml = sample("xxe.xml").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert refused(xml).message == cap.HAS_DOCTYPE


def test_the_parser_itself_resolves_nothing(tmp_path):
    """Second line of defence, should a DOCTYPE ever get past the check: entities are left unresolved."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    xml = f'<!DOCTYPE a [<!ENTITY x SYSTEM "{secret.as_uri()}">]><a>&x;</a>'.encode()
    root = etree.fromstring(xml, cap._parser())
    assert "TOP-SECRET-MARKER" not in etree.tostring(root, encoding="unicode")


def test_pretty_prints_the_stored_message(tree):
    alert, _ = cap.alert_import(actor=None, content=sample("cold_wave_blue.xml"))
    shown = cap.pretty(alert.raw)
    assert "\n    <event>寒潮</event>" in shown
    assert cap.pretty("不是 XML") == "不是 XML"
    assert alert.expires - alert.onset == timedelta(days=2)

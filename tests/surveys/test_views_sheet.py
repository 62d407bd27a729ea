"""The phone form: a household's answers through the test client — counted, pre-filled, errors next to
the question, one sheet per double tap, photos kept under MEDIA_ROOT, and who may open it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import GOOD_P6, TOWNSHIP, make_premises, make_response, make_round
from tests.surveys.html import text_of
from warmwinter.audit.models import Event
from warmwinter.hazards.models import Hazard
from warmwinter.surveys import selectors
from warmwinter.surveys.models import SurveyResponse, SurveyRound, SurveyTemplate

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def as_form(answers: dict) -> dict:
    """Answers as the phone posts them: yes/no as "true"/"false", each question as q_<key>."""
    return {f"q_{k}": ("true" if v else "false") if isinstance(v, bool) else v for k, v in answers.items()}


def text_of_html(html: str, element_id: str) -> str:
    """The markup inside the element with this id (links included)."""
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</ul>", start)]


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"(?: value="([^"]*)")?', html)[1] or ""


@pytest.fixture
def world(tree):
    home = make_household(VILLAGE, members=["张大山", "李秀英", "张小明"], address="金钟社区2组15号")
    make_household(VILLAGE, members=["王五"])
    return {"round": make_round(TOWNSHIP, name="六项检查"), "home": home,
            "clerk": make_member("village_clerk", VILLAGE, username="clerk")}


def url(world) -> str:
    return f"/surveys/{world['round'].pk}/households/{world['home'].pk}/"


def member_ids(home) -> list[str]:
    return [str(pk) for pk in home.members.order_by("id").values_list("pk", flat=True)]


def test_form_shows_head_address_members_and_questions(world):
    html = client_for(world["clerk"]).get(url(world)).content.decode()
    assert "张大山户" in html and "金钟社区2组15号" in html
    assert text_of(html, "members").startswith("见到的家庭成员（在册 3 人，见到谁勾谁）")
    for pk in member_ids(world["home"]):
        assert f'name="persons" value="{pk}"' in html
    assert "住房状况" in html and 'name="q_housing"' in html and 'name="q_photo"' in html
    assert re.fullmatch(r"[0-9a-f]{32}", hidden(html, "client_id"))


def test_submit_counts_the_household_and_lists_the_findings(world):
    client = client_for(world["clerk"])
    page = client.get(url(world)).content.decode()
    seen = member_ids(world["home"])[:2]
    response = client.post(url(world), {**as_form({**GOOD_P6, "heating_method": "none"}), "persons": seen,
                                        "client_id": hidden(page, "client_id"), "notes": " 老人怕冷 "})
    sheet = SurveyResponse.objects.get(household=world["home"])
    assert response.status_code == 302 and response["Location"] == f"/surveys/responses/{sheet.pk}/"
    assert (sheet.persons_covered, sheet.notes, sheet.answers["heating_method"]) == (2, "老人怕冷", "none")
    village = selectors.coverage(world["round"], VILLAGE).total
    assert (village.surveyed, village.units, village.persons_covered, village.persons) == (1, 2, 2, 4)
    detail = client.get(response["Location"]).content.decode()
    assert "已保存摸排记录，发现 1 个问题，已列入问题清单。" in detail
    assert text_of(detail, "hazards").startswith("无取暖设施")
    assert text_of(detail, "persons-covered") == "见到人数 2 / 3 人"
    assert text_of(detail, "answer-housing") == "住房状况 安全"
    assert text_of(detail, "answer-temporary_assistance") == "需要临时救助的情形 —"
    hazard = Hazard.objects.get(response=sheet)
    assert hazard.title == "无取暖设施"
    assert f'href="/hazards/{hazard.pk}/"' in text_of_html(detail, "hazards")


def test_double_tap_stores_one_sheet(world):
    client = client_for(world["clerk"])
    page = client.get(url(world)).content.decode()
    data = {**as_form(GOOD_P6), "persons": member_ids(world["home"]), "client_id": hidden(page, "client_id")}
    first = client.post(url(world), data)
    second = client.post(url(world), data)
    assert first["Location"] == second["Location"]
    assert SurveyResponse.objects.filter(household=world["home"]).count() == 1
    assert Event.objects.filter(action__startswith="survey_response.").count() == 1


def test_double_tap_on_a_repeat_visit_updates_once(world):
    make_response(world["round"], household=world["home"], answers=GOOD_P6, persons_covered=1)
    client = client_for(world["clerk"])
    page = client.get(url(world)).content.decode()
    assert hidden(page, "version") == "1"
    data = {**as_form({**GOOD_P6, "water_ok": False}), "persons": member_ids(world["home"]),
            "client_id": hidden(page, "client_id"), "version": "1"}
    assert client.post(url(world), data).status_code == 302
    again = client.post(url(world), data)
    assert again.status_code == 302  # the stored sheet already says this: no "changed meanwhile"
    sheet = SurveyResponse.objects.get(household=world["home"])
    assert (sheet.version, sheet.answers["water_ok"], sheet.persons_covered) == (2, False, 3)
    assert Event.objects.filter(action="survey_response.update").count() == 1


def test_someone_else_s_change_meanwhile_is_not_overwritten(world):
    make_response(world["round"], household=world["home"], answers=GOOD_P6, persons_covered=1)
    client = client_for(world["clerk"])
    page = client.get(url(world)).content.decode()
    SurveyResponse.objects.filter(household=world["home"]).update(version=2, answers={**GOOD_P6, "housing": "old"})
    html = client.post(url(world), {**as_form(GOOD_P6), "client_id": hidden(page, "client_id"), "version": "1"}).content.decode()
    assert "该记录已被他人修改，请刷新后重试。" in html
    assert SurveyResponse.objects.get(household=world["home"]).answers["housing"] == "old"


def test_missing_answer_is_shown_next_to_its_question_and_nothing_is_stored(world):
    client = client_for(world["clerk"])
    page = client.get(url(world)).content.decode()
    answers = {k: v for k, v in GOOD_P6.items() if k != "housing"}
    html = client.post(url(world), {**as_form(answers), "q_heating_method": "茅草", "client_id": hidden(page, "client_id")}).content.decode()
    assert text_of(html, "question-q_housing").endswith("该字段是必填项。")
    assert "选择一个有效的选项" in text_of(html, "question-q_heating_method")
    assert "有 2 处需要修改" in text_of(html, "form-errors")
    assert re.search(r'<input type="radio" name="q_water_ok" value="true"[^>]*checked', html)  # what was answered stays
    assert hidden(html, "client_id") == hidden(page, "client_id")
    assert not SurveyResponse.objects.exists()


def test_repeat_visit_starts_from_the_previous_round(world):
    earlier = make_round(TOWNSHIP, name="上一轮")
    make_response(earlier, household=world["home"], answers={**GOOD_P6, "housing": "leaking", "temporary_assistance": ["homeless"]})
    html = client_for(world["clerk"]).get(url(world)).content.decode()
    assert "已带出上次摸排（上一轮" in text_of(html, "prefill-note")
    assert re.search(r'<input type="radio" name="q_housing" value="leaking"[^>]*checked', html)
    assert re.search(r'<input type="checkbox" name="q_temporary_assistance" value="homeless"[^>]*checked', html)
    assert not re.search(r'name="persons" value="\d+"[^>]*checked', html)  # who is home today is asked afresh


def test_this_round_s_answers_come_before_the_earlier_round(world):
    earlier = make_round(TOWNSHIP, name="上一轮")
    make_response(earlier, household=world["home"], answers={**GOOD_P6, "housing": "leaking"})
    make_response(world["round"], household=world["home"], answers={**GOOD_P6, "housing": "old"}, persons_covered=2, notes="再访")
    html = client_for(world["clerk"]).get(url(world)).content.decode()
    assert "本户本次已于" in text_of(html, "prefill-note")
    assert re.search(r'<input type="radio" name="q_housing" value="old"[^>]*checked', html)
    assert len(re.findall(r'name="persons" value="\d+"[^>]*checked', html)) == 2
    assert "再访" in html


def test_answers_of_another_template_are_not_carried_over(world):
    other = SurveyTemplate.objects.create(code="t-other", name="别的表", name_en="Other",
                                          questions=[{"key": "housing", "type": "text", "label": "住房", "label_en": "Housing"}])
    earlier = SurveyRound.objects.create(template=other, region_id=TOWNSHIP, name="别的", starts_on=world["round"].starts_on,
                                         ends_on=world["round"].ends_on)
    make_response(earlier, household=world["home"], answers={"housing": "dangerous"})
    html = client_for(world["clerk"]).get(url(world)).content.decode()
    assert 'id="prefill-note"' not in html
    assert not re.search(r'name="q_housing" value="dangerous"[^>]*checked', html)


def test_photo_is_stored_under_the_sheet_and_served_to_readers(world):
    client = client_for(world["clerk"])
    page = client.get(url(world)).content.decode()
    photo = SimpleUploadedFile("stove.png", PNG, content_type="image/png")
    client.post(url(world), {**as_form(GOOD_P6), "q_photo": photo, "client_id": hidden(page, "client_id")})
    sheet = SurveyResponse.objects.get(household=world["home"])
    name = sheet.answers["photo"]
    assert name.startswith(f"surveys/{sheet.pk}/photo-") and name.endswith(".png")
    assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == PNG
    served = client.get(f"/surveys/responses/{sheet.pk}/photo/?q=photo")
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    assert client.get(f"/surveys/responses/{sheet.pk}/photo/?q=housing").status_code == 404
    # An answer naming some other stored file (as the API could write) is not served.
    other = Path(settings.MEDIA_ROOT) / "imports" / "ledger.xlsx"
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(b"PK")
    SurveyResponse.objects.filter(pk=sheet.pk).update(answers={**sheet.answers, "photo": "imports/ledger.xlsx"})
    assert client.get(f"/surveys/responses/{sheet.pk}/photo/?q=photo").status_code == 404
    SurveyResponse.objects.filter(pk=sheet.pk).update(answers=sheet.answers)
    # A re-visit without a new photo keeps the one stored.
    page = client.get(url(world)).content.decode()
    client.post(url(world), {**as_form({**GOOD_P6, "wiring_ok": False}), "client_id": hidden(page, "client_id"), "version": "2"})
    sheet.refresh_from_db()
    assert sheet.answers["photo"] == name and sheet.answers["wiring_ok"] is False


def test_a_file_that_is_not_a_picture_is_refused_next_to_the_photo_question(world):
    client = client_for(world["clerk"])
    page = client.get(url(world)).content.decode()
    bad = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    html = client.post(url(world), {**as_form(GOOD_P6), "q_photo": bad, "client_id": hidden(page, "client_id")}).content.decode()
    assert "照片只接受 JPG、PNG、WEBP、HEIC 格式。" in text_of(html, "question-q_photo")
    assert not SurveyResponse.objects.exists()


def test_who_may_open_the_form(world):
    assert client_for(make_member("helper", VILLAGE, username="helper")).get(url(world)).status_code == 200
    assert client_for(make_member("village_clerk", OTHER_VILLAGE, username="next_door")).get(url(world)).status_code == 404
    supervisor = make_member("supervisor", "520402000000", username="sup")
    assert client_for(supervisor).get(url(world)).status_code == 403  # sees the round, may not answer
    assert client_for(supervisor).post(url(world), as_form(GOOD_P6)).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_closed_round_shows_no_form_and_takes_nothing(world):
    SurveyRound.objects.filter(pk=world["round"].pk).update(status="closed")
    client = client_for(world["clerk"])
    html = client.get(url(world)).content.decode()
    assert "该摸排已结束，不能再提交。" in html and 'id="sheet-form"' not in html
    client.post(url(world), {**as_form(GOOD_P6), "client_id": "c" * 32})
    assert not SurveyResponse.objects.exists()


def test_premises_round_form_and_the_wrong_subject(world):
    fire = SurveyTemplate.objects.create(
        code="t-fire", name="消防自查", name_en="Fire", subject="premises",
        questions=[{"key": "exits_clear", "type": "yesno", "label": "疏散通道畅通", "label_en": "Exits clear", "required": True}],
        rules=[{"key": "exits", "when": {"q": "exits_clear", "op": "no"}, "category": "evacuation_blocked", "severity": "major",
                "title": "疏散通道堵塞", "title_en": "Exits blocked"}],
    )
    round_ = SurveyRound.objects.create(template=fire, region_id=TOWNSHIP, name="场所消防", starts_on=world["round"].starts_on,
                                        ends_on=world["round"].ends_on)
    shop = make_premises(VILLAGE, name="金钟超市")
    client = client_for(world["clerk"])
    page = client.get(f"/surveys/{round_.pk}/premises/{shop.pk}/").content.decode()
    assert "金钟超市" in page and 'name="inspectors"' in page and 'name="persons"' not in page
    client.post(f"/surveys/{round_.pk}/premises/{shop.pk}/", {"q_exits_clear": "false", "inspectors": "张三、李四",
                                                            "client_id": hidden(page, "client_id")})
    sheet = SurveyResponse.objects.get(premises=shop)
    assert (sheet.inspectors, sheet.answers) == ("张三、李四", {"exits_clear": False})
    assert Hazard.objects.get(response=sheet).title == "疏散通道堵塞"
    assert selectors.coverage(round_, VILLAGE).total.surveyed == 1
    # A premises in a household round (and a household in a premises round) is refused, not a server error.
    assert client.get(f"/surveys/{world['round'].pk}/premises/{shop.pk}/").status_code == 400
    assert client.get(f"/surveys/{round_.pk}/households/{world['home'].pk}/").status_code == 400

"""The answer sheet behind the phone form: what to pre-fill, photos, and one stored sheet per double tap."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import uuid4

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from warmwinter.core.errors import Conflict, DomainError
from warmwinter.surveys import schema, services
from warmwinter.surveys.choices import QuestionType, ResponseKind
from warmwinter.surveys.models import SurveyResponse, SurveyRound
from warmwinter.surveys.views.common import form_error

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"}
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
MAX_PHOTO = 10 * 1024 * 1024
PHOTO_TYPE = _("照片只接受 JPG、PNG、WEBP、HEIC 格式。")
PHOTO_SIZE = _("照片不能超过 10 MB。")


def current_sheet(round_: SurveyRound, *, household=None, premises=None) -> SurveyResponse | None:
    """This round's sheet of the household (or premises), if one was stored."""
    return (SurveyResponse.objects.filter(round=round_, kind=ResponseKind.SURVEY, household=household, premises=premises)
            .select_related("round").first())


def earlier_sheet(round_: SurveyRound, *, household=None, premises=None) -> SurveyResponse | None:
    """The latest sheet of an earlier round of the same template: a repeat visit starts from it."""
    subject = {"household": household} if household is not None else {"premises": premises}
    return (SurveyResponse.objects.filter(kind=ResponseKind.SURVEY, template__code=round_.template.code, round__isnull=False, **subject)
            .exclude(round=round_).select_related("round").order_by("-visited_at", "-id").first())


def member_choices(household, today: date) -> list[tuple[str, str]]:
    """(person id, “name（relation · age）”) of the living members, the head first."""
    members = sorted((m for m in household.members.all() if m.alive), key=lambda m: (m.pk != household.head_id, m.pk))
    choices = []
    for m in members:
        facts = [str(m.get_relation_display())]
        if m.birth_date:
            age = today.year - m.birth_date.year - ((today.month, today.day) < (m.birth_date.month, m.birth_date.day))
            facts.append(_("%(n)s 岁") % {"n": age})
        choices.append((str(m.pk), f"{m.name}（{' · '.join(str(f) for f in facts)}）"))
    return choices


def new_client_id() -> str:
    return uuid4().hex


def _photo_keys(template) -> set[str]:
    return {q["key"] for q in template.questions if q["type"] == QuestionType.PHOTO}


def photos_ok(form) -> bool:
    """Photos must be pictures of at most 10 MB; an error goes next to its question."""
    ok = True
    for key, upload in form.photo_uploads().items():
        if (upload.content_type or "").lower() not in PHOTO_TYPES:
            form.add_error(f"q_{key}", PHOTO_TYPE)
            ok = False
        elif upload.size > MAX_PHOTO:
            form.add_error(f"q_{key}", PHOTO_SIZE)
            ok = False
    return ok


def photos_store(folder: str, uploads: dict) -> dict[str, str]:
    """Save uploads under MEDIA_ROOT/<folder>/ (default_storage); question key → stored name."""
    stored = {}
    for key, upload in uploads.items():
        suffix = Path(upload.name or "").suffix.lower()
        name = f"{folder}/{key}-{uuid4().hex[:8]}{suffix if suffix in PHOTO_SUFFIXES else ''}"
        stored[key] = default_storage.save(name, upload)
    return stored


def photos_drop(stored: dict[str, str]) -> None:
    for name in stored.values():
        default_storage.delete(name)


def same_content(template, stored: SurveyResponse, answers: dict, persons: int | None, notes: str) -> bool:
    """Does the stored sheet already say this (photos aside)? Then a second tap changes nothing."""
    clean, errors = schema.clean_answers(template.questions, answers)
    if errors:
        return False
    photos = _photo_keys(template)

    def without_photos(values: dict) -> dict:
        return {k: v for k, v in values.items() if k not in photos}

    return (without_photos(stored.answers) == without_photos(clean) and (persons is None or stored.persons_covered == persons)
            and stored.notes == notes.strip())


def show_error(form, sheet, exc: DomainError) -> None:
    """A service's refusal on the phone form: persons on the member list, answers next to their question."""
    if exc.field == "persons_covered" and "persons" in sheet.fields:
        sheet.add_error("persons", str(exc.message))
    elif exc.field == "client_id":
        sheet.add_error(None, str(exc.message))
    else:
        form_error(form, exc)


def sheet_submit(*, actor, round_: SurveyRound, form, sheet, current: SurveyResponse | None,
                 household=None, premises=None) -> SurveyResponse | None:
    """Store the answers of the phone form; None when the forms now carry errors to show.

    A double tap sends the same client_id: the sheet stored by the first tap is returned. A new
    sheet's photos need its id for their folder, so they are added by a second, audited save."""
    data = sheet.cleaned_data
    client_id = data["client_id"]
    already = SurveyResponse.objects.filter(client_id=client_id, round=round_, household=household, premises=premises).first()
    if already is not None:
        return already
    if not photos_ok(form):
        return None
    template = round_.template
    kept = {k: v for k, v in (current.answers if current else {}).items() if k in _photo_keys(template)}
    answers = {**kept, **form.answers()}
    persons = len(data["persons"]) if household is not None else None
    # Started from no sheet but one exists now: version 0 never matches, so it is a conflict, not an overwrite.
    version = data["version"] if data["version"] is not None else (0 if current is not None else None)
    fields = dict(actor=actor, round_=round_, household=household, premises=premises, persons_covered=persons,
                  notes=data["notes"], inspectors=data.get("inspectors") or "")
    uploads = form.photo_uploads()
    stored: dict[str, str] = {}
    try:
        if current is not None and uploads:
            stored = photos_store(f"surveys/{current.pk}", uploads)
        response = services.response_submit(answers={**answers, **stored}, client_id=client_id, version=version, **fields)
        if current is None and uploads:
            stored = photos_store(f"surveys/{response.pk}", uploads)
            response = services.response_submit(answers={**answers, **stored}, version=response.version, **fields)
    except Conflict as exc:
        photos_drop(stored)
        if current is not None:
            latest = SurveyResponse.objects.get(pk=current.pk)
            if same_content(template, latest, answers, persons, data["notes"]):
                return latest  # the second tap of a re-visit: the first one already saved it
        show_error(form, sheet, exc)
        return None
    except DomainError as exc:
        photos_drop(stored)
        show_error(form, sheet, exc)
        return None
    return response

"""Walk the audit chain and name the first event that does not fit."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from warmwinter.audit.chain import GENESIS, event_hash
from warmwinter.audit.models import ChainHead, Event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Recompute every hash in seq order; stop at the first break."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for event in Event.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, _("第 %(seq)s 号事件缺失（被删除或顺序被改动）。") % {"seq": expected_seq})
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, _("第 %(seq)s 号事件与前一事件不相连（前面的事件被删除、改动或调换了顺序）。") % {"seq": event.seq})
        if event_hash(event) != event.hash:
            return ChainReport(False, checked, event.seq, _("第 %(seq)s 号事件的内容被改动。") % {"seq": event.seq})
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = ChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, "")
    if head_seq != checked or (checked and head_hash != prev_hash):
        return ChainReport(False, checked, checked + 1, _("链尾与记录不符：第 %(seq)s 号及之后的事件被删除。") % {"seq": checked + 1})
    return ChainReport(True, checked)


def anchor_verify(*, seq: int, hash: str) -> ChainReport | None:
    """An anchor (seq and hash written down outside the database earlier) must still be in the
    chain: this catches cutting events off the end and rewinding the head row, which the chain
    alone cannot. None when it holds."""
    event = Event.objects.filter(seq=seq).only("seq", "hash").first()
    if event is None:
        return ChainReport(False, 0, seq, _("锚定的第 %(seq)s 号事件已不存在：链尾被截断。") % {"seq": seq})
    if event.hash != hash:
        return ChainReport(False, 0, seq, _("第 %(seq)s 号事件与锚定的哈希不符。") % {"seq": seq})
    return None


def chain_head() -> tuple[int, str]:
    head = ChainHead.objects.filter(id=1).first()
    return (head.seq, head.hash) if head else (0, "")

"""Reasons of a grade in the reader's language (the subject page, the portal, exports, ``evaluate``).

The engine stores reasons as data — the rule's label from the scheme, counts, points, documents — and
they are worded here, so the same grade reads in Chinese or English."""

from decimal import Decimal

from django.utils.translation import gettext as _


def reason_text(reason: dict) -> str:
    label = reason.get("rule", "")
    if (
        "adjusted_from" in reason
    ):  # the credit office's adjustment of a run's grade (writer.grade_adjusted_write)
        text = _("%(rule)s (was %(before)s): %(reason)s") % {
            "rule": label,
            "before": reason["adjusted_from"] or "—",
            "reason": reason.get("reason", ""),
        }
    elif "input_grade" in reason:
        text = _("%(rule)s (county grade %(grade)s)") % {"rule": label, "grade": reason["input_grade"]}
    elif "points" in reason:
        points = Decimal(reason["points"])
        text = _("%(rule)s: %(count)s record(s), %(points)s points") % {
            "rule": label,
            "count": reason.get("count", 0),
            "points": f"{'+' if points > 0 else ''}{points.normalize():f}",
        }
    elif "range" in reason:
        best, worst = reason["range"]
        text = (
            _("%(rule)s: level %(best)s") % {"rule": label, "best": best}
            if best == worst
            else _("%(rule)s: level between %(best)s and %(worst)s")
            % {"rule": label, "best": best, "worst": worst}
        )
    elif "count" in reason:
        unit = _("decision(s)") if reason.get("unit") == "decisions" else _("record(s)")
        text = _("%(rule)s: %(count)s %(unit)s") % {"rule": label, "count": reason["count"], "unit": unit}
        if reason.get("fines"):
            text += _(", fines %(amount)s yuan in all") % {"amount": f"{Decimal(reason['fines']):,.2f}"}
    else:
        text = label
    if reason.get("documents"):
        text += _(" (documents: %(documents)s)") % {"documents": "、".join(reason["documents"])}
    return text


def reasons_text(reasons: list[dict]) -> list[str]:
    return [reason_text(r) for r in reasons]

"""Charts of the yearly summary as inline SVG, drawn on the server.

The page must render on an office network without internet access, so there is no chart library and
no external address at all: the markup below is the whole chart, with a <title> per bar for the
numbers and an aria-label for screen readers.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

NOW_COLOUR = "#b71c1c"
BEFORE_COLOUR = "#90a4ae"
UP_COLOUR = "#2e7d32"
DOWN_COLOUR = "#c62828"
INK = "#1f2933"
GRID = "#d9dee4"
FONT = 'font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"'


def _nice_max(value: int) -> int:
    """The axis maximum: the smallest of 1, 2, 2.5, 5 × 10^k not below the value."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude) if step * magnitude >= 1 else 1
    return value  # pragma: no cover - the loop always returns


def grouped_bars(
    *, title: str, categories: list[str], series: list[tuple[str, list[int], str]], width: int = 640
) -> SafeString:
    """Vertical bars per category, one per series (this year, last year), with a legend."""
    height, left, right, top, bottom = 280, 48, 12, 40, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max([v for _label, values, _c in series for v in values] + [0]))
    group = plot_w / max(len(categories), 1)
    bar = min(28.0, group * 0.8 / max(len(series), 1))
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}" {FONT} font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):  # grid lines and the axis labels
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        label = f"{value:g}" if value != int(value) else f"{int(value)}"
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">{label}</text>')
    for c, category in enumerate(categories):
        x0 = left + group * c + (group - bar * len(series)) / 2
        for s, (label, values, colour) in enumerate(series):
            value = values[c]
            h = plot_h * value / top_value
            x, y = x0 + bar * s, top + plot_h - h
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(category)} · {escape(label)}: {value}</title></rect>'
            )
            if value:
                parts.append(
                    f'<text x="{x + (bar - 2) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                    f'font-size="10" fill="{INK}">{value}</text>'
                )
        parts.append(
            f'<text x="{left + group * c + group / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
            f'fill="{INK}">{escape(category)}</text>'
        )
    x = left
    for label, _values, colour in series:  # legend
        parts.append(f'<rect x="{x}" y="12" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="22" fill="{INK}">{escape(label)}</text>')
        x += 24 + 13 * len(label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def change_bars(*, title: str, items: list[tuple[str, int]], width: int = 640) -> SafeString:
    """Horizontal bars around a zero line: growth to the right in green, decline to the left in red."""
    row, left, top = 26, 120, 30
    height = top + row * len(items) + 16
    centre = left + (width - left - 16) / 2
    half = (width - left - 16) / 2 - 30
    top_value = _nice_max(max([abs(v) for _label, v in items] + [0]))
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}" {FONT} font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{centre:.1f}" y1="{top - 6}" x2="{centre:.1f}" y2="{height - 10}" stroke="{INK}"/>',
    ]
    for i, (label, value) in enumerate(items):
        y = top + row * i
        w = half * abs(value) / top_value
        x = centre if value >= 0 else centre - w
        colour = UP_COLOUR if value >= 0 else DOWN_COLOUR
        sign = "+" if value > 0 else ""
        parts.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" fill="{INK}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y + 2}" width="{max(w, 1):.1f}" height="{row - 8}" '
            f'fill="{colour}"><title>{escape(label)}: {sign}{value}</title></rect>'
        )
        tx = centre + w + 4 if value >= 0 else centre - w - 4
        anchor = "start" if value >= 0 else "end"
        parts.append(
            f'<text x="{tx:.1f}" y="{y + 14}" text-anchor="{anchor}" fill="{INK}">{sign}{value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped

"""The server-drawn charts: scaled to the data, every text escaped, nothing fetched."""

import re

from reports.charts import _nice_max, change_bars, grouped_bars


def test_the_axis_maximum_is_a_round_number_not_below_the_data():
    assert [_nice_max(v) for v in (0, 1, 3, 7, 12, 26, 480, 100_001)] == [1, 1, 5, 10, 20, 50, 500, 200_000]


def test_bars_are_proportional_and_labels_escaped():
    svg = grouped_bars(
        title="<script>x</script>",
        categories=["A", "<b>"],
        series=[("去年", [10, 0], "#999"), ("今年", [20, 5], "#b71c1c")],
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    heights = [float(h) for h in re.findall(r'<rect class="bar" [^>]*height="([\d.]+)"', svg)]
    # Series by category: (去年 A, 今年 A, 去年 <b>, 今年 <b>); the axis tops at 20.
    assert heights[1] == 2 * heights[0] and heights[2] == 0 and heights[3] == heights[1] / 4
    assert "http" not in svg and "<script" not in svg


def test_change_bars_grow_right_for_growth_and_left_for_decline():
    svg = change_bars(title="变化", items=[("A", 4), ("B", -2), ("C", 0)])
    bars = re.findall(
        r'<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*fill="(#[0-9a-f]+)"', svg
    )
    (ax, aw, acolour), (bx, bw, bcolour), _c = bars
    assert float(aw) == 2 * float(bw) and acolour != bcolour
    assert float(bx) + float(bw) == float(ax)  # decline ends where growth starts: the zero line
    assert "+4" in svg and "-2" in svg

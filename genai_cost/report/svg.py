"""Inline SVG charts for the HTML report (no scripts, no network: the file opens anywhere).

Every text that reaches the SVG is XML-escaped here; the report template marks only these
strings as safe.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

from genai_cost.report.sanitize import plain


def escape(text: str) -> str:
    """XML-escaped, without control characters."""
    return html.escape(plain(text))


PALETTE = (
    "#2563eb",
    "#dc2626",
    "#16a34a",
    "#9333ea",
    "#ea580c",
    "#0891b2",
    "#4b5563",
    "#ca8a04",
    "#db2777",
    "#65a30d",
)
WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 80, 20, 20, 60


def _money(value: float) -> str:
    """Money on an axis or a chart label: $100k, $1.5M, $12.3k, -$60k, $0.5."""
    sign, value = ("-" if value < 0 else ""), abs(value)
    if value >= 1e6:
        return f"{sign}${value / 1e6:,.3g}M"
    if value >= 1e3:
        return f"{sign}${value / 1e3:,.3g}k"
    return f"{sign}${value:,.3g}"


def nice_ticks(low: float, high: float, log: bool, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: 1-2-5 steps on a linear axis; on a log axis
    the powers of ten, with 2 and 5 between them when few decades are shown."""
    if high <= low:
        return [low]
    if log:
        if low <= 0:
            return []
        first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
        steps = (1.0, 2.0, 5.0) if last - first <= 3 else (1.0,)
        ticks = [m * 10.0**e for e in range(first, last + 1) for m in steps]
        return [t for t in ticks if low * (1 - 1e-9) <= t <= high * (1 + 1e-9)]
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _count(value: float) -> str:
    """A volume for an axis label: 2M, 500k, 20."""
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.3g}B"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.3g}M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:,.3g}k"
    return f"{value:,.3g}"


def _axis_scale(low: float, high: float, log: bool) -> tuple[Any, float, float]:
    if log:
        lo, hi = math.log10(low), math.log10(high)
        return (lambda v: (math.log10(v) - lo) / (hi - lo) if hi > lo else 0.5), lo, hi
    return (lambda v: (v - low) / (high - low) if high > low else 0.5), low, high


def _polyline(
    xs: Sequence[float],
    ys: Sequence[float | None],
    x_axis: tuple[float, float, bool],
    y_axis: tuple[float, float, bool],
    plot_w: float,
    plot_h: float,
) -> str:
    """SVG points of a series in pixels, vectorized; points on a straight run are dropped (a
    line in log-log space needs two, a capacity step its corners), so a 400-point sweep draws
    as a handful of points and a report of thousands of charts stays small and fast."""
    import numpy as np

    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray([np.nan if v is None else v for v in ys], dtype=np.float64)
    keep = np.isfinite(y) & ((y > 0) | (not y_axis[2]))
    x, y = x[keep], y[keep]
    if not x.size:
        return ""

    def scale(v: Any, low: float, high: float, log: bool) -> Any:
        if log:
            low, high, v = math.log10(low), math.log10(high), np.log10(v)
        return (v - low) / (high - low) if high > low else np.full(v.shape, 0.5)

    px = LEFT + plot_w * scale(x, *x_axis)
    py = TOP + plot_h * (1 - scale(y, *y_axis))
    if px.size > 2:
        # keep the ends and every point more than 0.1 px off the line through its neighbours
        cross = (px[1:-1] - px[:-2]) * (py[2:] - py[:-2]) - (py[1:-1] - py[:-2]) * (
            px[2:] - px[:-2]
        )
        span = np.hypot(px[2:] - px[:-2], py[2:] - py[:-2])
        bend = np.concatenate([[True], np.abs(cross) > 0.1 * np.maximum(span, 1e-9), [True]])
        px, py = px[bend], py[bend]
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px.tolist(), py.tolist(), strict=True))


def line_chart(
    title: str,
    series: Mapping[str, Sequence[float | None]],
    xs: list[float],
    *,
    log_x: bool = False,
    log_y: bool = False,
    x_label: str = "",
    y_label: str = "USD a month",
    markers: list[float] | None = None,
    today: float | None = None,
    money_x: bool = False,
) -> str:
    """Lines over a shared x; log axes skip non-positive values. Axes carry round ticks;
    `markers` are dashed lines (break-even volumes), `today` a solid one labelled "today"."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    ys = [
        y
        for values in series.values()
        for y in values
        if y is not None and math.isfinite(y) and (y > 0 or not log_y)
    ]
    if not ys or not xs:
        return ""
    y_low, y_high = min(ys), max(ys)
    if not log_y:
        y_low = min(0.0, y_low)
    y_top = y_high if y_high > y_low else y_low + 1
    fx, _, _ = _axis_scale(min(xs), max(xs), log_x)
    fy, _, _ = _axis_scale(y_low, y_top, log_y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" '
        'stroke="#d1d5db"/>',
    ]
    for value in nice_ticks(y_low, y_top, log_y):
        y = TOP + plot_h * (1 - fy(value))
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#f3f4f6"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end">{escape(_money(value))}</text>'
        )
    for value in nice_ticks(min(xs), max(xs), log_x):
        x = LEFT + plot_w * fx(value)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" '
            'stroke="#6b7280"/>'
            f'<text class="tick" x="{x:.1f}" y="{TOP + plot_h + 16}" font-size="11" '
            f'text-anchor="middle">{escape(_money(value) if money_x else _count(value))}</text>'
        )
    for k, (label, values) in enumerate(series.items()):
        points = _polyline(
            xs, values, (min(xs), max(xs), log_x), (y_low, y_top, log_y), plot_w, plot_h
        )
        color = PALETTE[k % len(PALETTE)]
        parts.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" '
            f'points="{points}"><title>{escape(label)}</title></polyline>'
        )
        parts.append(
            f'<rect x="{LEFT + 10}" y="{TOP + 8 + 16 * k}" width="10" height="10" '
            f'fill="{color}"/><text x="{LEFT + 26}" y="{TOP + 17 + 16 * k}" '
            f'font-size="11">{escape(label)}</text>'
        )
    for x in markers or []:
        if min(xs) <= x <= max(xs):
            px = LEFT + plot_w * fx(x)
            parts.append(
                f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                'stroke="#111827" stroke-dasharray="4 3"/>'
            )
    if today is not None and min(xs) <= today <= max(xs):
        px = LEFT + plot_w * fx(today)
        parts.append(
            f'<line class="today" x1="{px:.1f}" x2="{px:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
            'stroke="#16a34a" stroke-width="2"/>'
            f'<text x="{px + 4:.1f}" y="{TOP + plot_h - 6}" font-size="11" fill="#16a34a">'
            f"today ({escape(_count(today))})</text>"
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 20}" font-size="12" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text x="14" y="{TOP + plot_h / 2}" font-size="12" transform="rotate(-90 14 '
        f'{TOP + plot_h / 2})" text-anchor="middle">{escape(y_label)}</text></svg>'
    )
    return "".join(parts)


def bar_chart(title: str, bars: Sequence[tuple[str, float | None]]) -> str:
    """Horizontal bars, e.g. the monthly cost of each feasible option."""
    shown = [(label, value) for label, value in bars if value is not None and value >= 0]
    if not shown:
        return ""
    row, label_w = 26, 300
    height = TOP + row * len(shown) + 20
    top = max(v for _, v in shown) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for k, (label, value) in enumerate(shown):
        y = TOP + k * row
        width = (WIDTH - label_w - 120) * value / top
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" font-size="12" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{max(width, 1):.1f}" height="16" '
            f'fill="{PALETTE[k % len(PALETTE)]}"/>'
        )
        parts.append(
            f'<text x="{label_w + max(width, 1) + 6:.1f}" y="{y + 16}" font-size="12">'
            f"{escape(f'${value:,.2f}')}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def band_chart(title: str, quantiles: Mapping[str, float]) -> str:
    """P10–P90 band with the P50 marked, for uncertainty."""
    p10, p50, p90 = quantiles["p10"], quantiles["p50"], quantiles["p90"]
    low, high = min(0.0, p10), p90 * 1.1 if p90 > 0 else 1.0
    height = 110

    def x(v: float) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (v - low) / (high - low)

    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" '
            f'height="{height}" viewBox="0 0 {WIDTH} {height}"><title>{escape(title)}</title>',
            f'<rect x="{x(p10):.1f}" y="30" width="{max(x(p90) - x(p10), 1):.1f}" height="30" '
            'fill="#bfdbfe" stroke="#2563eb"/>',
            f'<line x1="{x(p50):.1f}" x2="{x(p50):.1f}" y1="24" y2="66" stroke="#1d4ed8" '
            'stroke-width="3"/>',
            *(
                f'<text x="{x(v):.1f}" y="84" font-size="11" text-anchor="middle">'
                f"{escape(name)} {escape(_money(v))}</text>"
                for name, v in (("P10", p10), ("P50", p50), ("P90", p90))
            ),
            "</svg>",
        ]
    )


def tornado_chart(title: str, bars: Sequence[Mapping[str, Any]]) -> str:
    """The inputs' swings of the monthly bill: per input, a bar from the bill at its P10 to
    the bill at its P90, widest first, around a line at the bill of the median inputs."""
    shown = [
        b
        for b in bars
        if b.get("cost_at_p10_usd") is not None and b.get("cost_at_p90_usd") is not None
    ]
    if not shown:
        return ""
    shown = sorted(shown, key=lambda b: -abs(b["cost_at_p90_usd"] - b["cost_at_p10_usd"]))
    values = [v for b in shown for v in (b["cost_at_p10_usd"], b["cost_at_p90_usd"])]
    low, high = min(values), max(values)
    if high <= low:
        high = low + 1
    pad = (high - low) * 0.05
    low, high = low - pad, high + pad
    row, label_w = 26, 260
    plot_w = WIDTH - label_w - RIGHT
    height = TOP + row * len(shown) + 40

    def x(v: float) -> float:
        return float(label_w + plot_w * (v - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart tornado" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for k, b in enumerate(shown):
        y = TOP + k * row
        a, c = sorted((b["cost_at_p10_usd"], b["cost_at_p90_usd"]))
        name = b["input"] + (f" ({b['workload']})" if b.get("workload") else "")
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" font-size="12" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect x="{x(a):.1f}" y="{y + 4}" width="{max(x(c) - x(a), 1):.1f}" height="16" '
            f'fill="{PALETTE[0]}"><title>{escape(_money(a))} – {escape(_money(c))}</title></rect>'
        )
    base = TOP + row * len(shown)
    for value in nice_ticks(low, high, False):
        parts.append(
            f'<text class="tick" x="{x(value):.1f}" y="{base + 16}" font-size="11" '
            f'text-anchor="middle">{escape(_money(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)

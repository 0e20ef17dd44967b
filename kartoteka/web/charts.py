"""Charts as inline SVG, drawn on the server: no script, no external library, readable by screen readers."""

from __future__ import annotations

from markupsafe import Markup, escape

PALETTE = ("#1f5f8b", "#c0392b", "#2e8b57", "#b8860b", "#6a3d9a", "#555555", "#d35400", "#17becf")


def bar_chart(title: str, rows: list[tuple[str, int]], *, width: int = 460) -> Markup:
    """Horizontal bars, one per (label, count), with the counts written out."""
    bar_h, gap, label_w = 20, 6, 170
    height = max(1, len(rows)) * (bar_h + gap) + 10
    top = max((c for _, c in rows), default=0) or 1
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, count) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        w = int((width - label_w - 60) * count / top)
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="13">{escape(short)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" fill="{PALETTE[0]}"/>'
                     f'<text x="{label_w + w + 5}" y="{y + 15}" font-size="13">{count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_columns(title: str, series: dict[str, dict[str, int]], *, width: int = 620,
                    height: int = 240) -> tuple[Markup, list[tuple[str, str]]]:
    """One column per period (year), stacked by status; returns the SVG and its legend (status, colour)."""
    keys = sorted({k for per in series.values() for k in per})
    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}
    periods = sorted(series)
    top = max((sum(v.values()) for v in series.values()), default=0) or 1
    plot_h, base, left = height - 40, height - 25, 40
    col_w = max(4, min(40, (width - left - 10) // max(1, len(periods)) - 4))
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{base}" x2="{width - 5}" y2="{base}" stroke="#888"/>',
             f'<text x="{left - 4}" y="{base - plot_h + 10}" text-anchor="end" font-size="11">{top}</text>']
    step = max(1, len(periods) // 12)
    for i, period in enumerate(periods):
        x = left + 4 + i * (col_w + 4)
        y = base
        for k in keys:
            c = series[period].get(k, 0)
            if not c:
                continue
            h = max(1, int(plot_h * c / top))
            y -= h
            parts.append(f'<rect x="{x}" y="{y}" width="{col_w}" height="{h}" fill="{colours[k]}">'
                         f'<title>{escape(period)} {escape(k)}: {c}</title></rect>')
        if i % step == 0:
            parts.append(f'<text x="{x + col_w // 2}" y="{base + 15}" text-anchor="middle" font-size="11">'
                         f'{escape(period)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts)), [(k, colours[k]) for k in keys]

"""The colours and fonts of the HTML report and the viewer, in one place.

Each colour is a JupyterLab CSS variable with a fallback, so the HTML reads in
light and dark themes and outside Jupyter alike.
"""
from __future__ import annotations

FG = "var(--jp-content-font-color1, inherit)"
QUIET_FG = "var(--jp-content-font-color2, #666)"
FAINT_FG = "var(--jp-content-font-color3, #999)"
ERROR_FG = "var(--jp-error-color1, #d32f2f)"
BORDER = "var(--jp-border-color2, #ccc)"
CODE_BG = "var(--jp-cell-editor-background, rgba(127,127,127,0.08))"
CODE_FONT = "font-family:var(--jp-code-font-family, monospace);font-size:var(--jp-code-font-size, 13px);line-height:1.4"
TEXT = f"line-height:1.45;color:{FG};font-size:var(--jp-content-font-size1, 13px)"
ADDED_BG = "rgba(46,160,67,0.22)"
REMOVED_BG = "rgba(248,81,73,0.22)"
BADGE = {
    "faster": "#1a7f37", "not_faster": "#6e7781", "incorrect": "#cf222e",
    "failed": "#9a6700", "unverifiable": "#8250df",
}

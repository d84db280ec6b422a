"""每月通报 as PDF: the printable report's HTML laid out by WeasyPrint, in Debian's Noto CJK fonts.

WeasyPrint finds the fonts through fontconfig (``fonts-noto-cjk``: Noto Sans/Serif CJK SC under
/usr/share/fonts/opentype/noto) and embeds the subset of the glyphs it uses, so the PDF reads the
same on a machine without them. It needs Pango (Debian's libpango-1.0-0, libpangoft2-1.0-0)."""

from __future__ import annotations

import logging

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .report import Report

STYLESHEET = "monitoring/report.css"
# WeasyPrint reports every step and page at INFO ("Step 5 - Creating layout - Page 52"): not for our logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def report_pdf(report: Report) -> bytes:
    from weasyprint import CSS, HTML  # imported on use: loading Pango costs a second at start-up

    html = render_to_string("monitoring/report_pdf.html", {"report": report})
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find(STYLESHEET))])

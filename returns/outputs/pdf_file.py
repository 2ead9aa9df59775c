"""The return as a PDF for the board (WeasyPrint, ``cse_framework.pdf``): marked OFFICIAL, as it
holds aggregates only, suppressed (D14); each figure's chart with its table and definition."""

from cse_framework.pdf import pdf_from_template
from returns.charts import figure_chart
from returns.outputs.layout import Heading
from returns.structure import SYMBOLS, Return
from returns.suppression import suppress

TEMPLATE = "returns/pdf/return.html"


def context(report: Return, heading: Heading) -> dict:
    report = suppress(report)
    return {
        "report": report,
        "heading": heading,
        "sections": [
            (section, [(row, figure_chart(row)) for row in section.rows])
            for section in report.sections
        ],
        "symbols": SYMBOLS,
    }


def pdf_bytes(report: Return, heading: Heading) -> bytes:
    return pdf_from_template(TEMPLATE, context(report, heading)).content

"""The return as an XLSX workbook (openpyxl): one sheet, "Return", in ``layout.COLUMNS``, and a
sheet "Notes" saying what the symbols mean (D14) and how each figure is defined.

The same figures give the same bytes: the workbook's created and modified dates are the
quarter's end, and every part of the zip carries one fixed date, where openpyxl would write the
moment of saving (so it is written with openpyxl's ``ExcelWriter``, not ``Workbook.save``). A
kept return's stored bytes are what a re-download sends; this keeps two builds of the same
figures comparable too.
"""

import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from returns.outputs.layout import COLUMNS, Heading, lines
from returns.structure import SYMBOLS, Return

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold


def xlsx_bytes(report: Return, heading: Heading) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Return"
    sheet.append(COLUMNS)
    for line in lines(report, heading):
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("Notes")
    notes.append(("What", "Meaning"))
    for symbol, meaning in SYMBOLS.items():
        notes.append((symbol, meaning))
    for row in report.rows():
        notes.append((f"{row.code} (definition version {row.version})", row.definition))
    as_at = report.as_at.replace(tzinfo=None)  # the zone is not kept by the format
    workbook.properties.creator = heading.area
    workbook.properties.title = f"CSE quarterly return {report.quarter.code}"
    workbook.properties.created = workbook.properties.modified = as_at
    saved = io.BytesIO()
    # ExcelWriter itself: ``Workbook.save`` would stamp the modified date with the moment.
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _fixed_dates(saved.getvalue())


def _fixed_dates(content: bytes) -> bytes:
    """The same zip, every part dated ``ZIP_DATE``."""
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            info = zipfile.ZipInfo(part.filename, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(part.filename))
    return fixed.getvalue()

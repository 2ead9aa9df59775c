"""The return as CSV (UTF-8, comma-separated, a header line, CRLF line ends as RFC 4180 says),
in ``layout.COLUMNS``."""

import csv
import io

from returns.outputs.layout import COLUMNS, Heading, lines
from returns.structure import Return


def csv_bytes(report: Return, heading: Heading) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(lines(report, heading))
    return text.getvalue().encode("utf-8")

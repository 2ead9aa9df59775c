"""The files of a quarterly return: CSV and XLSX in one column layout (``layout``), and the
board's PDF. Each takes a return and suppresses it first (D14): no file holds a small number."""

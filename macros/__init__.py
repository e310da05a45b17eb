"""VBA source of the workbook's buttons (``*.bas``), shipped with perfeval as package data."""

"""The workbook's VBA project built from text: MS-OVBA compression (``ovba``), the compound
file writer (``cfb``) and the project's assembly from ``macros/*.bas`` (``project``)."""

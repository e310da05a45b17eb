"""perfeval — 部门整体支出绩效自评: score the county's 打分表 from a department's workbook.

The engine (``perfeval.engine.score``) is pure Python over plain data; workbook adapters
live in their own modules and are imported only when used.
"""
__version__ = "0.1.0"

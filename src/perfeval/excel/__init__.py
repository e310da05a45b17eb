"""The live-Excel adapter: what the 重新计算 button runs through xlwings (``adapter``) and the
``perfeval setup-excel`` configuration (``setup``).

The button calls ``RunPython "import perfeval.excel; perfeval.excel.main()"``; this package
is the click path and imports only the engine and, inside ``main``, xlwings.
"""
from .adapter import main

__all__ = ["main"]

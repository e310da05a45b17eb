"""The file adapter: a workbook on disk, read and written without Excel.

``package`` reads the zip package and its tables, ``parts`` edits only the parts perfeval
owns and writes atomically, ``workbook`` is the adapter itself (``recalc``, ``score_file``,
``fill_workbook``, ``new_template``) and ``template`` builds new workbooks with XlsxWriter.
"""

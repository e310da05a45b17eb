"""Installing where the clerk is: offline kits for Windows and Linux, the single-file
``perfeval.pyz``, and the Linux desktop entry (右键 → 打开方式).

``resolve`` checks a folder of wheels against the package's own metadata for a target
(Windows or Linux, a Python version), evaluating environment markers as on that target;
``kits`` builds the offline kits with it; ``pyz`` builds the zipapp; ``desktop`` writes the
freedesktop entry and drop target.  None of this is on the click or recalc path.
"""

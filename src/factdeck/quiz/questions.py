"""The names build.py imports from this former module, until its imports read `factdeck.quiz`.

build.py is being edited on another branch; once both are merged, its two imports
change to `from factdeck.quiz import …` and this module goes.
"""

from factdeck.quiz import Quiz, with_overrides

__all__ = ["Quiz", "with_overrides"]

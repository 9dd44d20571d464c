"""factdeck: vetted, source-cited fact records to Anki decks, worksheets and study materials."""

__version__ = "0.1.0"

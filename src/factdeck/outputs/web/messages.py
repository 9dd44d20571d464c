"""Every word the web quiz's script shows, in the page's language, made here from the catalogs and handed to
the script in its JSON data block (the script itself holds no words).

Messages keep their `%(name)s` placeholders for the script to fill (`fill` in quiz.js); numbers it fills in
are written with the language's digits (`digits`). Messages with plural forms are given once per count the
page can need (0 to the number of questions), each in the form the language's plural rule picks.
"""

from __future__ import annotations

from factdeck.i18n import Language
from factdeck.outputs.vocabulary import kind_names, stance_names


def script_gettext(language: Language, message: str) -> str:
    # A message whose placeholders the script fills: translated, its placeholders left in place.
    return language.translations.ugettext(message)


def script_ngettext(language: Language, singular: str, plural: str, most: int) -> list[str]:
    return [language.translations.ungettext(singular, plural, n) for n in range(most + 1)]


def script_messages(language: Language, count: int) -> dict:
    """The messages quiz.js reads (`data.messages`), for a page of `count` questions."""
    _ = language.gettext
    symbols = language.locale.number_symbols.get(language.system) or language.locale.number_symbols["latn"]
    return {
        "digits": language.digits("0123456789"),
        "percentSign": str(symbols["percentSign"]),
        "kinds": kind_names(language),
        "stances": stance_names(language),
        "listSeparator": language.pgettext("separator", "; "),
        "labelled": script_gettext(language, "%(label)s: %(value)s"),
        "quoted": script_gettext(language, "“%(text)s”"),
        "numbered": script_gettext(language, "%(n)s."),
        "counter": script_gettext(language, "Question %(n)s of %(total)s"),
        "answers": _("Answers"),
        "yourAnswerRight": _("your answer, right"),
        "rightAnswer": _("right answer"),
        "yourAnswer": _("your answer"),
        "yourAnswerLabel": _("Your answer"),
        "check": _("Check"),
        "right": _("right"),
        "notTheAnswer": _("not the answer"),
        "countIt": _("I was right: count it"),
        "countedRight": _("counted as right"),
        "countedRightNow": _("Counted as right."),
        "chooseTheirAnswer": _("Choose their answer…"),
        "chooseName": _("Choose a name…"),
        "wrongName": script_gettext(language, "wrong; the answer is %(name)s"),
        "wrongOf": script_gettext(language, "%(wrong)s of %(total)s wrong"),
        "oneAtATime": _("Choose them one at a time; Start over to change your order."),
        "events": _("Events"),
        "startOver": _("Start over"),
        "placeNumber": script_gettext(language, "number %(n)s"),
        "inYourHead": _("Answer in your head or on paper, then compare."),
        "showAnswer": _("Show the answer"),
        "didYouHaveIt": _("Did you have it?"),
        "hadIt": _("I had it"),
        "missedIt": _("I missed it"),
        "yourChoice": _("your choice"),
        "markedRight": _("Marked as right."),
        "markedMissed": _("Marked as missed."),
        "correct": _("✓ Correct"),
        "notQuite": _("✗ Not quite"),
        "notQuiteWhy": script_gettext(language, "✗ Not quite (%(note)s)"),
        "correctNow": _("Correct."),
        "notQuiteNow": _("Not quite."),
        "theAnswerIs": script_gettext(language, "The answer is %(answer)s."),
        "answerBelow": _("The answer is shown below the question."),
        "answer": script_gettext(language, "Answer: %(answer)s"),
        "statementFalse": script_gettext(language, "The statement is false. The fact: %(fact)s"),
        "theFact": script_gettext(language, "The fact: %(fact)s"),
        "source": script_gettext(language, "Source: %(sources)s"),
        "stance": script_gettext(language, "stance: %(stance)s"),
        "disagree": script_gettext(language, "Sources disagree: %(summary)s"),
        "disagreeAlone": _("Sources disagree."),
        "alsoCited": script_gettext(language, "Also cited: %(sources)s"),
        "askWhoWrote": _(
            "Ask who wrote each source, and why they might see it that way. Learn every version and who makes it."
        ),
        "learnEvery": _("Learn every version and who makes it."),
        "nextQuestion": _("Next question"),
        "seeScore": _("See your score"),
        "isTrue": script_gettext(language, "“%(statement)s” — true"),
        "isFalse": script_gettext(language, "“%(statement)s” — false"),
        "yourScore": _("Your score"),
        "scoreOf": script_gettext(language, "%(right)s of %(total)s"),
        "percentCorrect": script_gettext(language, "%(percent)s correct"),
        "toReview": script_ngettext(language, "To review: %(n)s question", "To review: %(n)s questions", count),
        "retry": script_ngettext(language, "Retry the missed one", "Retry the %(n)s missed ones", count),
        "startAgain": _("Start again"),
        "finished": script_gettext(language, "Finished: %(right)s of %(total)s right."),
    }

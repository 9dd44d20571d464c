"""The starter's facts (starter.py) translated, for `factdeck init --language`: one mapping per language,
fact id to its texts (the keys of a translation record, records/translated.py). Quotes are not translated:
they stay in the archived source's own language. `init.py` stamps each text with its original's fingerprint."""

from __future__ import annotations

from typing import Any

# The starter's eras' titles and its source's perspective, by language (the source's title stays as it is).
ERAS: dict[str, dict[str, str]] = {
    "fa": {"building": "حفاری و گشایش", "working": "دوران کار کانال", "decline": "راه‌آهن و افول"},
    "de": {
        "building": "Graben und Eröffnung",
        "working": "Der Kanal in Betrieb",
        "decline": "Eisenbahn und Niedergang",
    },
}
PERSPECTIVES: dict[str, str] = {
    "fa": "تاریخچه‌ای کوتاه و محلی، ساخته‌شده برای پروژهٔ آغازین factdeck، که روایت شرکت و روایت کارگران را کنار هم می‌آورد.",
    "de": "Eine kurze Ortsgeschichte, erfunden für das Startprojekt von factdeck, die die Berichte der Gesellschaft "
    "und der Arbeiter nebeneinanderstellt.",
}

TRANSLATIONS: dict[str, dict[str, dict[str, Any]]] = {
    "fa": {
        "canal-opened": {
            "question": "کانال براک‌واتر در چه تاریخی به روی قایق‌ها گشوده شد؟",
            "answer": "۳ مه ۱۸۲۶",
            "statement": "کانال براک‌واتر در ۳ مه ۱۸۲۶، پنج سال پس از آغاز حفاری، به روی قایق‌ها گشوده شد.",
        },
        "canal-locks": {
            "question": "کانال براک‌واتر به چند آب‌بند نیاز داشت؟",
            "answer": "چهارده",
            "accept": ["۱۴", "14"],
            "statement": "کانال یازده‌مایلی براک‌واتر به چهارده آب‌بند نیاز داشت.",
        },
        "canal-workforce": {
            "question": "به گفتهٔ شرکت و اتحادیهٔ کارگران حفار، چند کارگر کانال براک‌واتر را حفر کردند؟",
            "answer": "به گفتهٔ دفتر حساب شرکت حدود ۱٬۲۰۰ نفر؛ به گفتهٔ اتحادیهٔ کارگران حفار نزدیک به ۳٬۰۰۰ نفر",
            "statement": "شرکت کانال و اتحادیهٔ کارگران حفار بر سر شمار کارگرانی که کانال را حفر کردند هم‌داستان نیستند.",
            "dispute": {
                "summary": "دفتر حساب شرکت و اتحادیهٔ کارگران حفار شمار متفاوتی از کارگران به دست می‌دهند.",
                "why": "اتحادیه کارگران روزمزد را هم می‌شمارد که دفتر حساب شرکت، که تنها کارکنان خودش را می‌آورد، از قلم می‌اندازد.",
                "versions": [
                    {
                        "id": "ledger",
                        "claim": "حدود ۱٬۲۰۰ کارگر کانال را حفر کردند.",
                        "answer": "حدود ۱٬۲۰۰",
                        "claimed_by": "دفتر حساب شرکت کانال",
                    },
                    {
                        "id": "union",
                        "claim": "با احتساب کارگران روزمزد، نزدیک به ۳٬۰۰۰ کارگر کانال را حفر کردند.",
                        "answer": "نزدیک به ۳٬۰۰۰",
                        "claimed_by": "اتحادیهٔ کارگران حفار",
                    },
                ],
            },
        },
        "strike-called-riot": {
            "question": "مدیران شرکت کانال توقف کار نگهبانان آب‌بندها در ۱۸۵۱ را چه نامیدند؟",
            "answer": "شورشی علیه اقتدار قانونی",
            "statement": "مدیران شرکت کانال توقف کار نه‌روزهٔ نگهبانان آب‌بندها در ۱۸۵۱ را شورشی علیه اقتدار قانونی نامیدند.",
            "attribution": {"by": "مدیران شرکت کانال", "verb": "نامیدند"},
        },
        "last-cargo-boat": {
            "question": "آخرین قایق باری در چه سالی از آب‌بند بالایی کانال براک‌واتر گذشت؟",
            "answer": "۱۹۳۴",
            "accept": ["1934"],
            "statement": "آخرین قایق باری در سال ۱۹۳۴ از آب‌بند بالایی کانال براک‌واتر گذشت.",
        },
    },
    "de": {
        "canal-opened": {
            "question": "Wann wurde der Brackwater-Kanal für Boote geöffnet?",
            "answer": "3. Mai 1826",
            "statement": "Der Brackwater-Kanal wurde am 3. Mai 1826 für Boote geöffnet, fünf Jahre nach Beginn der Grabungen.",
        },
        "canal-locks": {
            "question": "Wie viele Schleusen brauchte der Brackwater-Kanal?",
            "answer": "vierzehn",
            "accept": ["14"],
            "statement": "Der elf Meilen lange Brackwater-Kanal brauchte vierzehn Schleusen.",
        },
        "canal-workforce": {
            "question": "Wie viele Arbeiter gruben den Brackwater-Kanal, laut der Gesellschaft und laut der Gewerkschaft der Kanalarbeiter?",
            "answer": "laut dem Kassenbuch der Gesellschaft etwa 1.200; laut der Gewerkschaft der Kanalarbeiter eher 3.000",
            "statement": "Die Kanalgesellschaft und die Gewerkschaft der Kanalarbeiter sind uneins, wie viele Arbeiter den Kanal gruben.",
            "dispute": {
                "summary": "Das Kassenbuch der Gesellschaft und die Gewerkschaft der Kanalarbeiter nennen verschiedene Zahlen von Arbeitern.",
                "why": "Die Gewerkschaft zählt die Tagelöhner mit, die das Kassenbuch der Gesellschaft mit seinen eigenen Leuten auslässt.",
                "versions": [
                    {
                        "id": "ledger",
                        "claim": "Etwa 1.200 Arbeiter gruben den Kanal.",
                        "answer": "etwa 1.200",
                        "claimed_by": "das Kassenbuch der Kanalgesellschaft",
                    },
                    {
                        "id": "union",
                        "claim": "Eher 3.000 Arbeiter gruben den Kanal, Tagelöhner mitgezählt.",
                        "answer": "eher 3.000",
                        "claimed_by": "die Gewerkschaft der Kanalarbeiter",
                    },
                ],
            },
        },
        "strike-called-riot": {
            "question": "Wie nannten die Direktoren der Kanalgesellschaft die Arbeitsniederlegung der Schleusenwärter von 1851?",
            "answer": "einen Aufruhr gegen die rechtmäßige Obrigkeit",
            "statement": "Die Direktoren der Kanalgesellschaft nannten die neuntägige Arbeitsniederlegung der Schleusenwärter von 1851 einen Aufruhr gegen die rechtmäßige Obrigkeit.",
            "attribution": {"by": "die Direktoren der Kanalgesellschaft", "verb": "nannten"},
        },
        "last-cargo-boat": {
            "question": "In welchem Jahr passierte das letzte Frachtboot die obere Schleuse des Brackwater-Kanals?",
            "answer": "1934",
            "statement": "Das letzte Frachtboot passierte die obere Schleuse des Brackwater-Kanals im Jahr 1934.",
        },
    },
}

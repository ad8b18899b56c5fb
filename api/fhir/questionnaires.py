"""The screening instruments as FHIR Questionnaires, and a screening's answers as a QuestionnaireResponse's
items, both built from the definitions in assessments.instruments (never typed a second time).

A Questionnaire's canonical `url` names the instrument and its `version` the instrument version, so answers
given in ASSIST 3.1 point at ``https://rehab-lapas.id/fhir/Questionnaire/assist|3.1`` for as long as they
exist: a used version never changes, so neither does its Questionnaire.

The wording is Indonesian, as the questions are asked, with the English wording in FHIR's standard
translation extension; the displays of codes are English. An answer option carries its points in the
standard ordinalValue extension, so a reader can re-score without this code.
"""

from __future__ import annotations

import re
from typing import Any

from assessments import instruments
from assessments.instruments import assist
from assessments.instruments.base import Definition, Item, Option, Text

CANONICAL = "https://rehab-lapas.id/fhir"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

# The instruments a screening is given in (Screening.Instrument), by the slug their canonical URLs use.
SLUGS = {"ASSIST": "assist", "DAST-10": "dast-10", "AUDIT": "audit"}


def canonical(code: str) -> str:
    return f"{CANONICAL}/Questionnaire/{SLUGS[code]}"


def canonical_version(code: str, version: str) -> str:
    """What a QuestionnaireResponse's `questionnaire` holds: the canonical URL pinned to the version."""
    return f"{canonical(code)}|{version}"


def questionnaire_id(code: str, version: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "-", f"{SLUGS[code]}-{version}")[:64]


def code_system(name: str) -> str:
    return f"{CANONICAL}/CodeSystem/{name}"


def answer_coding(code: str, item: Item, option: Option) -> dict:
    # One code per item and option: an option's points differ from item to item (ASSIST Q2–Q5), and AUDIT's
    # answers are positions whose meaning depends on the item.
    return {
        "system": code_system(f"{SLUGS[code]}-answer"),
        "code": f"{item.code}-{option.code}",
        "display": option.label.en,
    }


def _translated(text: Text) -> dict:
    return {
        "text": text.id,
        "_text": {
            "extension": [
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": "en"},
                        {"url": "content", "valueString": text.en},
                    ],
                }
            ]
        },
    }


def _is_yes_no(item: Item) -> bool:
    return all(isinstance(option.code, bool) for option in item.options)


def _question(code: str, item: Item, link_id: str) -> dict:
    if _is_yes_no(item):
        # A boolean item has no answer options to carry points: DAST-10's (one per problem answer, item 3
        # reversed) are those of the source its description names.
        return {"linkId": link_id, **_translated(item.text), "type": "boolean"}
    scored = any(option.points for option in item.options)  # ASSIST Q1 and Q8 are asked, never scored
    return {
        "linkId": link_id,
        **_translated(item.text),
        "type": "choice",
        "answerOption": [
            {
                **({"extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.points}]} if scored else {}),
                "valueCoding": answer_coding(code, item, option),
            }
            for option in item.options
        ],
    }


def _when(
    code: str, definition: Definition, question: str, item_code: str, answer: str, operator="="
) -> dict:
    """An enableWhen condition: the answer `answer` to item `item_code`, asked as `question`."""
    item = definition.item(item_code)
    coding = answer_coding(code, item, item.option(answer))
    return {
        "question": question,
        "operator": operator,
        "answerCoding": {"system": coding["system"], "code": coding["code"]},
    }


# The injecting pattern is asked by the form (assessments.forms), not defined as an item: its wording here.
INJECTING_DAYS = Text(
    "Jika menyuntik dalam 3 bulan terakhir: rata-rata berapa hari dalam sebulan?",
    "If injected in the past 3 months: on how many days a month, on average?",
)


def _assist_items(definition: Definition) -> list[dict]:
    """One group per substance (Q1–Q7, Q5 left out where the version does not ask it), then Q8 and the
    injecting days. The skip rules are the enableWhen conditions: Q1 "no" asks nothing more about the
    substance; Q2 "never" skips Q3–Q5."""
    code = definition.code
    groups = []
    for substance in definition.extra["substances"]:
        used = _when(code, definition, f"{substance}.q1", "q1", "yes")
        recently = _when(code, definition, f"{substance}.q2", "q2", "never", operator="!=")
        questions = []
        for item_code in ("q1", "q2", "q3", "q4", "q5", "q6", "q7"):
            if item_code == "q5" and substance in definition.extra["no_q5"]:
                continue
            question = _question(code, definition.item(item_code), f"{substance}.{item_code}")
            if item_code in ("q3", "q4", "q5"):
                question |= {"enableWhen": [used, recently], "enableBehavior": "all"}
            elif item_code != "q1":
                question["enableWhen"] = [used]
            questions.append(question)
        name = Text(assist.substance_label(substance, "id"), assist.substance_label(substance, "en"))
        groups.append({"linkId": substance, **_translated(name), "type": "group", "item": questions})
    injected = _when(code, definition, "q8", "q8", "yes_past_3_months")
    return [
        *groups,
        _question(code, definition.item("q8"), "q8"),
        {
            "linkId": "q8_days_per_month",
            **_translated(INJECTING_DAYS),
            "type": "decimal",
            "enableWhen": [injected],
        },
    ]


def questionnaire(code: str, version: str) -> dict:
    """The Questionnaire of one instrument version."""
    definition = instruments.definition(code, version)
    items = (
        _assist_items(definition)
        if code == assist.CODE
        else [_question(code, item, item.code) for item in definition.items]
    )
    return {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(code, definition.version),
        "language": "id",
        "url": canonical(code),
        "version": definition.version,
        "name": re.sub(r"[^A-Za-z0-9]", "", definition.code),
        "title": definition.name.en,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{definition.name.en}, scored as in: {definition.source}.",
        "item": items,
    }


def _answer(code: str, item: Item, link_id: str, value: Any) -> dict | None:
    option = item.option(value)
    if option is None:
        return None  # stored answers were validated when saved; nothing unscorable is exported
    answer = (
        {"valueBoolean": value} if _is_yes_no(item) else {"valueCoding": answer_coding(code, item, option)}
    )
    return {"linkId": link_id, "answer": [answer]}


def response_items(code: str, version: str, answers: dict[str, Any]) -> list[dict]:
    """A screening's answers as QuestionnaireResponse items, shaped like its Questionnaire's. Only the
    questions the skip rules asked are included, as the score counts them; free text ("other substance,
    specify") is left out."""
    definition = instruments.definition(code, version)
    if code != assist.CODE:
        found = (_answer(code, item, item.code, answers.get(item.code)) for item in definition.items)
        return [item for item in found if item]
    items = []
    given = answers.get("substances") or {}
    for substance in definition.extra["substances"]:
        row = given.get(substance)
        if not row:
            continue  # left out: never used, as the score reads it; nothing was asked
        q1 = row.get("q1")
        asked = [
            "q1",
            *assist._questions_asked(definition, substance, q1, row.get("q2") if q1 == "yes" else None),
        ]
        found = (
            _answer(code, definition.item(question), f"{substance}.{question}", row.get(question))
            for question in asked
        )
        items.append({"linkId": substance, "item": [item for item in found if item]})
    if injecting := _answer(code, definition.item("q8"), "q8", answers.get("q8")):
        items.append(injecting)
    days = answers.get("q8_days_per_month")
    if answers.get("q8") == "yes_past_3_months" and days not in (None, ""):
        items.append({"linkId": "q8_days_per_month", "answer": [{"valueDecimal": float(days)}]})
    return items

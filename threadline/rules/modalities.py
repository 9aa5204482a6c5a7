"""The controlled list of evidence-based psychotherapy modalities, with the names clinicians use.

Drawn from the guideline summaries in shared/reference/clinical-content.md §1 and §3 (NICE,
VA/DoD, American Psychological and Psychiatric Association guidelines, AASM, Division 12), read
2026-11-28. A modality is on the list when at least one of those bodies recommends or suggests it
for a condition outpatient clinics treat. Plain psychoeducation and "supportive counselling" are
not on it: they belong in a plan, but not as its only named method.

Abbreviations match in capitals only ("ACT", not "act"). Those that mean something else in a
clinical record ("CPT" is also the billing code set, "MET" a goal's status) count only in a
field that names the modality, never in free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Modality:
    key: str
    name: str
    names: tuple[str, ...] = ()  # other full names and spellings, matched in any case
    abbreviations: tuple[str, ...] = ()  # matched in capitals, in any text
    field_only: tuple[str, ...] = ()  # abbreviations that count only in a modality field
    techniques: tuple[str, ...] = ()  # what a note may name instead of the modality


MODALITIES: tuple[Modality, ...] = (
    Modality(
        "cbt",
        "Cognitive behavioral therapy",
        names=(
            "cognitive behavioural therapy",
            "cognitive-behavioral therapy",
            "cognitive-behavioural therapy",
            "cognitive behavioral",
            "cognitive behavioural",
            "cognitive therapy",
            "coping cat",
            "panic control treatment",
        ),
        abbreviations=("CBT",),
        techniques=(
            "cognitive restructuring",
            "thought record",
            "socratic questioning",
            "behavioral experiment",
            "behavioural experiment",
            "case formulation",
            "relapse prevention",
            "relapse-prevention",
        ),
    ),
    Modality(
        "exposure",
        "Exposure therapy (including exposure and response prevention)",
        names=(
            "exposure therapy",
            "exposure and response prevention",
            "graded exposure",
            "in-vivo exposure",
            "in vivo exposure",
            "interoceptive exposure",
            "one-session treatment",
        ),
        abbreviations=("ERP", "OST"),
        techniques=("exposure hierarchy", "fear hierarchy", "response prevention", "suds"),
    ),
    Modality(
        "ba",
        "Behavioral activation",
        names=("behavioral activation", "behavioural activation"),
        field_only=("BA",),
        techniques=("activity scheduling", "activity monitoring", "graded task"),
    ),
    Modality(
        "act",
        "Acceptance and commitment therapy",
        names=("acceptance and commitment therapy", "acceptance and commitment"),
        abbreviations=("ACT",),
        techniques=("cognitive defusion", "defusion", "committed action", "self-as-context"),
    ),
    Modality(
        "dbt",
        "Dialectical behavior therapy",
        names=("dialectical behavior therapy", "dialectical behaviour therapy"),
        abbreviations=("DBT",),
        techniques=(
            "distress tolerance",
            "emotion regulation",
            "interpersonal effectiveness",
            "chain analysis",
            "diary card",
        ),
    ),
    Modality(
        "mi",
        "Motivational interviewing",
        names=("motivational interviewing",),
        field_only=("MI",),
        techniques=("change talk", "decisional balance", "oars"),
    ),
    Modality(
        "met",
        "Motivational enhancement therapy",
        names=("motivational enhancement therapy", "motivational enhancement"),
        field_only=("MET",),
    ),
    Modality(
        "ipt",
        "Interpersonal psychotherapy",
        names=("interpersonal psychotherapy", "interpersonal therapy"),
        abbreviations=("IPT",),
        techniques=("interpersonal inventory", "role dispute", "role transition"),
    ),
    Modality(
        "cpt",
        "Cognitive processing therapy",
        names=("cognitive processing therapy",),
        field_only=("CPT",),
        techniques=("stuck point", "impact statement"),
    ),
    Modality(
        "pe",
        "Prolonged exposure",
        names=("prolonged exposure",),
        field_only=("PE",),
        techniques=("imaginal exposure", "imaginal revisiting"),
    ),
    Modality(
        "emdr",
        "Eye movement desensitization and reprocessing",
        names=("eye movement desensitization and reprocessing",),
        abbreviations=("EMDR",),
        techniques=("bilateral stimulation",),
    ),
    Modality(
        "cbt_i",
        "Cognitive behavioral therapy for insomnia",
        names=("cbt for insomnia", "brief behavioral therapy for insomnia"),
        abbreviations=("CBT-I", "BBTI"),
        techniques=("stimulus control", "sleep restriction", "sleep diary"),
    ),
    Modality(
        "applied_relaxation",
        "Applied relaxation",
        names=("applied relaxation", "applied tension"),
        techniques=("progressive muscle relaxation",),
    ),
    Modality(
        "cbasp",
        "Cognitive behavioral analysis system of psychotherapy",
        names=("cognitive behavioral analysis system of psychotherapy",),
        abbreviations=("CBASP",),
    ),
    Modality(
        "safety_planning",
        "Safety planning intervention",
        names=("safety planning intervention", "safety planning", "safety plan", "stanley-brown"),
        abbreviations=("SPI",),
        techniques=("lethal means", "means restriction", "warning signs"),
    ),
    Modality(
        "cams",
        "Collaborative assessment and management of suicidality",
        names=("collaborative assessment and management of suicidality",),
        abbreviations=("CAMS",),
        techniques=("suicide status form",),
    ),
    Modality(
        "cbt_sp",
        "Brief CBT for suicide prevention",
        names=("cbt for suicide prevention", "brief cognitive behavioral therapy for suicide"),
        abbreviations=("CBT-SP", "BCBT"),
    ),
    Modality(
        "tf_cbt",
        "Trauma-focused cognitive behavioral therapy",
        names=("trauma-focused cbt", "trauma-focused cognitive behavioral therapy"),
        abbreviations=("TF-CBT",),
        techniques=("trauma narrative",),
    ),
    Modality(
        "ct_ptsd",
        "Cognitive therapy for PTSD",
        names=("cognitive therapy for ptsd",),
        abbreviations=("CT-PTSD",),
    ),
    Modality(
        "net",
        "Narrative exposure therapy",
        names=("narrative exposure therapy",),
        field_only=("NET",),
    ),
    Modality(
        "wet",
        "Written exposure therapy",
        names=("written exposure therapy",),
        field_only=("WET",),
    ),
    Modality(
        "pct",
        "Present-centered therapy",
        names=("present-centered therapy", "present-centred therapy"),
        field_only=("PCT",),
    ),
    Modality(
        "bep",
        "Brief eclectic psychotherapy",
        names=("brief eclectic psychotherapy",),
        abbreviations=("BEP",),
    ),
    Modality(
        "mindfulness",
        "Mindfulness-based therapy (MBCT, MBSR)",
        names=(
            "mindfulness-based cognitive therapy",
            "mindfulness-based stress reduction",
            "group mindfulness",
        ),
        abbreviations=("MBCT", "MBSR"),
    ),
    Modality(
        "psychodynamic",
        "Short-term psychodynamic psychotherapy",
        names=(
            "short-term psychodynamic psychotherapy",
            "short-term psychodynamic therapy",
            "focal psychodynamic therapy",
        ),
        abbreviations=("STPP",),
    ),
    Modality(
        "pcit",
        "Parent-child interaction therapy",
        names=("parent-child interaction therapy",),
        abbreviations=("PCIT",),
        techniques=("labeled praise", "labelled praise", "child-directed interaction"),
    ),
    Modality(
        "parent_training",
        "Behavioral parent training",
        names=(
            "parent management training",
            "behavioral parent training",
            "behavioural parent training",
            "parent behavior therapy",
            "parent behaviour therapy",
        ),
        abbreviations=("PMT", "BPT"),
        techniques=("token system", "planned ignoring"),
    ),
    Modality(
        "cbt_ed",
        "CBT for eating disorders",
        names=("enhanced cbt",),
        abbreviations=("CBT-ED", "CBT-E"),
        techniques=("regular eating",),
    ),
    Modality(
        "family_based",
        "Family-based treatment for eating disorders",
        names=("family-based treatment", "maudsley family therapy"),
        abbreviations=("FBT", "FT-AN", "FT-BN"),
    ),
    Modality(
        "mantra",
        "Maudsley anorexia nervosa treatment for adults",
        names=("maudsley anorexia nervosa treatment",),
        abbreviations=("MANTRA",),
    ),
    Modality(
        "sscm",
        "Specialist supportive clinical management",
        names=("specialist supportive clinical management",),
        abbreviations=("SSCM",),
    ),
    Modality(
        "cgt",
        "Complicated grief treatment",
        names=("complicated grief treatment", "complicated grief therapy"),
        abbreviations=("CGT",),
        techniques=("situational revisiting",),
    ),
    Modality(
        "cbtp",
        "CBT for psychosis",
        names=("cbt for psychosis", "cognitive behavioral therapy for psychosis"),
        abbreviations=("CBTp",),
    ),
    Modality(
        "family_intervention",
        "Family intervention for psychosis",
        names=("family intervention",),
        field_only=("FI",),
    ),
    Modality(
        "fft",
        "Family-focused therapy",
        names=("family-focused therapy", "family focused therapy"),
        abbreviations=("FFT",),
    ),
    Modality(
        "ipsrt",
        "Interpersonal and social rhythm therapy",
        names=("interpersonal and social rhythm therapy", "social rhythm therapy"),
        abbreviations=("IPSRT",),
        techniques=("social rhythm metric",),
    ),
    Modality(
        "contingency_management",
        "Contingency management",
        names=("contingency management",),
        field_only=("CM",),
    ),
    Modality(
        "cra",
        "Community reinforcement approach",
        names=("community reinforcement approach", "community reinforcement"),
        abbreviations=("CRA",),
    ),
    Modality(
        "tsf",
        "Twelve-step facilitation",
        names=("twelve-step facilitation", "12-step facilitation"),
        abbreviations=("TSF",),
    ),
    Modality(
        "brief_alcohol",
        "Brief alcohol intervention",
        names=("brief alcohol intervention",),
        abbreviations=("SBIRT",),
    ),
    Modality(
        "couples_behavioral",
        "Behavioral couple therapy (including integrative)",
        names=(
            "behavioral couples therapy",
            "behavioral couple therapy",
            "behavioural couple therapy",
            "integrative behavioral couple therapy",
        ),
        abbreviations=("BCT", "IBCT", "TBCT"),
    ),
    Modality(
        "eft",
        "Emotionally focused couple therapy",
        names=("emotionally focused therapy", "emotionally focused couple therapy"),
        abbreviations=("EFT", "EFCT"),
    ),
    Modality(
        "mbt",
        "Mentalization-based treatment",
        names=("mentalization-based treatment", "mentalisation-based treatment"),
        abbreviations=("MBT",),
    ),
    Modality(
        "tfp",
        "Transference-focused psychotherapy",
        names=("transference-focused psychotherapy",),
        abbreviations=("TFP",),
    ),
    Modality(
        "schema",
        "Schema therapy",
        names=("schema therapy", "schema-focused therapy"),
        abbreviations=("SFT",),
    ),
    Modality(
        "gpm",
        "Good psychiatric management",
        names=("good psychiatric management",),
        abbreviations=("GPM",),
    ),
    Modality("stepps", "STEPPS", abbreviations=("STEPPS",)),
    Modality(
        "ddp",
        "Dynamic deconstructive psychotherapy",
        names=("dynamic deconstructive psychotherapy",),
        abbreviations=("DDP",),
    ),
)

BY_KEY: dict[str, Modality] = {modality.key: modality for modality in MODALITIES}


# Words as the index and the text are both cut: hyphenated words stay whole ("CBT-I",
# "in-vivo"), so a name matches only on word boundaries.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")

Phrases = dict[str, list[tuple[tuple[str, ...], str]]]


@cache
def _index(field: bool) -> tuple[Phrases, dict[str, str]]:
    """Built on first use: names by their first word (case-blind), abbreviations exactly."""
    phrases: Phrases = {}
    abbreviations: dict[str, str] = {}
    for modality in MODALITIES:
        spoken = [modality.name, *modality.names]
        if not field:
            spoken += modality.techniques
        for name in spoken:
            words = tuple(word.casefold() for word in _TOKEN.findall(name))
            phrases.setdefault(words[0], []).append((words, modality.key))
        for word in (*modality.abbreviations, *(modality.field_only if field else ())):
            abbreviations.setdefault(word, modality.key)
    for candidates in phrases.values():
        # Longest first, so "CBT for insomnia" wins over "CBT" and the most specific is named.
        candidates.sort(key=lambda candidate: len(candidate[0]), reverse=True)
    return phrases, abbreviations


def find(text: str, *, field: bool = False) -> list[Modality]:
    """The listed modalities a text names, in order of first mention.

    `field=True` reads a field that names the modality (a plan's intervention or recommendation):
    every abbreviation counts, techniques do not. Otherwise the text is free prose (a note), where
    a named technique counts for its modality and ambiguous abbreviations do not.
    """
    if not text:
        return []
    phrases, abbreviations = _index(field)
    tokens = _TOKEN.findall(text)
    folded = [token.casefold() for token in tokens]
    keys: list[str] = []
    index = 0
    while index < len(tokens):
        key, length = _match_at(tokens, folded, index, phrases, abbreviations)
        if key is not None and key not in keys:
            keys.append(key)
        index += length
    return [BY_KEY[key] for key in keys]


def _match_at(
    tokens: list[str],
    folded: list[str],
    index: int,
    phrases: Phrases,
    abbreviations: dict[str, str],
) -> tuple[str | None, int]:
    for words, owner in phrases.get(folded[index], ()):
        if tuple(folded[index : index + len(words)]) == words:
            return owner, len(words)
    token = tokens[index]
    key = abbreviations.get(token)
    if key is None and "-" in token:
        # "CBT-based", "ACT-informed": the abbreviation with a lower-case suffix still counts.
        head, _, rest = token.partition("-")
        key = abbreviations.get(head) if rest[:1].islower() else None
    return key, 1


def names_a_modality(text: str, *, field: bool = False) -> bool:
    return bool(find(text, field=field))

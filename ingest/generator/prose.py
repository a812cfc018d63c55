"""Titles, summaries, objectives and criteria in the voice of each source.

RIPH text is French with elisions and contractions (``d'un``, ``de l'``, ``du``, ``qu'il``);
CTIS text is English, a good part of titles in upper case as sponsors type them. Both carry the
quirks search must survive: HTML entities (sometimes encoded twice), ``<br>`` in summaries,
the ``Données non disponible`` placeholder. Every title names the study's condition and every
device, test or intervention comes from its topic, so a study is about one thing.
"""

from __future__ import annotations

import random
from typing import Final

from ingest.generator.topics import DRUG_COUNT, Topic, drug_name

SENTINEL: Final = "Données non disponible"
_VOWELS: Final = "aâàeéèêëiîïoôœuûùyhAÂÀEÉÈÊIÎOÔŒUÛY"


def de(phrase: str) -> str:
    """French ``de`` + noun phrase, elided or contracted (``du``, ``des``, ``d'un``, ``de l'``)."""
    if phrase.startswith("le "):
        return "du " + phrase[3:]
    if phrase.startswith("les "):
        return "des " + phrase[4:]
    if phrase.startswith(("la ", "l'")):
        return "de " + phrase
    if phrase[:1] in _VOWELS:
        return "d'" + phrase
    return "de " + phrase


def bare(phrase: str) -> str:
    """The noun phrase without its article (``le diabète`` → ``diabète``)."""
    for article in ("le ", "la ", "les ", "l'"):
        if phrase.startswith(article):
            return phrase[len(article) :]
    return phrase


def drug(rng: random.Random) -> str:
    return drug_name(rng.randrange(DRUG_COUNT))


def french_title(rng: random.Random, topic: Topic, condition: str, kind: str) -> str:
    """A RIPH study title naming ``condition``; ``kind`` is ``DM``, ``DMDIV`` or ``JARDE``."""
    if kind == "DM":
        thing = rng.choice(topic.devices)
        templates: tuple[str, ...] = (
            f"Évaluation {de(thing)} dans la prise en charge {de(condition)}",
            f"Investigation clinique multicentrique {de(thing)} chez des patients atteints "
            f"{de(condition)}",
            f"Sécurité et performances {de(thing)} : étude prospective dans {condition}",
            f"Étude pilote {de(thing)} pour le suivi à domicile {de(condition)}",
        )
    elif kind == "DMDIV":
        thing = rng.choice(topic.tests)
        templates = (
            f"Performance diagnostique {de(thing)} pour le dépistage {de(condition)}",
            f"Étude de performance clinique {de(thing)} dans {condition}",
            f"Évaluation {de(thing)} réalisé au lit du patient à l'hôpital dans {condition}",
        )
    else:
        thing = rng.choice((*topic.interventions, f"un traitement par {drug(rng).lower()}"))
        templates = (
            f"Évaluation de l'efficacité et de la tolérance {de(thing)} chez des patients atteints "
            f"{de(condition)}",
            f"Étude randomisée comparant {thing} à la prise en charge habituelle dans {condition}",
            f"Cohorte prospective des patients atteints {de(condition)} : suivi à "
            f"{rng.randint(2, 10)} ans",
            f"Impact {de(thing)} sur la qualité de vie des patients atteints {de(condition)}",
            f"Essai pilote {de(thing)} dans {condition}",
            f"Étude observationnelle des facteurs prédictifs de réponse au traitement "
            f"{de(condition)}",
            f"Parcours de soins après la sortie de l'hôpital des patients atteints {de(condition)}",
        )
    return rng.choice(templates)


def french_objective(rng: random.Random, condition: str) -> str:
    return rng.choice(
        (
            f"Évaluer l'efficacité du traitement à l'étude sur l'évolution {de(condition)}",
            f"Comparer la survie sans événement à {rng.randint(6, 36)} mois entre les deux bras",
            f"Décrire les caractéristiques cliniques et biologiques {de(condition)}",
            "Évaluer la tolérance et la faisabilité de l'intervention chez l'adulte et l'enfant",
            f"Déterminer la sensibilité et la spécificité du test dans {condition}",
            "Évaluer la tolérance",
        )
    )


def french_summary(rng: random.Random, topic: Topic, condition: str, months: int | None) -> str:
    """A sentence on the condition, then one to four more, paragraphs split by ``<br>`` as
    the RIPH editor stores them."""
    opening = rng.choice(
        (
            f"{condition[:1].upper()}{condition[1:]} reste une cause majeure de morbidité en "
            "France.",
            f"Cette étude vise à évaluer une nouvelle stratégie de prise en charge "
            f"{de(condition)}.",
            f"Les patients atteints {de(condition)} sont suivis en {topic.riph_area.lower()} "
            "dans des centres hospitaliers universitaires.",
        )
    )
    pool = [
        "Il s'agit d'une recherche multicentrique, randomisée, menée dans des centres hospitaliers "
        "universitaires.",
        "Le promoteur considère qu'il s'agit d'une recherche à risques et contraintes minimes.",
        "Les données seront recueillies lors des consultations de suivi habituelles à l'hôpital.",
        "L'hypothèse est qu'une prise en charge précoce améliore le pronostic à long terme.",
        "Chaque participant bénéficiera d'un suivi clinique et biologique.",
        "Aucune visite supplémentaire n'est prévue par rapport au suivi standard.",
        "Un questionnaire de qualité de vie sera rempli à l'inclusion puis tous les trois mois.",
    ]
    if topic.riph_area == "Cardiologie":
        pool.append("Chaque participant bénéficiera d'une imagerie du cœur à l'inclusion.")
    if months:
        pool.append(f"La durée de participation de chaque patient est de {months} mois.")
    sentences = [opening, *rng.sample(pool, rng.randint(1, 4))]
    separator = "<br>" if rng.random() < 0.4 else " "
    return separator.join(sentences)


def english_title(rng: random.Random, condition: str, phase: str, drug_a: str) -> str:
    """A CTIS title; upper case in about 40 % of trials."""
    drug_b = drug(rng)
    title = rng.choice(
        (
            f"A Phase {phase}, Randomised, Double-blind, Placebo-controlled Study to Evaluate "
            f"the Efficacy and Safety of {drug_a} in Patients with {condition}",
            f"A Phase {phase}, Open-label, Multicentre Study of {drug_a} in Combination with "
            f"{drug_b} in Participants with {condition}",
            f"A Study to Evaluate {drug_a} Versus Standard of Care in Adults with {condition}",
            f"A Long-term Extension Study of {drug_a} in Participants with {condition}",
            f"A Randomised Phase {phase} Trial Comparing {drug_a} with {drug_b} in {condition}",
        )
    )
    return title.upper() if rng.random() < 0.4 else title


def english_objective(rng: random.Random, condition: str, drug_a: str) -> str:
    return rng.choice(
        (
            f"To evaluate the efficacy of {drug_a} compared with placebo in {condition}",
            f"To assess the safety and tolerability of {drug_a}",
            f"To compare progression-free survival between {drug_a} and standard of care",
            f"To characterise the pharmacokinetics of {drug_a} in participants with {condition}",
        )
    )


def english_summary(rng: random.Random, condition: str, drug_a: str) -> str:
    """The condition first, then one to three more sentences."""
    sentences = [
        "Participants will be randomly assigned to one of the treatment arms.",
        "The study consists of a screening period, a treatment period and a follow-up period.",
        "Safety will be monitored throughout the study by an independent monitoring committee.",
    ]
    opening = f"This study will evaluate {drug_a} in participants with {condition}."
    return " ".join([opening, *rng.sample(sentences, rng.randint(1, 3))])


_INCLUSION_FR: Final = (
    "Patient âgé de 18 ans ou plus",
    "Consentement éclairé signé",
    "Affilié à un régime de sécurité sociale",
    "Espérance de vie supérieure à 12 mois",
    "Femme en âge de procréer utilisant une contraception efficace",
    "Patient hospitalisé dans l'un des services participants",
)
_EXCLUSION_FR: Final = (
    "Femme enceinte ou allaitante",
    "Personne sous tutelle ou curatelle",
    "Insuffisance rénale sévère (DFG < 30 mL/min)",
    "Participation à une autre recherche interventionnelle",
    "Antécédent d'hypersensibilité au traitement à l'étude",
    "Contre-indication à l'IRM",
)
_PRIMARY_FR: Final = (
    "Taux de complications à 30 jours",
    "Variation du score de qualité de vie entre l'inclusion et M6",
    "Sensibilité et spécificité du test",
)
_SECONDARY_FR: Final = (
    "Qualité de vie (questionnaire EQ-5D-5L)",
    "Tolérance : événements indésirables graves",
    "Durée d'hospitalisation",
    "Analyse coût-efficacité",
    "Observance du traitement à 6 mois",
)
_INCLUSION_EN: Final = (
    "Adults aged 18 years or older",
    "Life expectancy of at least 12 months",
    "Adequate organ function",
    "Signed informed consent",
)
_EXCLUSION_EN: Final = (
    "Pregnant or breastfeeding women",
    "Active hepatitis B or C infection",
    "Known hypersensitivity to the study drug",
    "Prior treatment with an investigational agent within 28 days",
)
_PRIMARY_EN: Final = ("Incidence of treatment-emergent adverse events",)
_SECONDARY_EN: Final = (
    "Duration of response",
    "Health-related quality of life (EQ-5D-5L)",
    "Pharmacokinetic parameters",
    "Time to treatment discontinuation",
)

PLACEHOLDER: Final[dict[str, str | None]] = {"titre": None, "type": None}


def criteria(
    rng: random.Random, english: bool, condition: str, kind: str, topic: Topic
) -> list[dict[str, str | None]]:
    """``criteres_eligibilite`` (``kind="eligibility"``) or ``criteres_jugement``, placeholders
    included (about one record in five has only the ``{titre: null, type: null}`` one).
    Eligibility names the condition; primary endpoints are mostly the topic's."""
    roll = rng.random()
    if roll < 0.2:
        return [dict(PLACEHOLDER)]
    if roll < 0.27:
        return []
    if kind == "eligibility":
        first, second = ("INCLUSION", "EXCLUSION")
        pools: tuple[tuple[str, ...], tuple[str, ...]] = (
            (_INCLUSION_EN, _EXCLUSION_EN) if english else (_INCLUSION_FR, _EXCLUSION_FR)
        )
        confirmed = "Histologically confirmed" if topic.riph_area == "Oncologie" else "Diagnosis of"
        extra = f"{confirmed} {condition}" if english else f"Diagnostic confirmé {de(condition)}"
        items: list[dict[str, str | None]] = [{"titre": extra, "type": first}]
        items += [{"titre": t, "type": first} for t in rng.sample(pools[0], rng.randint(1, 3))]
        items += [{"titre": t, "type": second} for t in rng.sample(pools[1], rng.randint(0, 3))]
    else:
        pools = (
            (topic.endpoints_en * 3 + _PRIMARY_EN, _SECONDARY_EN)
            if english
            else (topic.endpoints_fr * 3 + _PRIMARY_FR, _SECONDARY_FR)
        )
        items = [{"titre": rng.choice(pools[0]), "type": "PRINCIPAL"}]
        items += [
            {"titre": t, "type": "SECONDAIRE"} for t in rng.sample(pools[1], rng.randint(0, 3))
        ]
    if rng.random() < 0.1:
        items.append(dict(PLACEHOLDER))
    return items


def entities(rng: random.Random, text: str, rate: float = 0.04) -> str:
    """Now and then encode text as the source does: ``&#39;`` for ``'``, ``&amp;amp;`` for ``&``."""
    if rng.random() >= rate:
        return text
    return text.replace("&", "&amp;amp;").replace("'", "&#39;")

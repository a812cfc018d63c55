"""The judged queries of the relevance benchmark (``bench.relevance``).

Each query names the diseases of the generator's topics (``ingest/generator/topics.py``) that
answer it, with a grade: 3 what was asked, 2 closely related, 1 same field. A study's grade is
its disease's (read from ``study_topics.ndjson``, the generator's ground truth); a city query
also needs a site in that city. Kinds: ``everyday`` and ``medical`` French, ``english``,
``acronym``, ``typo``, ``multi`` (several words), ``city`` (disease plus the portal's city
field), ``area`` (a specialty), ``or``. ``french_disease`` marks the queries whose CTIS
studies (English text, no translation) must all be reached. ``prefer`` lifts by one grade the
studies whose drawn wording says what a multi-word query adds (``métastatique``): the other
studies of the disease are relevant, those are more so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.generator.topics import TOPICS


@dataclass(frozen=True)
class Judged:
    text: str
    kind: str
    grades: dict[str, int]
    city: str | None = None
    french_disease: bool = False
    param: str = "_content"  # the portal's box
    prefer: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


def area(name: str, grade: int = 3) -> dict[str, int]:
    topic = next(t for t in TOPICS if t.riph_area == name)
    return {d.key: grade for d in topic.diseases}


def J(text: str, kind: str, grades: dict[str, int], **options: object) -> Judged:
    return Judged(text, kind, grades, **options)  # type: ignore[arg-type]


HEART = {
    "heart-failure": 3,
    "atrial-fibrillation": 3,
    "myocardial-infarction": 3,
    "aortic-stenosis": 3,
    "cardiac-amyloidosis": 3,
    "cardiac-arrest": 2,
    "hypertension": 1,
}
LUNG = {
    "lung-cancer": 3,
    "copd": 3,
    "pulmonary-fibrosis": 3,
    "asthma": 2,
    "cystic-fibrosis": 2,
    "ards": 2,
    "sleep-apnoea": 1,
}

QUERIES: tuple[Judged, ...] = (
    # French, everyday words
    J("cancer du sein", "everyday", {"breast-cancer": 3}, french_disease=True),
    J("crise cardiaque", "everyday", {"myocardial-infarction": 3, "cardiac-arrest": 1}),
    J("attaque cérébrale", "everyday", {"stroke": 3}),
    J("mal de dos", "everyday", {"chronic-pain": 2}),
    J("diabète", "everyday", {"type-2-diabetes": 3, "type-1-diabetes": 3}),
    J("tension artérielle", "everyday", {"hypertension": 3}),
    J("cancer de la peau", "everyday", {"melanoma": 3}),
    J("cœur", "everyday", HEART),
    J("poumon", "everyday", LUNG),
    J("rein", "everyday", {"ckd": 3, "iga-nephropathy": 3}),
    J("foie", "everyday", {"cirrhosis": 3, "nash": 3, "hepatitis-b": 1}),
    J("déprime", "everyday", {"depression": 3, "bipolar": 1}),
    J("douleur chronique", "everyday", {"chronic-pain": 3, "postoperative-pain": 1}),
    J("cancer", "everyday", {**area("Oncologie"), "aml": 2, "dlbcl": 2}),
    # French, medical words
    J("infarctus du myocarde", "medical", {"myocardial-infarction": 3}, french_disease=True),
    J("fibrillation atriale", "medical", {"atrial-fibrillation": 3}, french_disease=True),
    J("sclérose en plaques", "medical", {"multiple-sclerosis": 3}, french_disease=True),
    J("maladie de Parkinson", "medical", {"parkinson": 3}, french_disease=True),
    J("maladie d'Alzheimer", "medical", {"alzheimer": 3}, french_disease=True),
    J("polyarthrite rhumatoïde", "medical", {"rheumatoid-arthritis": 3}, french_disease=True),
    J("rectocolite hémorragique", "medical", {"ulcerative-colitis": 3}, french_disease=True),
    J("mucoviscidose", "medical", {"cystic-fibrosis": 3}, french_disease=True),
    J("drépanocytose", "medical", {"sickle-cell": 3}, french_disease=True),
    J("glioblastome", "medical", {"glioblastoma": 3}, french_disease=True),
    J("myélome multiple", "medical", {"myeloma": 3}, french_disease=True),
    J("leucémie aiguë myéloïde", "medical", {"aml": 3}, french_disease=True),
    J("endométriose", "medical", {"endometriosis": 3}, french_disease=True),
    J("prééclampsie", "medical", {"preeclampsia": 3}, french_disease=True),
    J("insuffisance rénale chronique", "medical", {"ckd": 3}, french_disease=True),
    J("cirrhose", "medical", {"cirrhosis": 3}, french_disease=True),
    J("schizophrénie", "medical", {"schizophrenia": 3}, french_disease=True),
    J("dermatite atopique", "medical", {"atopic-dermatitis": 3}, french_disease=True),
    J("épilepsie", "medical", {"epilepsy": 3}, french_disease=True),
    J("insuffisance cardiaque", "medical", {"heart-failure": 3}, french_disease=True),
    J("cancer du pancréas", "medical", {"pancreatic-cancer": 3}, french_disease=True),
    J("hémophilie", "medical", {"haemophilia": 3}, french_disease=True),
    # English
    J("breast cancer", "english", {"breast-cancer": 3}),
    J("heart failure", "english", {"heart-failure": 3}),
    J("multiple sclerosis", "english", {"multiple-sclerosis": 3}),
    J("type 2 diabetes", "english", {"type-2-diabetes": 3, "type-1-diabetes": 1}),
    J("Parkinson's disease", "english", {"parkinson": 3}),
    J("chronic kidney disease", "english", {"ckd": 3}),
    # Acronyms
    J("AVC", "acronym", {"stroke": 3}, french_disease=True),
    J("IDM", "acronym", {"myocardial-infarction": 3}, french_disease=True),
    J("BPCO", "acronym", {"copd": 3}, french_disease=True),
    J("SEP", "acronym", {"multiple-sclerosis": 3}, french_disease=True),
    J("VIH", "acronym", {"hiv": 3}, french_disease=True),
    J("DMLA", "acronym", {"amd": 3}, french_disease=True),
    J("SAOS", "acronym", {"sleep-apnoea": 3}, french_disease=True),
    # Typos
    J("alzeimer", "typo", {"alzheimer": 3}),
    J("parkinsonn", "typo", {"parkinson": 3}),
    J("mucovicidose", "typo", {"cystic-fibrosis": 3}),
    J("schizofrénie", "typo", {"schizophrenia": 3}),
    J("polyartrite rhumatoide", "typo", {"rheumatoid-arthritis": 3}),
    J("drepanocitose", "typo", {"sickle-cell": 3}),
    # Several words
    J(
        "cancer du sein métastatique",
        "multi",
        {"breast-cancer": 2},
        prefer=("métastatique", "metastatic"),
    ),
    J(
        "cancer du poumon non à petites cellules",
        "multi",
        {"lung-cancer": 2},
        prefer=("non à petites cellules", "non-small cell"),
    ),
    J(
        "maladie de Crohn sévère",
        "multi",
        {"crohn": 2, "ulcerative-colitis": 1},
        prefer=("sévère", "severe"),
    ),
    J(
        "diabète de type 1 enfant",
        "multi",
        {"type-1-diabetes": 2, "type-2-diabetes": 1},
        prefer=("enfant", "paediatric"),
    ),
    J("enfant asthme", "multi", {"asthma": 2, "bronchiolitis": 1}, prefer=("enfant",)),
    J(
        "insuffisance cardiaque chronique",
        "multi",
        {"heart-failure": 2},
        prefer=("chronique", "chronic"),
    ),
    # City plus disease (the portal's two boxes)
    J("asthme", "city", {"asthma": 3}, city="Lyon"),
    J("cancer du sein", "city", {"breast-cancer": 3}, city="Paris"),
    J("AVC", "city", {"stroke": 3}, city="Marseille"),
    J("diabète", "city", {"type-2-diabetes": 3, "type-1-diabetes": 3}, city="Toulouse"),
    J("maladie de Parkinson", "city", {"parkinson": 3}, city="Lille"),
    # Specialties and OR
    J("oncologie", "area", {**area("Oncologie"), "aml": 1, "dlbcl": 1}),
    J("cardiologie", "area", area("Cardiologie")),
    J("neurologie", "area", area("Neurologie")),
    J("cancer OR asthme", "or", {**area("Oncologie"), "asthma": 3, "aml": 2, "dlbcl": 2}),
)

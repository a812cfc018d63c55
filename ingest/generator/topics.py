"""Therapeutic topics, interventions and drug names: what studies are about.

French noun phrases carry their article (``l'asthme sévère``, ``le diabète de type 2``) so
:func:`ingest.generator.prose.de` can elide and contract them correctly (``de l'``, ``du``,
``d'un``): real RIPH text is full of elisions and the search analyser must cope with them.
CTIS areas use the MeSH-tree wording of the exports. Drug names are built from syllables and
match no real product.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Topic:
    """A therapeutic area in RIPH (French) and CTIS (MeSH-tree) wording, with conditions."""

    riph_area: str
    ctis_area: str
    conditions_fr: tuple[str, ...]
    conditions_en: tuple[str, ...]


TOPICS: Final[tuple[Topic, ...]] = (
    Topic(
        "Oncologie",
        "Diseases [C] - Neoplasms [C04]",
        (
            "le cancer du sein HER2-positif",
            "le cancer bronchique non à petites cellules",
            "le cancer colorectal métastatique",
            "le mélanome avancé",
            "le myélome multiple",
            "le cancer de la prostate résistant à la castration",
            "le glioblastome",
            "l'adénocarcinome du pancréas",
            "le cancer de l'ovaire",
        ),
        (
            "HER2-positive breast cancer",
            "non-small cell lung cancer",
            "metastatic colorectal cancer",
            "advanced melanoma",
            "multiple myeloma",
            "metastatic castration-resistant prostate cancer",
            "glioblastoma",
            "pancreatic ductal adenocarcinoma",
            "ovarian cancer",
        ),
    ),
    Topic(
        "Cardiologie",
        "Diseases [C] - Cardiovascular Diseases [C14]",
        (
            "l'insuffisance cardiaque à fraction d'éjection réduite",
            "la fibrillation atriale",
            "l'infarctus du myocarde",
            "l'hypertension artérielle résistante",
            "le rétrécissement aortique",
            "l'amylose cardiaque à transthyrétine",
        ),
        (
            "heart failure with reduced ejection fraction",
            "atrial fibrillation",
            "acute myocardial infarction",
            "resistant hypertension",
            "aortic stenosis",
            "transthyretin amyloid cardiomyopathy",
        ),
    ),
    Topic(
        "Neurologie",
        "Diseases [C] - Nervous System Diseases [C10]",
        (
            "la maladie d'Alzheimer",
            "la maladie de Parkinson",
            "la sclérose en plaques récurrente-rémittente",
            "l'épilepsie pharmacorésistante",
            "l'accident vasculaire cérébral ischémique",
            "la migraine chronique",
        ),
        (
            "early Alzheimer's disease",
            "Parkinson's disease",
            "relapsing multiple sclerosis",
            "drug-resistant focal epilepsy",
            "acute ischaemic stroke",
            "chronic migraine",
        ),
    ),
    Topic(
        "Pneumologie",
        "Diseases [C] - Respiratory Tract Diseases [C08]",
        (
            "l'asthme sévère",
            "la bronchopneumopathie chronique obstructive",
            "la fibrose pulmonaire idiopathique",
            "la mucoviscidose",
            "le syndrome d'apnées obstructives du sommeil",
        ),
        (
            "severe eosinophilic asthma",
            "chronic obstructive pulmonary disease",
            "idiopathic pulmonary fibrosis",
            "cystic fibrosis",
            "obstructive sleep apnoea",
        ),
    ),
    Topic(
        "Gastro-entérologie",
        "Diseases [C] - Digestive System Diseases [C06]",
        (
            "la maladie de Crohn",
            "la rectocolite hémorragique",
            "la stéatohépatite non alcoolique",
            "la cirrhose décompensée",
        ),
        (
            "moderately to severely active Crohn's disease",
            "ulcerative colitis",
            "non-alcoholic steatohepatitis",
            "decompensated cirrhosis",
        ),
    ),
    Topic(
        "Endocrinologie",
        "Diseases [C] - Nutritional and Metabolic Diseases [C18]",
        (
            "le diabète de type 2",
            "le diabète de type 1",
            "l'obésité sévère",
            "l'hypercholestérolémie familiale",
        ),
        (
            "type 2 diabetes mellitus",
            "type 1 diabetes",
            "obesity",
            "heterozygous familial hypercholesterolaemia",
        ),
    ),
    Topic(
        "Maladies infectieuses",
        "Diseases [C] - Infections [C01]",
        (
            "l'infection par le VIH",
            "l'hépatite B chronique",
            "l'infection à virus respiratoire syncytial",
            "la COVID-19",
            "le choc septique",
        ),
        (
            "HIV-1 infection",
            "chronic hepatitis B",
            "respiratory syncytial virus infection",
            "COVID-19",
            "septic shock",
        ),
    ),
    Topic(
        "Rhumatologie",
        "Diseases [C] - Musculoskeletal Diseases [C05]",
        (
            "la polyarthrite rhumatoïde",
            "la spondyloarthrite axiale",
            "l'arthrose du genou",
            "l'ostéoporose post-ménopausique",
        ),
        (
            "rheumatoid arthritis",
            "axial spondyloarthritis",
            "knee osteoarthritis",
            "postmenopausal osteoporosis",
        ),
    ),
    Topic(
        "Hématologie",
        "Diseases [C] - Hemic and Lymphatic Diseases [C15]",
        (
            "la drépanocytose",
            "l'hémophilie A",
            "la leucémie aiguë myéloïde",
            "le lymphome diffus à grandes cellules B",
        ),
        (
            "sickle cell disease",
            "haemophilia A",
            "acute myeloid leukaemia",
            "diffuse large B-cell lymphoma",
        ),
    ),
    Topic(
        "Psychiatrie",
        "Psychiatry and Psychology [F] - Mental Disorders [F03]",
        (
            "l'épisode dépressif caractérisé",
            "la schizophrénie",
            "le trouble bipolaire",
            "les troubles du spectre de l'autisme",
        ),
        (
            "major depressive disorder",
            "schizophrenia",
            "bipolar I disorder",
            "autism spectrum disorder",
        ),
    ),
    Topic(
        "Dermatologie",
        "Diseases [C] - Skin and Connective Tissue Diseases [C17]",
        (
            "la dermatite atopique modérée à sévère",
            "le psoriasis en plaques",
            "l'hidradénite suppurée",
        ),
        ("moderate-to-severe atopic dermatitis", "plaque psoriasis", "hidradenitis suppurativa"),
    ),
    Topic(
        "Néphrologie",
        "Diseases [C] - Male Urogenital Diseases [C12]",
        ("la maladie rénale chronique", "la néphropathie à IgA"),
        ("chronic kidney disease", "primary IgA nephropathy"),
    ),
    Topic(
        "Ophtalmologie",
        "Diseases [C] - Eye Diseases [C11]",
        ("la dégénérescence maculaire liée à l'âge", "le glaucome primitif à angle ouvert"),
        ("neovascular age-related macular degeneration", "open-angle glaucoma"),
    ),
    Topic(
        "Pédiatrie",
        "Diseases [C] - Congenital, Hereditary, and Neonatal Diseases and Abnormalities [C16]",
        ("la prématurité", "la bronchiolite du nourrisson", "l'amyotrophie spinale"),
        ("preterm infants", "infant bronchiolitis", "spinal muscular atrophy"),
    ),
    Topic(
        "Gynécologie-obstétrique",
        "Diseases [C] - Female Urogenital Diseases and Pregnancy Complications [C13]",
        ("l'endométriose", "la prééclampsie", "la menace d'accouchement prématuré"),
        ("endometriosis", "pre-eclampsia", "threatened preterm labour"),
    ),
    Topic(
        "Anesthésie-réanimation",
        "Diseases [C] - Pathological Conditions, Signs and Symptoms [C23]",
        (
            "le syndrome de détresse respiratoire aiguë",
            "la douleur postopératoire",
            "l'arrêt cardiaque extrahospitalier",
        ),
        (
            "acute respiratory distress syndrome",
            "postoperative pain",
            "out-of-hospital cardiac arrest",
        ),
    ),
)

INTERVENTIONS_FR: Final = (
    "l'activité physique adaptée",
    "un programme d'éducation thérapeutique",
    "la stimulation magnétique transcrânienne",
    "la chirurgie robot-assistée",
    "une application mobile d'autosurveillance",
    "la téléconsultation",
    "l'hypnose",
    "la kinésithérapie respiratoire",
    "une supplémentation en vitamine D",
    "l'acupuncture",
    "un accompagnement infirmier à domicile",
    "une intervention nutritionnelle",
    "la radiothérapie stéréotaxique",
    "un traitement antibiotique court",
    "l'immunothérapie néoadjuvante",
    "une prise en charge précoce",
)
DEVICES: Final = (
    "un capteur de glycémie en continu",
    "une valve aortique percutanée",
    "un stent coronaire à élution médicamenteuse",
    "un dispositif de neurostimulation implantable",
    "une prothèse totale de genou",
    "un pansement connecté",
    "un logiciel d'aide au diagnostic par intelligence artificielle",
    "un implant cochléaire",
    "un cœur artificiel total",
    "une pompe à insuline en boucle fermée",
    "un défibrillateur sous-cutané",
    "une lentille intraoculaire multifocale",
    "un exosquelette de rééducation",
)
IVD_TESTS: Final = (
    "un test PCR multiplex",
    "un test sérologique rapide",
    "un test de détection de l'ADN tumoral circulant",
    "un dosage de la troponine ultrasensible",
    "un test génomique de signature tumorale",
    "un autotest salivaire",
    "un test de biologie délocalisée",
    "un algorithme d'analyse d'images de lames",
)

# fmt: off
_DRUG_HEADS: Final = (
    "exa", "fic", "zor", "vel", "tam", "lum", "nor", "pra", "qui", "ser", "dal", "ren", "tor",
    "vab", "mir", "kol", "ubi", "ela", "ori", "zan",
)
# fmt: on
_DRUG_MIDS: Final = ("pli", "ti", "va", "ro", "ne", "ma", "li", "zu", "ci", "do")
# fmt: off
_DRUG_TAILS: Final = (
    "mab", "tinib", "stat", "glutide", "parin", "vir", "lukast", "gliflozin", "sertib", "cept",
    "tecan", "ciclib", "lisib", "tamab",
)
# fmt: on


def drug_name(index: int) -> str:
    """The ``index``-th synthetic INN-like name (``Examplumab`` style), stable by index."""
    head = _DRUG_HEADS[index % len(_DRUG_HEADS)]
    mid = _DRUG_MIDS[(index // len(_DRUG_HEADS)) % len(_DRUG_MIDS)]
    tail = _DRUG_TAILS[(index // (len(_DRUG_HEADS) * len(_DRUG_MIDS))) % len(_DRUG_TAILS)]
    return (head + mid + tail).capitalize()


DRUG_COUNT: Final = len(_DRUG_HEADS) * len(_DRUG_MIDS) * len(_DRUG_TAILS)

"""Therapeutic topics: what each synthetic study is about, coherently.

A study is drawn from one :class:`Disease` of one :class:`Topic`; its title, summary,
objectives, criteria, condition, MedDRA codes (with their French labels, in the repository's
synthetic LLT table) and therapeutic area all come from that disease, and devices, tests and
interventions from its topic, so relevance can be judged on the synthetic data (issue 14).
French noun phrases carry their article (``l'asthme sévère``, ``le diabète de type 2``) so
:func:`ingest.generator.prose.de` can elide and contract them (``de l'``, ``du``, ``d'un``).
CTIS areas use the MeSH-tree wording of the exports. Drug names are built from syllables and
match no real product. MedDRA codes are synthetic (10090101 on, in table order): the real
terminology is licensed; only the French wording of the labels is realistic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

MEDDRA_TOPIC_FIRST: Final = 10_090_101
"""First synthetic LLT code given to a disease (below it the table keeps its filler labels)."""


@dataclass(frozen=True, slots=True)
class Disease:
    """One condition: French and English wordings (variants) and its French MedDRA labels."""

    key: str
    fr: tuple[str, ...]
    en: tuple[str, ...]
    meddra: tuple[str, ...]
    codes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Topic:
    """A therapeutic area in RIPH (French) and CTIS (MeSH-tree) wording, with its diseases,
    the devices, diagnostic tests and non-drug interventions that fit it, and endpoints."""

    riph_area: str
    ctis_area: str
    diseases: tuple[Disease, ...]
    devices: tuple[str, ...]
    tests: tuple[str, ...]
    interventions: tuple[str, ...]
    endpoints_fr: tuple[str, ...]
    endpoints_en: tuple[str, ...]

    @property
    def conditions_fr(self) -> tuple[str, ...]:
        return tuple(d.fr[0] for d in self.diseases)

    @property
    def conditions_en(self) -> tuple[str, ...]:
        return tuple(d.en[0] for d in self.diseases)


def D(key: str, fr: tuple[str, ...], en: tuple[str, ...], meddra: tuple[str, ...]) -> Disease:
    return Disease(key, fr, en, meddra)


_TOPICS: Final[tuple[Topic, ...]] = (
    Topic(
        "Oncologie",
        "Diseases [C] - Neoplasms [C04]",
        (
            D(
                "breast-cancer",
                (
                    "le cancer du sein HER2-positif",
                    "le cancer du sein métastatique",
                    "le cancer du sein triple négatif",
                    "le cancer du sein localisé",
                ),
                (
                    "HER2-positive breast cancer",
                    "metastatic breast cancer",
                    "triple-negative breast cancer",
                    "early breast cancer",
                ),
                ("Cancer du sein", "Carcinome mammaire"),
            ),
            D(
                "lung-cancer",
                ("le cancer bronchique non à petites cellules", "le cancer du poumon avancé"),
                ("non-small cell lung cancer", "advanced lung cancer"),
                ("Cancer du poumon", "Carcinome bronchique"),
            ),
            D(
                "colorectal-cancer",
                ("le cancer colorectal métastatique", "le cancer du côlon"),
                ("metastatic colorectal cancer", "colon cancer"),
                ("Cancer colorectal", "Adénocarcinome du côlon"),
            ),
            D(
                "melanoma",
                ("le mélanome avancé", "le mélanome métastatique"),
                ("advanced melanoma", "metastatic melanoma"),
                ("Mélanome malin", "Mélanome"),
            ),
            D(
                "myeloma",
                ("le myélome multiple", "le myélome multiple en rechute"),
                ("multiple myeloma", "relapsed or refractory multiple myeloma"),
                ("Myélome multiple", "Maladie de Kahler"),
            ),
            D(
                "prostate-cancer",
                (
                    "le cancer de la prostate résistant à la castration",
                    "le cancer de la prostate métastatique",
                ),
                ("metastatic castration-resistant prostate cancer", "metastatic prostate cancer"),
                ("Cancer de la prostate", "Adénocarcinome prostatique"),
            ),
            D(
                "glioblastoma",
                ("le glioblastome", "le glioblastome récidivant"),
                ("glioblastoma", "recurrent glioblastoma"),
                ("Glioblastome", "Tumeur cérébrale maligne"),
            ),
            D(
                "pancreatic-cancer",
                ("l'adénocarcinome du pancréas", "le cancer du pancréas métastatique"),
                ("pancreatic ductal adenocarcinoma", "metastatic pancreatic cancer"),
                ("Cancer du pancréas", "Adénocarcinome pancréatique"),
            ),
            D(
                "ovarian-cancer",
                ("le cancer de l'ovaire", "le cancer de l'ovaire avancé"),
                ("ovarian cancer", "advanced ovarian cancer"),
                ("Cancer de l'ovaire", "Carcinome ovarien"),
            ),
        ),
        (
            "une plateforme de radiothérapie guidée par IRM",
            "un dispositif de cryoablation",
            "un casque réfrigérant contre l'alopécie",
            "un port implantable de chimiothérapie",
        ),
        (
            "un test de détection de l'ADN tumoral circulant",
            "un test génomique de signature tumorale",
            "un algorithme d'analyse d'images de lames",
        ),
        (
            "l'activité physique adaptée",
            "la radiothérapie stéréotaxique",
            "l'immunothérapie néoadjuvante",
            "un programme de soins de support",
            "l'hypnose",
        ),
        (
            "Taux de survie sans progression à 12 mois",
            "Survie globale à 24 mois",
            "Taux de réponse objective",
        ),
        ("Progression-free survival (PFS)", "Overall survival", "Objective response rate"),
    ),
    Topic(
        "Cardiologie",
        "Diseases [C] - Cardiovascular Diseases [C14]",
        (
            D(
                "heart-failure",
                (
                    "l'insuffisance cardiaque à fraction d'éjection réduite",
                    "l'insuffisance cardiaque chronique",
                    "l'insuffisance cardiaque",
                ),
                ("heart failure with reduced ejection fraction", "chronic heart failure"),
                ("Insuffisance cardiaque", "Défaillance cardiaque"),
            ),
            D(
                "atrial-fibrillation",
                ("la fibrillation atriale", "la fibrillation auriculaire paroxystique"),
                ("atrial fibrillation", "paroxysmal atrial fibrillation"),
                ("Fibrillation auriculaire", "Fibrillation atriale"),
            ),
            D(
                "myocardial-infarction",
                ("l'infarctus du myocarde", "l'infarctus du myocarde aigu"),
                ("acute myocardial infarction", "ST-elevation myocardial infarction"),
                ("Infarctus du myocarde", "Infarctus aigu du myocarde"),
            ),
            D(
                "hypertension",
                ("l'hypertension artérielle résistante", "l'hypertension artérielle"),
                ("resistant hypertension", "essential hypertension"),
                ("Hypertension artérielle", "Hypertension"),
            ),
            D(
                "aortic-stenosis",
                ("le rétrécissement aortique", "le rétrécissement aortique sévère"),
                ("aortic stenosis", "severe aortic stenosis"),
                ("Sténose aortique", "Rétrécissement valvulaire aortique"),
            ),
            D(
                "cardiac-amyloidosis",
                ("l'amylose cardiaque à transthyrétine",),
                ("transthyretin amyloid cardiomyopathy",),
                ("Amylose cardiaque", "Cardiomyopathie amyloïde"),
            ),
        ),
        (
            "une valve aortique percutanée",
            "un stent coronaire à élution médicamenteuse",
            "un défibrillateur sous-cutané",
            "un cœur artificiel total",
            "un holter connecté",
        ),
        ("un dosage de la troponine ultrasensible", "un test de biologie délocalisée du BNP"),
        (
            "la réadaptation cardiaque",
            "un programme d'éducation thérapeutique",
            "la téléconsultation",
            "un accompagnement infirmier à domicile",
        ),
        (
            "Délai de survenue du premier événement cardiovasculaire",
            "Taux de réhospitalisation pour insuffisance cardiaque à 12 mois",
        ),
        (
            "Time to first major adverse cardiovascular event",
            "Change from baseline in left ventricular ejection fraction",
        ),
    ),
    Topic(
        "Neurologie",
        "Diseases [C] - Nervous System Diseases [C10]",
        (
            D(
                "alzheimer",
                ("la maladie d'Alzheimer", "la maladie d'Alzheimer débutante"),
                ("early Alzheimer's disease", "Alzheimer's disease"),
                ("Maladie d'Alzheimer", "Démence de type Alzheimer"),
            ),
            D(
                "parkinson",
                ("la maladie de Parkinson", "la maladie de Parkinson avancée"),
                ("Parkinson's disease", "advanced Parkinson's disease"),
                ("Maladie de Parkinson", "Syndrome parkinsonien"),
            ),
            D(
                "multiple-sclerosis",
                ("la sclérose en plaques récurrente-rémittente", "la sclérose en plaques"),
                ("relapsing multiple sclerosis", "primary progressive multiple sclerosis"),
                ("Sclérose en plaques", "Sclérose multiple"),
            ),
            D(
                "epilepsy",
                ("l'épilepsie pharmacorésistante", "l'épilepsie focale"),
                ("drug-resistant focal epilepsy", "focal onset seizures"),
                ("Épilepsie", "Crise d'épilepsie"),
            ),
            D(
                "stroke",
                ("l'accident vasculaire cérébral ischémique", "l'accident vasculaire cérébral"),
                ("acute ischaemic stroke", "ischaemic stroke"),
                ("Accident vasculaire cérébral", "Infarctus cérébral"),
            ),
            D(
                "migraine",
                ("la migraine chronique", "la migraine épisodique"),
                ("chronic migraine", "episodic migraine"),
                ("Migraine", "Céphalée migraineuse"),
            ),
        ),
        (
            "un dispositif de neurostimulation implantable",
            "un exosquelette de rééducation",
            "un casque d'électroencéphalographie connecté",
        ),
        (
            "un dosage sanguin de biomarqueurs de neurodégénérescence",
            "un logiciel d'aide au diagnostic par intelligence artificielle",
        ),
        (
            "la stimulation magnétique transcrânienne",
            "la kinésithérapie",
            "l'activité physique adaptée",
            "une application mobile d'autosurveillance",
        ),
        (
            "Évolution du score cognitif MMSE à 18 mois",
            "Score de Rankin modifié à 90 jours",
            "Fréquence mensuelle des crises",
        ),
        (
            "Change from baseline in CDR-SB at week 76",
            "Modified Rankin Scale at day 90",
            "Annualised relapse rate",
        ),
    ),
    Topic(
        "Pneumologie",
        "Diseases [C] - Respiratory Tract Diseases [C08]",
        (
            D(
                "asthma",
                ("l'asthme sévère", "l'asthme de l'enfant"),
                ("severe eosinophilic asthma", "uncontrolled asthma"),
                ("Asthme", "Asthme bronchique"),
            ),
            D(
                "copd",
                (
                    "la bronchopneumopathie chronique obstructive",
                    "la bronchopneumopathie chronique obstructive sévère",
                ),
                ("chronic obstructive pulmonary disease", "severe COPD"),
                ("Bronchopneumopathie chronique obstructive", "Emphysème pulmonaire"),
            ),
            D(
                "pulmonary-fibrosis",
                ("la fibrose pulmonaire idiopathique",),
                ("idiopathic pulmonary fibrosis",),
                ("Fibrose pulmonaire idiopathique", "Pneumopathie interstitielle"),
            ),
            D(
                "cystic-fibrosis",
                ("la mucoviscidose",),
                ("cystic fibrosis",),
                ("Mucoviscidose", "Fibrose kystique"),
            ),
            D(
                "sleep-apnoea",
                ("le syndrome d'apnées obstructives du sommeil",),
                ("obstructive sleep apnoea",),
                ("Apnée du sommeil", "Syndrome d'apnées obstructives du sommeil"),
            ),
        ),
        (
            "un appareil de ventilation à pression positive continue",
            "un spiromètre connecté",
            "une orthèse d'avancée mandibulaire",
        ),
        ("un test PCR multiplex des pathogènes respiratoires", "un autotest salivaire"),
        (
            "la kinésithérapie respiratoire",
            "la réhabilitation respiratoire",
            "un programme d'éducation thérapeutique",
        ),
        ("Taux annualisé d'exacerbations", "Variation du VEMS à 52 semaines"),
        ("Annualised rate of severe exacerbations", "Change from baseline in FEV1 at week 52"),
    ),
    Topic(
        "Gastro-entérologie",
        "Diseases [C] - Digestive System Diseases [C06]",
        (
            D(
                "crohn",
                ("la maladie de Crohn", "la maladie de Crohn modérée à sévère"),
                ("moderately to severely active Crohn's disease", "Crohn's disease"),
                ("Maladie de Crohn", "Iléite de Crohn"),
            ),
            D(
                "ulcerative-colitis",
                ("la rectocolite hémorragique",),
                ("ulcerative colitis", "moderately to severely active ulcerative colitis"),
                ("Rectocolite hémorragique", "Colite ulcéreuse"),
            ),
            D(
                "nash",
                ("la stéatohépatite non alcoolique", "la stéatose hépatique"),
                (
                    "non-alcoholic steatohepatitis",
                    "metabolic dysfunction-associated steatohepatitis",
                ),
                ("Stéatohépatite non alcoolique", "Stéatose hépatique"),
            ),
            D(
                "cirrhosis",
                ("la cirrhose décompensée", "la cirrhose du foie"),
                ("decompensated cirrhosis", "liver cirrhosis"),
                ("Cirrhose hépatique", "Cirrhose du foie"),
            ),
        ),
        ("une capsule vidéo-endoscopique", "un dispositif d'élastographie hépatique"),
        ("un test de calprotectine fécale rapide", "un test sanguin de fibrose hépatique"),
        ("une intervention nutritionnelle", "un programme d'éducation thérapeutique"),
        ("Taux de rémission clinique à la semaine 12", "Survenue d'une décompensation à 12 mois"),
        ("Clinical remission at week 12", "Endoscopic response at week 52"),
    ),
    Topic(
        "Endocrinologie",
        "Diseases [C] - Nutritional and Metabolic Diseases [C18]",
        (
            D(
                "type-2-diabetes",
                ("le diabète de type 2",),
                ("type 2 diabetes mellitus",),
                ("Diabète de type 2", "Diabète non insulinodépendant"),
            ),
            D(
                "type-1-diabetes",
                ("le diabète de type 1", "le diabète de type 1 de l'enfant"),
                ("type 1 diabetes", "paediatric type 1 diabetes"),
                ("Diabète de type 1", "Diabète insulinodépendant"),
            ),
            D(
                "obesity",
                ("l'obésité sévère", "l'obésité"),
                ("obesity", "severe obesity"),
                ("Obésité", "Surcharge pondérale"),
            ),
            D(
                "hypercholesterolaemia",
                ("l'hypercholestérolémie familiale",),
                ("heterozygous familial hypercholesterolaemia",),
                ("Hypercholestérolémie familiale", "Hypercholestérolémie"),
            ),
        ),
        (
            "un capteur de glycémie en continu",
            "une pompe à insuline en boucle fermée",
            "un stylo à insuline connecté",
        ),
        ("un dosage rapide de l'hémoglobine glyquée", "un test génétique d'hypercholestérolémie"),
        (
            "l'activité physique adaptée",
            "une intervention nutritionnelle",
            "un programme d'éducation thérapeutique",
            "une application mobile d'autosurveillance",
        ),
        ("Variation de l'HbA1c à 6 mois", "Perte de poids à 12 mois"),
        (
            "Change from baseline in HbA1c at week 26",
            "Percent change in body weight at week 68",
            "Percent change in LDL cholesterol at week 24",
        ),
    ),
    Topic(
        "Maladies infectieuses",
        "Diseases [C] - Infections [C01]",
        (
            D(
                "hiv",
                ("l'infection par le VIH", "l'infection par le VIH-1"),
                ("HIV-1 infection", "HIV infection"),
                ("Infection par le VIH", "Infection à VIH-1"),
            ),
            D(
                "hepatitis-b",
                ("l'hépatite B chronique",),
                ("chronic hepatitis B",),
                ("Hépatite B chronique", "Infection par le virus de l'hépatite B"),
            ),
            D(
                "rsv",
                ("l'infection à virus respiratoire syncytial",),
                ("respiratory syncytial virus infection",),
                ("Infection à virus respiratoire syncytial", "Bronchiolite à VRS"),
            ),
            D(
                "covid",
                ("la COVID-19", "la COVID-19 sévère"),
                ("COVID-19", "severe COVID-19"),
                ("COVID-19", "Infection à SARS-CoV-2"),
            ),
            D(
                "sepsis",
                ("le choc septique", "le sepsis"),
                ("septic shock", "sepsis"),
                ("Choc septique", "Sepsis"),
            ),
        ),
        ("un dispositif de désinfection des cathéters", "un pansement antimicrobien"),
        ("un test PCR multiplex", "un test sérologique rapide", "un test de biologie délocalisée"),
        ("un traitement antibiotique court", "une vaccination", "un dépistage communautaire"),
        ("Charge virale indétectable à 48 semaines", "Mortalité à 28 jours"),
        ("Proportion with HIV-1 RNA < 50 copies/mL at week 48", "All-cause mortality at day 28"),
    ),
    Topic(
        "Rhumatologie",
        "Diseases [C] - Musculoskeletal Diseases [C05]",
        (
            D(
                "rheumatoid-arthritis",
                ("la polyarthrite rhumatoïde",),
                ("rheumatoid arthritis", "moderate to severe rheumatoid arthritis"),
                ("Polyarthrite rhumatoïde", "Arthrite rhumatoïde"),
            ),
            D(
                "spondyloarthritis",
                ("la spondyloarthrite axiale", "la spondylarthrite ankylosante"),
                ("axial spondyloarthritis", "ankylosing spondylitis"),
                ("Spondylarthrite ankylosante", "Spondyloarthrite axiale"),
            ),
            D(
                "osteoarthritis",
                ("l'arthrose du genou", "l'arthrose de la hanche"),
                ("knee osteoarthritis", "hip osteoarthritis"),
                ("Arthrose du genou", "Gonarthrose"),
            ),
            D(
                "osteoporosis",
                ("l'ostéoporose post-ménopausique",),
                ("postmenopausal osteoporosis",),
                ("Ostéoporose", "Ostéoporose post-ménopausique"),
            ),
        ),
        ("une prothèse totale de genou", "une orthèse connectée", "un implant de hanche"),
        ("un test rapide d'anticorps anti-CCP",),
        ("la kinésithérapie", "l'activité physique adaptée", "l'acupuncture"),
        ("Réponse ACR20 à la semaine 24", "Score de douleur EVA à 3 mois"),
        ("ACR20 response at week 24", "Percent change in lumbar spine bone mineral density"),
    ),
    Topic(
        "Hématologie",
        "Diseases [C] - Hemic and Lymphatic Diseases [C15]",
        (
            D(
                "sickle-cell",
                ("la drépanocytose",),
                ("sickle cell disease",),
                ("Drépanocytose", "Anémie falciforme"),
            ),
            D(
                "haemophilia",
                ("l'hémophilie A", "l'hémophilie A sévère"),
                ("haemophilia A", "severe haemophilia A"),
                ("Hémophilie A", "Déficit en facteur VIII"),
            ),
            D(
                "aml",
                ("la leucémie aiguë myéloïde",),
                ("acute myeloid leukaemia",),
                ("Leucémie aiguë myéloïde", "Leucémie myéloblastique"),
            ),
            D(
                "dlbcl",
                ("le lymphome diffus à grandes cellules B", "le lymphome B en rechute"),
                ("diffuse large B-cell lymphoma", "relapsed large B-cell lymphoma"),
                ("Lymphome diffus à grandes cellules B", "Lymphome non hodgkinien"),
            ),
        ),
        ("un dispositif d'aphérèse", "un cathéter central tunnelisé"),
        ("un test de détection de la maladie résiduelle", "un test rapide d'hémoglobine"),
        ("un programme d'éducation thérapeutique", "l'activité physique adaptée"),
        ("Taux de rémission complète", "Nombre annualisé de saignements"),
        ("Complete remission rate", "Annualised bleeding rate", "Rate of vaso-occlusive crises"),
    ),
    Topic(
        "Psychiatrie",
        "Psychiatry and Psychology [F] - Mental Disorders [F03]",
        (
            D(
                "depression",
                ("l'épisode dépressif caractérisé", "la dépression résistante"),
                ("major depressive disorder", "treatment-resistant depression"),
                ("Dépression", "Épisode dépressif"),
            ),
            D(
                "schizophrenia",
                ("la schizophrénie",),
                ("schizophrenia",),
                ("Schizophrénie", "Trouble schizophrénique"),
            ),
            D(
                "bipolar",
                ("le trouble bipolaire",),
                ("bipolar I disorder",),
                ("Trouble bipolaire", "Psychose maniaco-dépressive"),
            ),
            D(
                "autism",
                ("les troubles du spectre de l'autisme",),
                ("autism spectrum disorder",),
                ("Autisme", "Trouble du spectre autistique"),
            ),
        ),
        (
            "un dispositif de stimulation transcrânienne à domicile",
            "une application thérapeutique numérique",
        ),
        ("un questionnaire de dépistage informatisé",),
        (
            "la thérapie cognitivo-comportementale",
            "la stimulation magnétique transcrânienne",
            "la pleine conscience",
            "la téléconsultation",
        ),
        ("Variation du score MADRS à 8 semaines", "Taux de rechute à 12 mois"),
        (
            "Change from baseline in MADRS total score at week 6",
            "Change from baseline in PANSS total score",
        ),
    ),
    Topic(
        "Dermatologie",
        "Diseases [C] - Skin and Connective Tissue Diseases [C17]",
        (
            D(
                "atopic-dermatitis",
                ("la dermatite atopique modérée à sévère", "l'eczéma atopique de l'enfant"),
                ("moderate-to-severe atopic dermatitis", "paediatric atopic dermatitis"),
                ("Dermatite atopique", "Eczéma atopique"),
            ),
            D(
                "psoriasis",
                ("le psoriasis en plaques",),
                ("plaque psoriasis", "moderate to severe plaque psoriasis"),
                ("Psoriasis", "Psoriasis en plaques"),
            ),
            D(
                "hidradenitis",
                ("l'hidradénite suppurée",),
                ("hidradenitis suppurativa",),
                ("Hidradénite suppurée", "Maladie de Verneuil"),
            ),
        ),
        ("un pansement connecté", "un dispositif de photothérapie à domicile"),
        ("un algorithme d'analyse d'images dermatologiques",),
        ("un programme d'éducation thérapeutique", "la téléconsultation"),
        ("Score EASI-75 à la semaine 16", "Score PASI 90 à la semaine 16"),
        ("EASI-75 at week 16", "PASI 90 at week 16"),
    ),
    Topic(
        "Néphrologie",
        "Diseases [C] - Male Urogenital Diseases [C12]",
        (
            D(
                "ckd",
                ("la maladie rénale chronique", "l'insuffisance rénale chronique"),
                ("chronic kidney disease", "chronic kidney disease with type 2 diabetes"),
                ("Insuffisance rénale chronique", "Maladie rénale chronique"),
            ),
            D(
                "iga-nephropathy",
                ("la néphropathie à IgA",),
                ("primary IgA nephropathy",),
                ("Néphropathie à IgA", "Maladie de Berger"),
            ),
        ),
        ("un rein artificiel portable", "une fistule artério-veineuse connectée"),
        ("un test urinaire de protéinurie rapide",),
        ("un programme d'éducation thérapeutique", "une intervention nutritionnelle"),
        ("Variation du débit de filtration glomérulaire à 12 mois",),
        ("Change from baseline in eGFR at week 52", "Change in proteinuria at month 9"),
    ),
    Topic(
        "Ophtalmologie",
        "Diseases [C] - Eye Diseases [C11]",
        (
            D(
                "amd",
                (
                    "la dégénérescence maculaire liée à l'âge",
                    "la dégénérescence maculaire liée à l'âge néovasculaire",
                ),
                (
                    "neovascular age-related macular degeneration",
                    "age-related macular degeneration",
                ),
                ("Dégénérescence maculaire liée à l'âge", "Maculopathie néovasculaire"),
            ),
            D(
                "glaucoma",
                ("le glaucome primitif à angle ouvert",),
                ("open-angle glaucoma",),
                ("Glaucome", "Glaucome à angle ouvert"),
            ),
        ),
        ("une lentille intraoculaire multifocale", "un implant de drainage du glaucome"),
        ("un logiciel d'analyse de rétinographies",),
        ("une rééducation orthoptique", "la téléconsultation"),
        ("Variation de la meilleure acuité visuelle corrigée à 12 mois",),
        ("Change from baseline in best-corrected visual acuity at week 48",),
    ),
    Topic(
        "Pédiatrie",
        "Diseases [C] - Congenital, Hereditary, and Neonatal Diseases and Abnormalities [C16]",
        (
            D(
                "prematurity",
                ("la prématurité", "la grande prématurité"),
                ("preterm infants", "extremely preterm infants"),
                ("Prématurité", "Naissance prématurée"),
            ),
            D(
                "bronchiolitis",
                ("la bronchiolite du nourrisson",),
                ("infant bronchiolitis",),
                ("Bronchiolite", "Bronchiolite aiguë du nourrisson"),
            ),
            D(
                "sma",
                ("l'amyotrophie spinale",),
                ("spinal muscular atrophy",),
                ("Amyotrophie spinale", "Amyotrophie spinale infantile"),
            ),
        ),
        ("un incubateur connecté", "un dispositif d'oxygénothérapie à haut débit pédiatrique"),
        ("un test rapide de dépistage néonatal",),
        ("la kinésithérapie respiratoire", "un accompagnement parental précoce"),
        ("Durée d'hospitalisation en réanimation néonatale",),
        ("Time to death or permanent ventilation", "Motor milestones at month 12"),
    ),
    Topic(
        "Gynécologie-obstétrique",
        "Diseases [C] - Female Urogenital Diseases and Pregnancy Complications [C13]",
        (
            D(
                "endometriosis",
                ("l'endométriose", "l'endométriose profonde"),
                ("endometriosis", "endometriosis-associated pain"),
                ("Endométriose", "Endométriose pelvienne"),
            ),
            D(
                "preeclampsia",
                ("la prééclampsie",),
                ("pre-eclampsia",),
                ("Prééclampsie", "Toxémie gravidique"),
            ),
            D(
                "preterm-labour",
                ("la menace d'accouchement prématuré",),
                ("threatened preterm labour",),
                ("Menace d'accouchement prématuré", "Travail prématuré"),
            ),
        ),
        ("un pessaire cervical", "un moniteur fœtal connecté"),
        ("un test sanguin de prédiction de la prééclampsie",),
        ("l'acupuncture", "un accompagnement par une sage-femme", "l'activité physique adaptée"),
        ("Intensité de la douleur pelvienne à 6 mois", "Taux d'accouchement avant 34 semaines"),
        ("Change in dysmenorrhoea pain score at month 3",),
    ),
    Topic(
        "Anesthésie-réanimation",
        "Diseases [C] - Pathological Conditions, Signs and Symptoms [C23]",
        (
            D(
                "ards",
                ("le syndrome de détresse respiratoire aiguë",),
                ("acute respiratory distress syndrome",),
                ("Syndrome de détresse respiratoire aiguë", "Détresse respiratoire aiguë"),
            ),
            D(
                "postoperative-pain",
                ("la douleur postopératoire", "la douleur après chirurgie"),
                ("postoperative pain", "acute pain after surgery"),
                ("Douleur postopératoire", "Douleur aiguë"),
            ),
            D(
                "chronic-pain",
                (
                    "la douleur chronique",
                    "la douleur chronique neuropathique",
                    "la lombalgie chronique",
                ),
                ("chronic pain", "chronic neuropathic pain", "chronic low back pain"),
                ("Douleur chronique", "Douleur neuropathique"),
            ),
            D(
                "cardiac-arrest",
                ("l'arrêt cardiaque extrahospitalier",),
                ("out-of-hospital cardiac arrest",),
                ("Arrêt cardiaque", "Arrêt cardio-respiratoire"),
            ),
        ),
        (
            "un dispositif de neurostimulation électrique transcutanée",
            "une pompe d'analgésie autocontrôlée connectée",
            "un défibrillateur automatisé",
        ),
        ("un test de biologie délocalisée du lactate",),
        ("l'hypnose", "l'acupuncture", "la kinésithérapie", "une prise en charge précoce"),
        ("Score de douleur EVA à 3 mois", "Mortalité à 28 jours"),
        ("Ventilator-free days at day 28", "Change from baseline in average daily pain score"),
    ),
)


def _numbered(topics: tuple[Topic, ...]) -> tuple[Topic, ...]:
    """Give each disease its synthetic LLT codes, one per French label, in table order."""
    code = MEDDRA_TOPIC_FIRST
    out = []
    for topic in topics:
        diseases = []
        for disease in topic.diseases:
            codes = tuple(str(code + i) for i in range(len(disease.meddra)))
            code += len(disease.meddra)
            diseases.append(Disease(disease.key, disease.fr, disease.en, disease.meddra, codes))
        out.append(
            Topic(
                topic.riph_area,
                topic.ctis_area,
                tuple(diseases),
                topic.devices,
                topic.tests,
                topic.interventions,
                topic.endpoints_fr,
                topic.endpoints_en,
            )
        )
    return tuple(out)


TOPICS: Final[tuple[Topic, ...]] = _numbered(_TOPICS)
DISEASES: Final[dict[str, tuple[Topic, Disease]]] = {
    d.key: (t, d) for t in TOPICS for d in t.diseases
}
MEDDRA_LABELS: Final[dict[str, str]] = {
    c: label for t in TOPICS for d in t.diseases for c, label in zip(d.codes, d.meddra, strict=True)
}
"""The French LLT label of each topic code (the synthetic table's lines from 10090101)."""

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

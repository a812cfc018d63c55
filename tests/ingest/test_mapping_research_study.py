"""One test per ResearchStudy rule: a literal source fragment → the expected FHIR fragment.

Rule ids are MAP-n (docs/mapping.md); the RES-n decisions (docs/decisions.md) override them.
"""

from __future__ import annotations

import pytest
from ingest_mapping_samples import ctis, dm, ext, jarde, study

from eclaire_core import ig_constants as ig

CS = f"{ig.IG_CANONICAL}/CodeSystem"


# --- MAP-1 / RES-1: status -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("etat", "status"),
    [
        ("A_DEMARRER", "approved"),
        ("À DÉMARRER", "approved"),
        ("a demarrer", "approved"),
        ("PROROGEE", "approved"),
        ("Prorogée", "approved"),
        ("EN_COURS", "active"),
        ("En cours", "active"),
        ("SUSPENDUE", "temporarily-closed-to-accrual"),
        ("TERMINEE", "completed"),
        ("ARCHIVÉE", "completed"),
        ("TERMINEE_ANTICIPEE", "administratively-completed"),
        ("Terminée anticipée", "administratively-completed"),
        ("ABANDONNEE", "withdrawn"),
        ("EXPIREE", "withdrawn"),  # RES-1: not the IG ConceptMap's expiree → approved
        ("  expirée ", "withdrawn"),
    ],
)
def test_status_r1(etat: str, status: str) -> None:
    assert study(dm(etat=etat)).research_study["status"] == status


# --- MAP-2 / RES-2: recruitment status -----------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "code", "display"),
    [
        ("Recrutement en attente", "upcoming", "A venir / Upcoming"),
        ("RECRUTEMENT OUVERT", "recruiting", "Actif / active"),
        ("Recrutement fermé", "completed-recruiting", "Terminé / completed"),
        ("recruiting", "recruiting", "Actif / active"),
    ],
)
def test_recruitment_status_r2(value: str, code: str, display: str) -> None:
    (e,) = ext(study(dm(statut_recrutement=value)).research_study, ig.EXT_RECRUITMENT_STATUS)
    assert e["valueCodeableConcept"]["coding"] == [
        {
            "system": f"{CS}/eclaire-status-recruitment-code-system",
            "code": code,
            "display": display,
            "version": "0.3.1",
        }
    ]


def test_unknown_recruitment_status_is_dropped_with_warning() -> None:
    mapped = study(dm(statut_recrutement="Recrutement suspendu"))
    assert ext(mapped.research_study, ig.EXT_RECRUITMENT_STATUS) == []
    assert any(w.startswith("recruitment-status:") for w in mapped.warnings)


# --- MAP-3: recruitment period -------------------------------------------------------------------
def test_recruitment_period() -> None:
    rs = study(
        dm(date_debut_recrutement="2024-03-01", date_fin_recrutement="2025-06-30")
    ).research_study
    (e,) = ext(rs, ig.EXT_RECRUITMENT_PERIOD)
    assert e["valuePeriod"] == {"start": "2024-03-01", "end": "2025-06-30"}
    assert ext(
        study(dm(date_fin_recrutement="2025-06-30")).research_study, ig.EXT_RECRUITMENT_PERIOD
    )[0]["valuePeriod"] == {"end": "2025-06-30"}
    assert ext(study(dm()).research_study, ig.EXT_RECRUITMENT_PERIOD) == []


@pytest.mark.parametrize("bad", ["30/06/2022", "06/30/2022", "", "2022-02-30", "bientôt"])
def test_bad_recruitment_start_is_dropped_with_warning_r15(bad: str) -> None:
    mapped = study(dm(date_debut_recrutement=bad, date_fin_recrutement="2025-06-30"))
    (e,) = ext(mapped.research_study, ig.EXT_RECRUITMENT_PERIOD)
    assert e["valuePeriod"] == {"end": "2025-06-30"}
    assert bad == "" or any(w.startswith("recruitment-period:") for w in mapped.warnings)


def test_recruitment_end_before_start_is_dropped() -> None:
    mapped = study(dm(date_debut_recrutement="2025-01-01", date_fin_recrutement="2024-01-01"))
    (e,) = ext(mapped.research_study, ig.EXT_RECRUITMENT_PERIOD)
    assert e["valuePeriod"] == {"start": "2025-01-01"}
    assert any(w.startswith("recruitment-period:") for w in mapped.warnings)


# --- MAP-4: regulation ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("record", "code", "display"),
    [
        (ctis(), "REG536", "REG536 (CTIS)"),
        (dm(), "REG745", "REG745 (DM)"),
        (dm(reglementation_code="REG746"), "REG746", "REG746 (DM-DIV)"),
        (jarde(), "JARDE", "JARDE (Jarde)"),
    ],
)
def test_regulation_category(record: dict[str, object], code: str, display: str) -> None:
    assert study(record).research_study["category"][0] == {
        "coding": [
            {
                "system": f"{CS}/eclaire-regulation-code-code-system",
                "code": code,
                "display": display,
                "version": "0.3.1",
            }
        ]
    }


# --- MAP-5 / RES-8: precision --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("record", "code"),
    [
        (ctis(intervention_faible="No"), "study-ctis"),
        (ctis(intervention_faible="Yes"), "study-low-inter-ctis"),
        (ctis(intervention_faible="Oui"), "study-low-inter-ctis"),  # crashed the reference
        (dm(qualification="IC-Cas 1"), "IC-Cas-1"),
        (dm(qualification="EP-Cas 3"), "EP-Cas-3"),
        (jarde(qualification_recherche="Catégorie 3"), "cat3-jarde"),
        (jarde(qualification_recherche="Catégorie 3 questionnaire"), "cat3-questionnaire-jarde"),
        # straight apostrophe vs the IG's typographic one: crashed the reference
        (
            jarde(qualification_recherche="Dérogation à l'obligation d'information"),
            "derog-obligation-info-jarde",
        ),
    ],
)
def test_precision_r8(record: dict[str, object], code: str) -> None:
    coding = study(record).research_study["category"][1]["coding"][0]
    assert coding["system"] == f"{CS}/eclaire-reglementation-precision-code-system"
    assert coding["code"] == code


def test_unmatched_or_null_precision_gives_one_category() -> None:
    mapped = study(dm(qualification="Cas inconnu"))
    assert len(mapped.research_study["category"]) == 1
    assert any(w.startswith("precision:") for w in mapped.warnings)
    assert len(study(ctis(intervention_faible=None)).research_study["category"]) == 1


# --- MAP-6: identifiers and assigners ------------------------------------------------------------
def test_identifiers() -> None:
    rs = study(
        dm(
            numero_nct="NCT09990001",
            numero_isrctn="ISRCTN99990001",
            numero_utn="U1111-9999-0001",
            numero_libre="PROTO-EX-01",
        )
    ).research_study
    assert rs["id"] == "2023-A90001-12"
    assert rs["identifier"] == [
        {
            "use": "official",
            "value": "2023-A90001-12",
            "assigner": {
                "reference": "Organization/ansm",
                "type": "Organization",
                "display": "Reference to primary assigner",
            },
        },
        {"use": "secondary", "system": "https://clinicaltrials.gov", "value": "NCT09990001"},
        {"use": "secondary", "system": "https://www.isrctn.com", "value": "ISRCTN99990001"},
        {
            "use": "secondary",
            "system": "https://www.who.int/tools/clinical-trials-registry-platform",
            "value": "U1111-9999-0001",
        },
        {"use": "temp", "system": "https://my-identifier.fr", "value": "PROTO-EX-01"},
    ]


@pytest.mark.parametrize(
    ("record", "assigner"),
    [
        (ctis(), "ctis"),
        (jarde(), "ansm"),
        (dm(), "ansm"),
        (dm(qualification="Catégorie 1"), "eudract"),
        (dm(reglementation_code="REG746", qualification="Catégorie 1"), "eudract"),
    ],
)
def test_assigner(record: dict[str, object], assigner: str) -> None:
    ref = study(record).research_study["identifier"][0]["assigner"]["reference"]
    assert ref == f"Organization/{assigner}"


# --- MAP-8: title --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("  Étude d&#39;un capteur  ", "Étude d'un capteur"),
        ("Étude d&amp;#39;un capteur", "Étude d'un capteur"),  # double-encoded
        ("Essai &lt;b&gt;A&lt;/b&gt; &amp; B", "Essai <b>A</b> & B"),
    ],
)
def test_title_decoded_and_trimmed(raw: str, title: str) -> None:
    assert study(dm(titre_recherche=raw)).research_study["title"] == title


def test_ctis_title_from_titre() -> None:
    assert study(ctis()).research_study["title"] == "A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"


# --- MAP-16 / RES-7: countries -------------------------------------------------------------------
@pytest.mark.parametrize("record", [ctis(pays_concernes="BE, DE, FR"), ctis(), dm(), jarde()])
def test_location_is_france_only_r7(record: dict[str, object]) -> None:
    assert study(record).research_study["location"] == [
        {
            "coding": [
                {
                    "system": "urn:iso:std:iso:3166",
                    "code": "FR",
                    "display": "France",
                }
            ]
        }
    ]


@pytest.mark.parametrize("countries", ["EL, FR", "XK", "fr,de", "FRA"])
def test_garbled_countries_warn_not_crash(countries: str) -> None:
    mapped = study(ctis(pays_concernes=countries))
    assert mapped.research_study["location"][0]["coding"][0]["code"] == "FR"
    bad = {"EL, FR": 1, "XK": 1, "fr,de": 0, "FRA": 1}[countries]
    assert sum(w.startswith("country:") for w in mapped.warnings) == bad


# --- MAP-17 / RES-14: conditions and MedDRA ------------------------------------------------------
def test_disease_condition_and_meddra_r14() -> None:
    rs = study(ctis(informations_meddra="10090001, 10090300")).research_study
    assert rs["condition"] == [
        {"id": "disease-condition-2024-590001-12-00", "text": "Fictive carcinoma"},
        {
            "id": "meddra-condition-2024-590001-12-00-10090001",
            "coding": [
                {
                    "system": "https://www.meddra.org",
                    "code": "10090001",
                    "display": "Fictivose cardiaque aiguë",
                    "version": "3.0.0",
                }
            ],
        },
        {
            "id": "meddra-condition-2024-590001-12-00-10090300",
            "coding": [
                {
                    "system": "https://www.meddra.org",
                    "code": "10090300",
                    "display": "Factisme sanguine de type 2",
                    "version": "3.0.0",
                }
            ],
        },
    ]


def test_meddra_without_condition_text_and_no_cap() -> None:
    codes = ", ".join(str(10090001 + i) for i in range(25))  # the reference capped at 10
    mapped = study(ctis(pathologies_maladies_rares=None, informations_meddra=codes))
    assert len(mapped.research_study["condition"]) == 25
    assert mapped.warnings == []


def test_unknown_meddra_code_kept_without_label_and_warned() -> None:
    mapped = study(ctis(informations_meddra="99999999, abc"))
    codings = [c["coding"][0] for c in mapped.research_study["condition"][1:]]
    assert codings == [{"system": "https://www.meddra.org", "code": "99999999", "version": "3.0.0"}]
    assert sorted(w.split(":")[0] for w in mapped.warnings) == ["meddra", "meddra"]


def test_empty_meddra_string_means_none() -> None:
    rs = study(ctis(informations_meddra="")).research_study
    assert [c["id"] for c in rs["condition"]] == ["disease-condition-2024-590001-12-00"]


# --- MAP-18: sponsor -----------------------------------------------------------------------------
def test_associated_party_r4_url() -> None:
    (e,) = ext(study(ctis()).research_study, ig.EXT_ASSOCIATED_PARTY_R5)
    assert (
        e["url"]
        == "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.associatedParty"
    )
    assert e["extension"] == [
        {"url": "name", "valueString": "Laboratoire Fictif SA"},
        {
            "url": "role",
            "valueCodeableConcept": {
                "coding": [
                    {
                        "system": f"{CS}/eclaire-study-party-role-code-system",
                        "code": "lead-sponsor",
                        "display": "lead-sponsor",
                        "version": "0.3.1",
                    }
                ]
            },
        },
        {
            "url": "party",
            "valueReference": {
                "reference": "Organization/2024-590001-12-00-primary-sponsor",
                "type": "Organization",
            },
        },
    ]
    assert ext(study(ctis(organisme_nom=None)).research_study, ig.EXT_ASSOCIATED_PARTY_R5) == []


def test_sponsor_is_the_submitter_for_riph() -> None:
    (e,) = ext(study(dm()).research_study, ig.EXT_ASSOCIATED_PARTY_R5)
    assert e["extension"][0] == {"url": "name", "valueString": "CHU d'Exempleville"}


# --- MAP-19: contacts ----------------------------------------------------------------------------
def test_sci_and_pub_contacts() -> None:
    rs = study(
        ctis(
            organisme_adresse="10 avenue Exemple",
            organisme_code_postal="69999",
            contact_prenom="Camille",
            contact_telephone="0100000002",
            contact_public_nom="Testeur",
            contact_public_prenom="Camille",
            contact_public_courriel="contact@example.org",
            contact_public_telephone="0100000000",
        )
    ).research_study
    sci, pub = rs["contact"]
    assert sci == {
        "name": "Laboratoire Fictif SA",
        "extension": [
            {
                "url": ig.EXT_CONTACT_NAME,
                "valueHumanName": {
                    "use": "official",
                    "family": "Trial Information Desk",
                    "given": ["Camille"],
                },
            },
            {
                "url": ig.EXT_CONTACT_ADDRESS,
                "valueAddress": {
                    "use": "work",
                    "type": "physical",
                    "line": ["10 avenue Exemple"],
                    "city": "Lyon",
                    "postalCode": "69999",
                    "country": "France",
                },
            },
            {
                "url": ig.EXT_CONTACT_TYPE,
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": f"{CS}/eclaire-type-contact-code-system",
                            "code": "SCI",
                            "display": "Scientifique / Scientific",
                            "version": "0.3.1",
                        }
                    ]
                },
            },
        ],
        "telecom": [
            {"system": "phone", "value": "0100000002", "use": "work"},
            {"system": "email", "value": "trials@example.org", "use": "work"},
        ],
    }
    assert pub == {
        "extension": [
            {
                "url": ig.EXT_CONTACT_NAME,
                "valueHumanName": {"use": "official", "family": "Testeur", "given": ["Camille"]},
            },
            {
                "url": ig.EXT_CONTACT_TYPE,
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": f"{CS}/eclaire-type-contact-code-system",
                            "code": "PUB",
                            "display": "Publique / Public",
                            "version": "0.3.1",
                        }
                    ]
                },
            },
        ],
        "telecom": [
            {"system": "phone", "value": "0100000000", "use": "work"},
            {"system": "email", "value": "contact@example.org", "use": "work"},
        ],
    }


def test_contacts_omitted_without_person_fields() -> None:
    rs = study(ctis(contact_nom=None, contact_courriel=None)).research_study
    assert "contact" not in rs  # organisation alone is no contact; no public contact either
    rs = study(
        dm(
            deposant_nom=None,
            deposant_prenom=None,
            deposant_courriel=None,
            contact_public_nom=None,
            contact_public_courriel=None,
        )
    ).research_study
    assert "contact" not in rs


def test_riph_submitter_is_the_sci_contact() -> None:
    sci = study(dm()).research_study["contact"][0]
    assert sci["name"] == "CHU d'Exempleville"
    assert sci["telecom"] == [{"system": "email", "value": "depot@example.org", "use": "work"}]


# --- MAP-20 / RES-12: document date --------------------------------------------------------------
@pytest.mark.parametrize(
    ("history", "approvals", "expected"),
    [
        ("2024-02-10:À démarrer, 2024-03-05:En cours", None, "2024-03-05"),
        (None, "23.00090.000045-MS01:2023-11-02, 23.00090.000045-MS02:2024-05-14", "2024-05-14"),
        ("2024-02-10:À démarrer", "24.00090.000123-SM-1:2025-02-03", "2025-02-03"),
        # the tech document's approval numbers contain commas
        (
            None,
            "23.02.2099,000152-SM-1:2024-05-15, 23.02.2099,000152-SM-2:2024-11-05",
            "2024-11-05",
        ),
        # an item starting with a letter no longer outranks the dates (SRC-4)
        ("En cours:2024, 2024-03-05:En cours", None, "2024-03-05"),
    ],
)
def test_document_date_r12(history: str | None, approvals: str | None, expected: str) -> None:
    mapped = study(ctis(historique=history, dates_avis_favorable_ms_mns=approvals))
    stamp = f"{expected}T00:00:00.000Z"
    assert mapped.document_date == stamp
    assert mapped.research_study["meta"]["lastUpdated"] == stamp
    (review,) = ext(mapped.research_study, ig.EXT_REVIEW_DATE)
    assert review == {"url": ig.EXT_REVIEW_DATE, "valueInstant": stamp}


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (ctis(historique=None, dates_avis_favorable_ms_mns=None), "2023-03-15"),
        (dm(date_soumission="2023-05-02"), "2023-08-12"),  # +102 days
        (
            jarde(historique=None, dates_avis_favorable_ms_mns=None, date_soumission="2022-03-01"),
            "2022-06-18",
        ),  # +109 days
        (ctis(historique="n/a", dates_avis_favorable_ms_mns="MS01:bientôt"), "2023-03-15"),
    ],
)
def test_document_date_fallbacks(record: dict[str, object], expected: str) -> None:
    assert study(record).document_date == f"{expected}T00:00:00.000Z"


@pytest.mark.parametrize("submitted", [None, "", "02/05/2023", "not a date"])
def test_missing_submission_date_falls_back_with_warning(submitted: str | None) -> None:
    record = dm(date_soumission=submitted)
    if submitted is None:
        del record["date_soumission"]
    mapped = study(record)
    assert mapped.document_date == "2023-03-15T00:00:00.000Z"
    assert any(w.startswith("document-date:") for w in mapped.warnings)


# --- MAP-21 / R4 / RES-9: other elements ---------------------------------------------------------
def test_therapeutic_area_summary_purpose_duration() -> None:
    rs = study(
        dm(
            resume="Étude pilote.<br>Suivi 6 mois.",
            objectifs="Évaluer la tolérance",
            duree_participation="12",
        )
    ).research_study
    assert ext(rs, ig.EXT_THERAPEUTIC_AREA) == [
        {"url": ig.EXT_THERAPEUTIC_AREA, "valueString": "Cardiologie"}
    ]
    assert ext(rs, ig.EXT_DESCRIPTION_SUMMARY_R5) == [
        {
            "url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.descriptionSummary",
            "valueMarkdown": "Étude pilote.\n\nSuivi 6 mois.",  # markdown, not HTML
        }
    ]
    assert rs["primaryPurposeType"] == {
        "coding": [
            {
                "system": "https://terminology.hl7.org/CodeSystem/research-study-objective-type",
                "code": "primary",
                "display": "Primary",
                "version": "0.1.0",
            }
        ],
        "text": "Évaluer la tolérance",
    }
    assert rs["description"] == "La durée de participation est de: 12 mois"
    for absent in ("arm", "period", "relatedArtifact", "sponsor"):
        assert absent not in rs


@pytest.mark.parametrize(
    ("resume", "markdown"),
    [
        ("Un.<BR/>Deux.<br><br>Trois.", "Un.\n\nDeux.\n\nTrois."),
        (
            "<p>Un <b>gras</b> et <em>penché</em></p><ul><li>a</li><li>b</li></ul>",
            "Un **gras** et *penché*\n\n- a\n- b",
        ),
        ("Patients âgés de <18 ans si a < b", "Patients âgés de <18 ans si a < b"),
        (
            '<p>Vu</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="x">lien</a>',
            "Vu\n\nlien",
        ),
        ("Sans balise &amp; entité", "Sans balise & entité"),  # entities decoded by clean()
    ],
)
def test_summary_html_becomes_markdown(resume: str, markdown: str) -> None:
    rs = study(dm(resume=resume)).research_study
    assert ext(rs, ig.EXT_DESCRIPTION_SUMMARY_R5)[0]["valueMarkdown"] == markdown


@pytest.mark.parametrize(("value", "text"), [(24, "24"), ("6 mois", "6"), ("1,5", "1,5")])
def test_participation_duration_forms(value: object, text: str) -> None:
    rs = study(dm(duree_participation=value)).research_study
    assert rs["description"] == f"La durée de participation est de: {text} mois"


def test_bad_participation_duration_dropped_with_warning() -> None:
    mapped = study(dm(duree_participation="toute la vie"))
    assert "description" not in mapped.research_study
    assert any(w.startswith("duration:") for w in mapped.warnings)


def test_r4_extension_urls_are_the_ig_canonical_ones() -> None:
    rs = study(dm(resume="x", date_debut_recrutement="2024-01-01")).research_study
    allowed = set(ig.EXTENSIONS.values())
    assert {e["url"] for e in rs["extension"]} <= allowed
    production_url = (
        "https://hl7.org/fhir/R4/researchstudy-definitions.html#ResearchStudy.descriptionSummary"
    )
    assert production_url not in {e["url"] for e in rs["extension"]}


def test_r5_every_eclaire_coding_has_the_ig_version() -> None:
    mapped = study(ctis())

    def codings(node: object) -> list[dict[str, object]]:
        if isinstance(node, dict):
            found = [node] if "system" in node and "code" in node else []
            return found + [c for v in node.values() for c in codings(v)]
        if isinstance(node, list):
            return [c for v in node for c in codings(v)]
        return []

    eclaire = [
        c
        for r in mapped.resources()
        for c in codings(r)
        if str(c["system"]).startswith(ig.IG_CANONICAL)
    ]
    assert eclaire and all(c["version"] == "0.3.1" for c in eclaire)


def test_meta_profile_and_references() -> None:
    mapped = study(ctis())
    rs = mapped.research_study
    assert rs["meta"]["profile"] == [ig.PROFILE_RESEARCHSTUDY]
    assert rs["enrollment"] == [
        {"reference": "Group/2024-590001-12-00-enrollment-group", "type": "Group"}
    ]
    assert rs["site"] == [{"reference": "Location/2024-590001-12-00-0-site", "type": "Location"}]

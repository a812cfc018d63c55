"""People and organisations: synthetic names, investigator titles, sponsors, contacts.

Names are common French surnames and first names (accents, particles, Corsican and Réunion
names included) combined at random, so no record describes a real person. Sponsors are
fictitious companies with foreign addresses (country as a name, as the exports write it) and
French academic sponsors.
"""

from __future__ import annotations

from typing import Final

# fmt: off
LAST_NAMES: Final = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Fontaine", "Chevalier", "Nguyen",
    "Benali", "Haddad", "Le Gall", "Le Goff", "Da Silva", "Lemaître", "Boyer", "Barbier",
    "Caron", "Hoarau", "Payet", "Jean-Baptiste", "Santoni", "Casanova",
)
FIRST_NAMES: Final = (
    "Camille", "Alex", "Marie", "Jean", "Sophie", "Nicolas", "Julie", "Thomas", "Claire",
    "Pierre", "Hélène", "François", "Émilie", "Jérôme", "Céline", "Stéphane", "Anaïs", "Benoît",
    "Chloé", "Loïc", "Noémie", "Gaëlle", "Cédric", "Inès", "Rémi", "Zoé", "Joël", "Léa",
    "Mathilde", "Karim", "Yasmine",
)
# fmt: on
CTIS_TITLES: Final = ("Dr", "Dr.", "Prof.", "Pr", "Mr", "Mrs", "Ms")
RIPH_TITLES: Final = ("Dr", "Pr", "Docteur", "Professeur", "Madame", "Monsieur")

Sponsor = tuple[str, str, str, str, str]
"""(name, address, postal code, city, country name)."""

INDUSTRY_SPONSORS: Final[tuple[Sponsor, ...]] = (
    ("Examplia Pharma SA", "10 avenue Exemple", "69007", "Lyon", "France"),
    ("Laboratoires Fictifs", "25 rue des Essais", "92200", "Neuilly-sur-Seine", "France"),
    ("Nordexa A/S", "Examplevej 8", "2880", "Bagsværd", "Denmark"),
    ("Helvetia Biotech AG", "Musterstrasse 124", "4058", "Basel", "Switzerland"),
    ("Rheinmuster Pharma GmbH", "Beispielweg 3", "55216", "Ingelheim am Rhein", "Germany"),
    ("BioExemple Inc.", "1 Example Plaza", "02139", "Cambridge", "United States"),
    ("Meridian Therapeutics Ltd", "7 Sample Street", "CB2 0AA", "Cambridge", "United Kingdom"),
    ("Lowlands Clinical B.V.", "Voorbeeldstraat 12", "2333 CA", "Leiden", "Netherlands"),
    ("Farmaciones Ejemplo S.L.", "Calle Ejemplo 45", "08028", "Barcelona", "Spain"),
    ("Recherche & Innovation Santé SAS", "3 place Test", "31000", "Toulouse", "France"),
    ("Medtech Exemple SAS", "18 rue de l'Innovation", "38000", "Grenoble", "France"),
    ("Diagnostica Fittizia S.p.A.", "Via Esempio 21", "20121", "Milano", "Italy"),
)
ACADEMIC_SPONSORS: Final[tuple[Sponsor, ...]] = (
    ("Assistance Publique - Hôpitaux de Paris", "1 avenue Victoria", "75004", "Paris", "France"),
    ("Hospices Civils de Lyon", "3 quai des Célestins", "69002", "Lyon", "France"),
    ("UNICANCER", "101 rue de Tolbiac", "75013", "Paris", "France"),
    (
        "Institut National de la Santé et de la Recherche Médicale",
        "101 rue de Tolbiac",
        "75013",
        "Paris",
        "France",
    ),
    ("Gustave Roussy", "114 rue Édouard Vaillant", "94800", "Villejuif", "France"),
    ("CHU de Toulouse", "2 rue Viguerie", "31059", "Toulouse", "France"),
    ("CHU de Bordeaux", "12 rue Dubernat", "33404", "Talence", "France"),
    (
        "Assistance Publique - Hôpitaux de Marseille",
        "80 rue Brochier",
        "13005",
        "Marseille",
        "France",
    ),
    ("CHU de Saint-Étienne", "avenue Albert Raimond", "42270", "Saint-Priest-en-Jarez", "France"),
    ("CHU de La Réunion", "11 rue de l'Hôpital", "97400", "Saint-Denis", "France"),
    ("Centre hospitalier de Bastia", "route Impériale", "20600", "Bastia", "France"),
    ("CHU de Lille", "2 avenue Oscar Lambret", "59037", "Lille", "France"),
    ("Institut Pasteur", "25-28 rue du Docteur Roux", "75015", "Paris", "France"),
)
TEAM_CONTACTS: Final = (
    "Trial Information Desk",
    "Clinical Trial Information Support",
    "Regulatory Affairs",
    "Global Clinical Operations",
    "Clinical Transparency Team",
    "Département de la recherche clinique",
)
PROMOTER_KINDS_DM: Final = ("Promoteur institutionnel", "Promoteur industriel")
PROMOTER_KINDS_JARDE: Final = (
    "Promoteur académique",
    "Promoteur institutionnel",
    "Promoteur industriel",
    "Promoteur associatif",
    "Promoteur personne physique",
)
# fmt: off
COMPETENCES: Final = (
    "Pédiatrie", "Gériatrie", "Oncologie", "Neurologie", "Cardiologie", "Psychiatrie",
    "Génétique", "Radiothérapie", "Thérapie cellulaire", "Imagerie", "Biologie",
)
# fmt: on
EARLY_PHASE: Final = "Essai de phase précoce"
# fmt: off
SCOPES: Final = (
    "Treatment", "Prevention", "Diagnosis", "Therapy", "Prophylaxis", "Safety", "Efficacy",
    "Pharmacokinetic", "Pharmacodynamic",
)
# fmt: on

"""French investigator sites: cities with their real postal codes and establishments.

Covers what search and geography tests need: Paris arrondissements (75xxx), the big regional
university hospitals, Saint-Étienne (42xxx), Corsica (2A/2B postal codes 20xxx), and the
overseas départements (971 Guadeloupe, 972 Martinique, 973 Guyane, 974 La Réunion, 976 Mayotte).
Phone prefixes follow the numbering plan (01 Île-de-France ... 0590/0596/0594/0262/0269).
Sites are weighted towards Paris and Lyon as real multicentre studies are.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class City:
    name: str
    postal_codes: tuple[str, ...]
    phone_prefix: str
    establishments: tuple[str, ...]
    weight: int = 1


CITIES: Final[tuple[City, ...]] = (
    City(
        "Paris",
        ("75005", "75010", "75012", "75013", "75014", "75015", "75018", "75020"),
        "01",
        (
            "Hôpital Pitié-Salpêtrière",
            "Hôpital Européen Georges-Pompidou",
            "Hôpital Saint-Louis",
            "Hôpital Necker-Enfants malades",
            "Hôpital Cochin",
            "Hôpital Bichat-Claude-Bernard",
            "Hôpital Tenon",
            "Institut Curie",
            "Hôpital Saint-Antoine",
            "Hôpital Lariboisière",
            "Assistance Publique - Hôpitaux de Paris",
            "Hôpital Robert-Debré",
        ),
        weight=12,
    ),
    City(
        "Lyon",
        ("69003", "69004", "69008"),
        "04",
        (
            "Hôpital Édouard Herriot",
            "Centre Léon Bérard",
            "Hôpital de la Croix-Rousse",
            "Hospices Civils de Lyon",
            "Hôpital Femme Mère Enfant",
        ),
        weight=6,
    ),
    City("Pierre-Bénite", ("69310",), "04", ("Centre Hospitalier Lyon Sud",)),
    City("Bron", ("69500",), "04", ("Hôpital Louis Pradel", "Centre hospitalier Le Vinatier")),
    City(
        "Marseille",
        ("13005", "13009", "13015"),
        "04",
        (
            "Hôpital de la Timone",
            "Institut Paoli-Calmettes",
            "Hôpital Nord",
            "Assistance Publique - Hôpitaux de Marseille",
        ),
        weight=4,
    ),
    City(
        "Saint-Étienne",
        ("42000", "42055", "42100"),
        "04",
        (
            "CHU de Saint-Étienne - Hôpital Nord",
            "Institut de cancérologie Lucien Neuwirth",
        ),
        weight=2,
    ),
    City("Saint-Priest-en-Jarez", ("42270",), "04", ("CHU de Saint-Étienne",)),
    City(
        "Ajaccio", ("20000", "20090"), "04", ("Centre hospitalier de Notre-Dame de la Miséricorde",)
    ),
    City("Bastia", ("20200", "20600"), "04", ("Centre hospitalier de Bastia",)),
    City("Pointe-à-Pitre", ("97110",), "0590", ("CHU de la Guadeloupe",)),
    City("Les Abymes", ("97139",), "0590", ("Centre hospitalier Louis-Daniel Beauperthuy",)),
    City(
        "Fort-de-France",
        ("97200", "97261"),
        "0596",
        ("CHU de Martinique - Hôpital Pierre Zobda-Quitman",),
    ),
    City("Le Lamentin", ("97232",), "0596", ("CHU de Martinique - Hôpital du Lamentin",)),
    City("Saint-Denis", ("97400",), "0262", ("CHU de La Réunion - Site Félix Guyon",)),
    City("Saint-Pierre", ("97410",), "0262", ("CHU de La Réunion - Site Sud",)),
    City("Cayenne", ("97300",), "0594", ("Centre hospitalier de Cayenne Andrée Rosemon",)),
    City("Mamoudzou", ("97600",), "0269", ("Centre hospitalier de Mayotte",)),
    City(
        "Toulouse",
        ("31059", "31300", "31400"),
        "05",
        (
            "CHU de Toulouse - Hôpital Purpan",
            "CHU de Toulouse - Hôpital Rangueil",
            "Institut Universitaire du Cancer de Toulouse - Oncopole",
        ),
        weight=4,
    ),
    City(
        "Bordeaux",
        ("33000", "33076"),
        "05",
        (
            "CHU de Bordeaux - Hôpital Pellegrin",
            "Institut Bergonié",
            "CHU de Bordeaux",
        ),
        weight=4,
    ),
    City("Pessac", ("33600",), "05", ("CHU de Bordeaux - Hôpital Haut-Lévêque",)),
    City(
        "Lille",
        ("59000", "59037"),
        "03",
        (
            "CHU de Lille",
            "Centre Oscar Lambret",
            "Hôpital Claude Huriez",
        ),
        weight=4,
    ),
    City(
        "Nantes",
        ("44000", "44093"),
        "02",
        ("CHU de Nantes - Hôtel-Dieu", "CHU de Nantes"),
        weight=3,
    ),
    City("Saint-Herblain", ("44800",), "02", ("Institut de Cancérologie de l'Ouest",)),
    City(
        "Strasbourg",
        ("67000", "67091"),
        "03",
        (
            "Hôpitaux Universitaires de Strasbourg",
            "Institut de cancérologie Strasbourg Europe",
        ),
        weight=3,
    ),
    City(
        "Montpellier",
        ("34090", "34295"),
        "04",
        ("CHU de Montpellier", "Institut du Cancer de Montpellier"),
        weight=3,
    ),
    City(
        "Rennes",
        ("35000", "35033"),
        "02",
        ("CHU de Rennes - Hôpital Pontchaillou", "Centre Eugène Marquis"),
        weight=2,
    ),
    City(
        "Nice",
        ("06000", "06001", "06189"),
        "04",
        ("CHU de Nice - Hôpital Pasteur", "Centre Antoine Lacassagne"),
        weight=2,
    ),
    City("La Tronche", ("38700",), "04", ("CHU Grenoble Alpes",), weight=2),
    City(
        "Dijon",
        ("21000", "21079"),
        "03",
        ("CHU Dijon Bourgogne", "Centre Georges-François Leclerc"),
    ),
    City("Tours", ("37000", "37044"), "02", ("CHRU de Tours - Hôpital Bretonneau",)),
    City(
        "Clermont-Ferrand",
        ("63000", "63003"),
        "04",
        ("CHU de Clermont-Ferrand", "Centre Jean Perrin"),
    ),
    City("Limoges", ("87000", "87042"), "05", ("CHU de Limoges - Hôpital Dupuytren",)),
    City(
        "Rouen",
        ("76000", "76031"),
        "02",
        ("CHU de Rouen - Hôpital Charles-Nicolle", "Centre Henri Becquerel"),
    ),
    City("Caen", ("14000", "14033"), "02", ("CHU de Caen Normandie", "Centre François Baclesse")),
    City(
        "Reims",
        ("51092", "51100"),
        "03",
        ("CHU de Reims - Hôpital Robert Debré", "Institut Godinot"),
    ),
    City(
        "Vandœuvre-lès-Nancy",
        ("54500", "54519"),
        "03",
        ("CHRU de Nancy - Hôpitaux de Brabois", "Institut de Cancérologie de Lorraine"),
    ),
    City("Brest", ("29200", "29609"), "02", ("CHU de Brest - Hôpital de la Cavale Blanche",)),
    City(
        "Angers",
        ("49100", "49933"),
        "02",
        ("CHU d'Angers", "Institut de Cancérologie de l'Ouest - Paul Papin"),
    ),
    City("Poitiers", ("86000", "86021"), "05", ("CHU de Poitiers",)),
    City("Besançon", ("25000", "25030"), "03", ("CHU de Besançon - Hôpital Jean Minjoz",)),
    City("Amiens", ("80000", "80054"), "03", ("CHU Amiens-Picardie",)),
    City(
        "Créteil",
        ("94000", "94010"),
        "01",
        ("Hôpital Henri-Mondor", "Centre hospitalier intercommunal de Créteil"),
        weight=2,
    ),
    City(
        "Villejuif", ("94800", "94805"), "01", ("Gustave Roussy", "Hôpital Paul-Brousse"), weight=2
    ),
    City("Le Kremlin-Bicêtre", ("94270",), "01", ("Hôpital de Bicêtre",)),
    City("Clichy", ("92110",), "01", ("Hôpital Beaujon",)),
    City("Boulogne-Billancourt", ("92100",), "01", ("Hôpital Ambroise-Paré",)),
    City("Suresnes", ("92150",), "01", ("Hôpital Foch",)),
    City("Bobigny", ("93000", "93009"), "01", ("Hôpital Avicenne",)),
    City("Saint-Denis", ("93200",), "01", ("Centre hospitalier Delafontaine",)),
    City("Nîmes", ("30000", "30029"), "04", ("CHU de Nîmes - Hôpital Carémeau",)),
    City("Orléans", ("45000", "45067"), "02", ("CHU d'Orléans",)),
    City("Metz", ("57000", "57085"), "03", ("CHR Metz-Thionville - Hôpital de Mercy",)),
    City("Annecy", ("74000", "74374"), "04", ("Centre hospitalier Annecy Genevois",)),
    City("Pau", ("64000", "64046"), "05", ("Centre hospitalier de Pau",)),
    City("Bayonne", ("64100", "64109"), "05", ("Centre hospitalier de la Côte Basque",)),
    City("Perpignan", ("66000", "66046"), "04", ("Centre hospitalier de Perpignan",)),
    City(
        "Avignon",
        ("84000", "84902"),
        "04",
        ("Centre hospitalier d'Avignon", "Institut Sainte-Catherine"),
    ),
    City(
        "Toulon",
        ("83000", "83800"),
        "04",
        ("Centre hospitalier Intercommunal Toulon La Seyne-sur-Mer",),
    ),
    City("Le Mans", ("72000", "72037"), "02", ("Centre hospitalier du Mans",)),
    City("Valence", ("26000", "26953"), "04", ("Centre hospitalier de Valence",)),
    City("Chambéry", ("73000", "73011"), "04", ("Centre hospitalier Métropole Savoie",)),
    City("Colmar", ("68000", "68024"), "03", ("Hôpitaux Civils de Colmar",)),
    City(
        "Mulhouse",
        ("68100", "68070"),
        "03",
        ("Groupe Hospitalier de la Région de Mulhouse et Sud Alsace",),
    ),
    City("Saint-Malo", ("35400",), "02", ("Centre hospitalier de Saint-Malo",)),
    City(
        "La Roche-sur-Yon", ("85000", "85925"), "02", ("Centre hospitalier départemental Vendée",)
    ),
    City("Évry-Courcouronnes", ("91000",), "01", ("Centre hospitalier Sud Francilien",)),
    City("Évreux", ("27000",), "02", ("Centre hospitalier Eure-Seine",)),
)

_WEIGHTED: Final = tuple(city for city in CITIES for _ in range(city.weight))

SERVICES: Final = (
    "Service de cardiologie",
    "Service d'oncologie médicale",
    "Service de neurologie",
    "Service de pneumologie",
    "Service d'hépato-gastro-entérologie",
    "Service de pédiatrie",
    "Service d'endocrinologie, diabétologie et nutrition",
    "Service de rhumatologie",
    "Service de réanimation médicale",
    "Service d'hématologie clinique",
    "Service de néphrologie",
    "Service de psychiatrie adulte",
    "Service de gynécologie-obstétrique",
    "Service d'ophtalmologie",
    "Service de dermatologie",
    "Service de maladies infectieuses et tropicales",
    "Service d'anesthésie-réanimation",
    "Service des urgences",
    "Centre d'investigation clinique",
    "Unité de recherche clinique",
    "Service de gériatrie",
    "Service de chirurgie orthopédique",
)

STREETS: Final = (
    "rue de l'Hôpital",
    "boulevard de l'Hôpital",
    "avenue du Professeur Léon Bérard",
    "rue du Faubourg Saint-Denis",
    "boulevard Jourdan",
    "avenue de la République",
    "rue Ambroise Paré",
    "place d'Arsonval",
    "avenue Claude Vellefaux",
    "rue de Sèvres",
    "boulevard Pasteur",
    "rue du Docteur Roux",
    "chemin des Églantiers",
    "allée Jacques Monod",
    "route de Narbonne",
    "avenue Magellan",
    "quai Claude Bernard",
    "rue Henri Huchard",
    "avenue du Maréchal de Lattre de Tassigny",
    "rue Saint-Pierre",
    "boulevard de la Croix-Rousse",
)


def pick_city(rng: random.Random) -> City:
    """A site city, weighted towards the big university hospitals."""
    return rng.choice(_WEIGHTED)


def street_address(rng: random.Random) -> str:
    """A plausible street line (``12 rue de l'Hôpital``)."""
    return f"{rng.randint(1, 180)} {rng.choice(STREETS)}"


def phone(rng: random.Random, city: City) -> str:
    """A ten-digit French number with the city's prefix."""
    rest = 10 - len(city.phone_prefix)
    return city.phone_prefix + "".join(str(rng.randint(0, 9)) for _ in range(rest))


def city_named(name: str) -> City:
    """The first city called ``name`` (for the fixed studies)."""
    return next(city for city in CITIES if city.name == name)

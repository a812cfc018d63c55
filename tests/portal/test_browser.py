"""The pages in real headless Chromium (Debian's, driven by Playwright): search, filter, page,
open a study, the docs page; screenshots kept in pytest's directory and in /tmp/portal-screens.

The people's pages run with JavaScript disabled (they must not need it); the docs page and the
hostile study run with it, to see that no script of ours or of the data runs and that nothing
is fetched from anywhere but this server.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from portal_samples import HOSTILE_ID, HOSTILE_TITLE

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
SHARED_SCREENS = Path("/tmp/portal-screens")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test needs Debian's chromium "
            "(`apt-get install -y chromium`, which `make test` runs when it is absent)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*ARGS, "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = tmp_path_factory.mktemp("portal-screens")
    yield directory
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    for shot in directory.glob("*.png"):
        shutil.copy2(shot, SHARED_SCREENS / shot.name)


class Watch:
    """What a page did that it must not: foreign requests, CSP reports, dialogs, errors."""

    def __init__(self, page: Any, origin: str) -> None:
        self.foreign: list[str] = []
        self.console: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", self._request(origin))
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.console.append(str(e)))
        page.on("dialog", self._dialog)

    def _request(self, origin: str) -> Any:
        def seen(request: Any) -> None:
            if not request.url.startswith((origin, "data:")):
                self.foreign.append(request.url)

        return seen

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def clean(self) -> None:
        assert self.foreign == [], f"requests outside the app: {self.foreign}"
        csp = [m for m in self.console if "Content Security Policy" in m]
        assert csp == [], f"CSP violations: {csp}"
        assert self.dialogs == [], f"a script ran: {self.dialogs}"


def result_titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("ol.studies h3").all_inner_texts()]


def test_search_filter_page_and_open_a_study(browser: Any, live_url: str, screens: Path) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}, locale="fr-FR"
    )
    page = context.new_page()
    watch = Watch(page, live_url)
    page.goto(live_url + "/")
    assert page.title().startswith("Trouver une étude")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.screenshot(path=screens / "01-accueil.png", full_page=True)

    # Search: words and a status, submitted from the keyboard.
    page.get_by_label("Mots recherchés").fill("sommeil")
    assert not page.get_by_label("Statut de l'étude").is_visible()  # folded until asked for
    page.locator("summary").focus()
    page.keyboard.press("Enter")  # <details> opens from the keyboard, no script involved
    page.get_by_label("Statut de l'étude").select_option(label="En cours")
    page.get_by_label("Mots recherchés").press("Enter")
    page.wait_for_url(re.compile(r"q=sommeil.*statut=active"))
    heading = page.locator("#resultats").inner_text()
    found = int(heading.split()[0])
    assert found >= 2
    tags = page.locator("ol.studies .tag.status").all_inner_texts()
    assert tags and set(tags) == {"En cours"}
    page.screenshot(path=screens / "02-recherche-sommeil-en-cours.png", full_page=True)

    # Filter with a facet link: a city.
    page.locator("aside.facets").get_by_role("link", name=re.compile("^Lyon")).click()
    page.wait_for_url(re.compile(r"lieu=Lyon"))
    narrowed = int(page.locator("#resultats").inner_text().split()[0])
    assert 0 < narrowed < found
    assert all("Lyon" in w for w in page.locator("ol.studies .where").all_inner_texts())
    assert page.get_by_label("Ville ou département").input_value() == "Lyon"
    page.screenshot(path=screens / "03-filtre-lyon.png", full_page=True)

    # Open the first study and read it.
    first = page.locator("ol.studies h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/etude/"))
    assert page.locator("h1").inner_text() == title
    for heading_text in ("Qui peut participer ?", "Où se déroule l'étude ?", "Promoteur", "Dates"):
        assert page.get_by_role("heading", name=heading_text).count() == 1
    assert page.get_by_role("heading", name="Critères d'inclusion").is_visible()
    assert "Lyon" in page.get_by_role("region", name="Où se déroule l'étude ?").inner_text()
    page.screenshot(path=screens / "04-etude.png", full_page=True)
    fhir_link = page.get_by_role("link", name="cette étude au format FHIR (JSON)")
    answer = page.request.get(fhir_link.get_attribute("href"))
    assert answer.ok and answer.json()["title"] == title

    # Back to the results keeps the search.
    page.get_by_role("link", name="← Retour à la recherche").click()
    page.wait_for_url(re.compile(r"lieu=Lyon"))
    assert page.get_by_label("Mots recherchés").input_value() == "sommeil"
    watch.clean()
    context.close()


def test_paging_follows_the_bundle_links(browser: Any, live_url: str, screens: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_url + "/")
    first_page = result_titles(page)
    assert "Résultats 1 à 10 sur 41" in page.locator(".range").inner_text()
    page.get_by_role("link", name="Page suivante →").click()
    assert "Résultats 11 à 20 sur 41" in page.locator(".range").inner_text()
    ids = page.locator("ol.studies .number").all_inner_texts()
    page.get_by_role("link", name="← Page précédente").click()
    assert result_titles(page) == first_page
    assert len(set(ids)) == 10
    context.close()


def test_phone_layout_and_error_message(browser: Any, live_url: str, screens: Path) -> None:
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
    )
    page = context.new_page()
    page.goto(live_url + "/?q=c%C5%93ur")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screens / "05-telephone-recherche.png")
    page.goto(live_url + "/etude/2021-A01861-40")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screens / "06-telephone-etude.png", full_page=True)
    response = page.goto(live_url + "/?age=deux-cents&statut=actif")
    assert response is not None and response.status == 400
    assert "Vérifiez votre recherche" in page.get_by_role("alert").inner_text()
    page.screenshot(path=screens / "07-telephone-erreur.png")
    context.close()


def test_hostile_study_runs_no_script(browser: Any, live_url: str, screens: Path) -> None:
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    watch = Watch(page, live_url)
    page.goto(f"{live_url}/etude/{HOSTILE_ID}")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert page.locator(".summary strong").inner_text() == "important"
    assert page.locator(".summary script, .summary img, .summary a, [onclick]").count() == 0
    page.screenshot(path=screens / "08-etude-hostile.png", full_page=True)
    watch.clean()
    context.close()


def test_docs_page_runs_from_the_app_alone(browser: Any, live_url: str, screens: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page, live_url)
    page.goto(live_url + "/docs")
    page.locator(".opblock-summary-path", has_text="/R4/ResearchStudy").first.wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("eclaire-search")
    page.locator("#operations-FHIR-searchResearchStudy .opblock-summary").click()
    status = page.locator("#operations-FHIR-searchResearchStudy tr[data-param-name='status']")
    status.wait_for()
    status.scroll_into_view_if_needed()
    assert "active" in status.inner_text()  # the table's example, offered to try
    page.screenshot(path=screens / "09-docs.png")
    watch.clean()
    context.close()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DISTANCE = re.compile(r"à ([\d\u00a0]+(?:,\d)?)\u00a0(km|m)\b")


def shown_km(text: str) -> float:
    match = DISTANCE.search(text)
    assert match, text
    value = float(match[1].replace("\u00a0", "").replace(",", "."))
    return value if match[2] == "km" else value / 1000


def test_near_a_postal_code_in_one_submit(browser: Any, live_url: str, screens: Path) -> None:
    """Recruiting studies by default, nearest first, each with its nearest site and distance."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}, locale="fr-FR"
    )
    page = context.new_page()
    page.goto(live_url + "/")
    page.get_by_label("Près de chez moi").fill("42000")
    page.get_by_label("Dans un rayon de").select_option(label="100 km")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"pres=42000"))
    assert "près de Saint-Étienne" in page.locator("#resultats").inner_text()
    assert "Seules les études qui recrutent" in page.locator(".switch").inner_text()
    assert page.get_by_label("Recrutement").input_value() == "recruiting"  # the default
    assert all(page.locator("ol.studies .who").all_inner_texts())  # age and sex on each card
    distances: list[float] = []
    while True:  # every page, following the pager: one order, nearest first
        nearest = page.locator("ol.studies .nearest").all_inner_texts()
        assert len(nearest) == page.locator("ol.studies > li").count()
        distances += [shown_km(text) for text in nearest]
        following = page.get_by_role("link", name="Page suivante →")
        if not following.count():
            break
        following.click()
    assert distances == sorted(distances)
    assert distances[0] < 5 < 40 < distances[-1] < 100  # Saint-Étienne's sites, then Lyon's
    page.goto(live_url + "/?pres=42000&rayon=100")
    page.screenshot(path=screens / "10-pres-de-chez-moi.png", full_page=True)
    # The switch widens the search to every study, still nearest first.
    page.get_by_role("link", name="Afficher aussi les études qui ne recrutent pas").click()
    page.wait_for_url(re.compile(r"recrutement=tous"))
    widened = [shown_km(t) for t in page.locator("ol.studies .nearest").all_inner_texts()]
    assert widened == sorted(widened)
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core run inside the page (injected by Playwright, past the CSP it would refuse)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(
    ("name", "path", "status"),
    [
        ("accueil", "/", 200),
        ("resultats", "/?q=sommeil&pres=69002&rayon=50", 200),
        ("etude", "/etude/2021-A01861-40", 200),
        ("erreur-formulaire", "/?age=deux-cents&pres=nulle-part", 400),
        ("etude-inconnue", "/etude/2099-A00000-00", 404),
    ],
)
def test_axe_core_finds_no_serious_violation(
    browser: Any, live_url: str, screens: Path, name: str, path: str, status: int
) -> None:
    assert AXE.exists(), f"{AXE} is missing: run `make node-tools` (npm ci)"
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 1280, "height": 900}, locale="fr-FR"
    )
    page = context.new_page()
    response = page.goto(live_url + path)
    assert response is not None and response.status == status
    violations = axe_violations(page)
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [], summary
    page.screenshot(path=screens / f"axe-{name}.png", full_page=True)
    context.close()

"""Every page of every role, in Finnish, Swedish and English, fits screens 320, 360, 390 and 1,280 px wide:
the page is never wider than the window (scrollWidth <= innerWidth), and on a phone a quiz step's "next"
button is on the first screen. Each page is loaded once per language and measured at every width by
resizing the window, which reflows the same document; phone screenshots go to test-artifacts/. In Finnish,
axe-core (WCAG 2.1 A and AA) also checks each page as laid out on a 390 px phone."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ARTIFACTS, assert_accessible

pytestmark = pytest.mark.browser
LANGS = ("fi", "sv", "en")
# Common phone screens (iPhone SE 1st gen, a typical Android, iPhone 12-15) and a laptop.
SCREENS = {320: 568, 360: 740, 390: 844, 1280: 800}
DEMO_PASSWORD = "vaalikone-demo"


class Ruler:
    """Measures pages at every screen width and collects what does not fit, to report all at once."""

    def __init__(self, page, lang: str) -> None:
        self.page = page
        self.lang = lang
        self.misfits: list[str] = []

    def measure(self, name: str, screenshot: bool = False) -> None:
        page = self.page
        page.wait_for_load_state("load")  # measured with the stylesheets applied
        for width, height in SCREENS.items():
            page.set_viewport_size({"width": width, "height": height})
            scroll, inner = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                widest = page.evaluate(WIDEST)
                self.misfits.append(f"{name} [{self.lang}] at {width} px: {scroll} px ({widest})")
            if screenshot and width == 390:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(
                    path=str(ARTIFACTS / f"phone-{name}-{self.lang}.png"), full_page=True
                )
            if width == 390 and self.lang == "fi":
                try:
                    assert_accessible(page)
                except AssertionError as violations:
                    self.misfits.append(
                        f"{name} [{self.lang}] at {width} px, axe-core: {violations}"
                    )
        page.set_viewport_size({"width": 1280, "height": 800})

    def next_on_first_screen(self, name: str) -> None:
        """On a phone, the quiz step's main button is visible without scrolling."""
        page = self.page
        for width, height in SCREENS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("() => window.scrollTo(0, 0)")
            box = page.locator("button[value=next]").bounding_box()
            if box is None or box["y"] + box["height"] > height:
                self.misfits.append(
                    f"{name} [{self.lang}] at {width}x{height}: next button at {box}"
                )
        page.set_viewport_size({"width": 1280, "height": 800})

    def check(self) -> None:
        assert not self.misfits, "\n".join(self.misfits)


# The element that sticks out furthest to the right (not counting what a scrolling box clips), for a failure.
WIDEST = """() => {
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  let best = null, right = 0;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect().right;
    if (r > right + 0.5 && !clipped(el)) { right = r; best = el; }
  }
  if (!best) return '';
  const cls = typeof best.className === 'string' && best.className ? '.' + best.className.split(' ').join('.') : '';
  return best.tagName.toLowerCase() + cls + ' ends at ' + Math.round(right) + ' px';
}"""


def log_in(page, url: str, email: str, lang: str) -> None:
    page.goto(f"{url}/kirjaudu?lang={lang}")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")


@pytest.fixture
def ruler(browser, request):
    lang = request.node.callspec.params["lang"]
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Ruler(page, lang)
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_every_voter_page_fits_every_screen(live_server, ruler, lang):
    page, url = ruler.page, live_server.url
    page.goto(f"{url}/?lang={lang}")
    ruler.measure("start")
    for kunta in ("091", "478"):  # Helsinki (no county election), Åland (neither)
        page.goto(f"{url}/vaalit?kunta={kunta}")
        ruler.measure(f"elections-{kunta}")
    page.goto(f"{url}/kysely/kaikki?kunta=179")  # every statement of Jyväskylä on one page
    ruler.measure("quiz-all")
    page.goto(f"{url}/kysely/pika?kunta=179&selko=1")  # the quick quiz, in plain language
    ruler.measure("quick-quiz")
    page.goto(f"{url}/kysely?kunta=179")
    ruler.measure("quiz", screenshot=True)
    ruler.next_on_first_screen("quiz")
    page.check("fieldset.statement input[value='4']")
    page.click("button[value=next]")
    page.check("fieldset.statement input[value='2']")
    page.click("form.quiz .minor-actions button >> nth=0")  # results now
    page.wait_for_selector("table.candidates")
    ruler.measure("results", screenshot=True)
    section = page.locator("#s-kunta-2025")
    for i in range(3):
        section.locator("table.candidates input[name=c]").nth(i).check()
    section.locator("button[name=compare]").click()
    page.wait_for_selector("h1")
    ruler.measure("compare", screenshot=True)
    page.goto(f"{url}/ehdokkaat/1")
    ruler.measure("candidate-public")
    for path in ("/menetelma", "/tietosuoja", "/tulokset/jaettu", "/ei-ole", "/kirjaudu"):
        page.goto(url + path)
        ruler.measure(re.sub(r"\W+", "-", path.strip("/")))
    ruler.check()


# Each role's pages: (path, name, whether to save a phone screenshot).
SIGNED_IN = {
    "candidate": (
        "ehdokas@demo.vaalikone.invalid",
        [
            ("/ehdokas/", "candidate-form", True),
            ("/ehdokas/esikatselu", "candidate-preview", False),
        ],
    ),
    "organisation": (
        "kyt@demo.vaalikone.invalid",
        [
            ("/jarjesto/", "organisation-index", False),
            ("/jarjesto/profiili/alue-2025", "organisation-profile", False),
            ("/jarjesto/raportti/alue-2025", "organisation-report", True),
        ],
    ),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", SIGNED_IN)
def test_every_candidate_and_organisation_page_fits_every_screen(live_server, ruler, role, lang):
    email, pages = SIGNED_IN[role]
    log_in(ruler.page, live_server.url, email, lang)
    for path, name, screenshot in pages:
        ruler.page.goto(live_server.url + path)
        ruler.measure(name, screenshot=screenshot)
    ruler.check()


@pytest.mark.parametrize("lang", LANGS)
def test_every_administrator_page_fits_every_screen(live_server, ruler, lang):
    page, url = ruler.page, live_server.url
    log_in(page, url, "admin@demo.vaalikone.invalid", lang)
    page.goto(f"{url}/yllapito/")
    ruler.measure("admin-index")
    page.goto(f"{url}/yllapito/vaalit/kunta-2025")
    ruler.measure("admin-election")
    page.click("form[action$='/julkaisu'] button")
    ruler.measure("admin-publish-confirm")
    page.goto(f"{url}/yllapito/vaalit/kunta-2025/muokkaa")
    ruler.measure("admin-edit-election")
    page.goto(f"{url}/yllapito/vaalit/kunta-2025")
    page.click("form[action$='/kutsut'] button")
    ruler.measure("admin-invitations")
    ruler.check()

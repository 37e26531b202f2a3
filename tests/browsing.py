"""Looking at a report as a person would: in Chromium, with its console and its fonts."""
from pathlib import Path

THAI_FONTS = ("Garuda", "Loma", "Norasi", "Sawasdee", "Kinnari", "Laksaman", "Umpush", "Waree", "Purisa",
              "Sarabun", "Noto Sans Thai", "Noto Serif Thai", "Tlwg")


def open_page(browser, path: Path, width: int = 1280):
    """The page and the list its console errors, page errors and non-local requests go to."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: r.url.startswith("file://") or errors.append(f"request {r.url}"))
    page.goto(path.as_uri())
    return page, errors


def assert_thai_font(page, selector: str) -> None:
    """The Thai text of the element is drawn with a real Thai font, not tofu boxes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    assert any(f["familyName"].startswith(THAI_FONTS) and f["glyphCount"] > 0 for f in fonts), \
        f"Thai text of {selector} not drawn with a Thai font: {fonts}"

"""axe-core on a browser test's page: serious or critical violations fail the test.

A small stand-in until the project-wide accessibility harness lands; it runs the
same vendored axe-core (common/tests/axe/axe.min.js). axe is evaluated through
Playwright (the DevTools protocol), which the page's Content-Security-Policy does
not govern, so the checked pages keep their policy.
"""

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "common" / "tests" / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def assert_no_serious_axe_violations(page, where: str) -> None:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    # preload: false, or axe copies stylesheets into inline <style>, which the CSP blocks.
    result = page.evaluate(
        "async (tags) => await axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], preload: false})",
        AXE_TAGS,
    )
    failing = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    lines = [
        f"- [{v['impact']}] {v['id']}: {v['help']} :: " + "; ".join(n["html"][:140] for n in v["nodes"][:4])
        for v in failing
    ]
    assert not failing, f"axe on {where}:\n" + "\n".join(lines)

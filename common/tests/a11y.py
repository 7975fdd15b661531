"""The accessibility check of the browser tests: axe-core (WCAG 2.1 A/AA rules) on the page as it is now.

``axe_check(page)`` fails the test on any serious or critical violation, listing
each rule, its help text and the offending elements. axe is evaluated through
the DevTools protocol (``page.evaluate``), which the page's Content-Security-Policy
does not apply to, so the same CSP-watched pages are checked: no policy is relaxed.
"""

from functools import cache
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent / "axe" / "axe.min.js"
# WCAG 2.1 level A and AA, plus axe's best practices (landmarks, one h1, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Every axe violation on ``page`` (all impacts), as axe reports them."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    # No preload: axe would copy the stylesheets into inline <style> elements, which the CSP
    # blocks (and the csp_violations fixture reports); only css-orientation-lock needs them.
    result = page.evaluate(
        "async (tags) => await axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], preload: false})",
        AXE_TAGS,
    )
    return result["violations"]


# axe accepts an aria-describedby as long as ONE of its ids exists; a field error must
# be reachable from its field, so every id named must exist.
_DANGLING_REFERENCES_JS = """
() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby], [aria-controls]')].flatMap((el) =>
  ['aria-describedby', 'aria-labelledby', 'aria-controls'].flatMap((attr) =>
    (el.getAttribute(attr) || '').split(/\\s+/).filter((id) => id && !document.getElementById(id))
      .map((id) => `${el.outerHTML.slice(0, 160)}: ${attr} names #${id}, which is not on the page`)))
"""


def dangling_references(page) -> list[str]:
    """Elements whose aria-describedby / -labelledby / -controls name an id that no element has."""
    return page.evaluate(_DANGLING_REFERENCES_JS)


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def axe_check(page, *, state: str = "") -> list[dict]:
    """Fails on serious or critical axe violations, or an ARIA reference to a missing id, on ``page``.

    Returns all of axe's violations (the minor ones too) for the curious.
    """
    violations = axe_violations(page)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    dangling = dangling_references(page)
    if failing or dangling:
        where = f"{page.url} ({state})" if state else page.url
        report = "\n".join([describe(failing), *(f"- {text}" for text in dangling)]).strip()
        pytest.fail(f"accessibility violations on {where}:\n{report}", pytrace=False)
    return violations

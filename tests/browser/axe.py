"""axe-core in the browser tests: inject the vendored copy, run it, fail on serious or critical findings.

The copy in tests/browser/vendor/axe-core/ comes from axe-core's npm package (version in its VERSION file); no
CDN, so the tests run offline.

The pages send a strict Content-Security-Policy (scripts only from 'self' or with the response's nonce), so
`page.add_script_tag(path=...)`, which inserts the file's text as an inline <script>, is refused by the page.
`page.evaluate` runs the same source through the DevTools protocol, which the page's CSP does not govern, and
leaves the page's own policy untouched for everything else the test checks.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# The impacts a test refuses; "moderate" and "minor" ones are reported by run_axe but do not fail a test.
BLOCKING_IMPACTS = ("serious", "critical")

RUN = """async ([context, options]) => {
  const result = await window.axe.run(context === null ? document : context, options);
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      html: node.html,
      summary: node.failureSummary,
    })),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def inject_axe(page: Page) -> None:
    """Load axe-core into the page unless it is there already (it is lost on every navigation)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())


def run_axe(page: Page, *, context: str | None = None, options: dict | None = None) -> list[dict]:
    """Every axe violation on the page (or within the `context` selector), as plain dicts.

    Each has id, impact, help, helpUrl and nodes (target selector, html, summary). By default axe runs its
    WCAG 2.x A/AA rules and best practices; pass `options` as axe.run takes them to narrow that.
    """
    inject_axe(page)
    return page.evaluate(RUN, [context, options or {"resultTypes": ["violations"]}])


def describe(violations: list[dict], *, nodes_per_violation: int = 5) -> str:
    """A readable list: one block per rule, the elements it found (the first few) and why each fails."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(violation['nodes'])} element(s); {violation['helpUrl']})"
        )
        for node in violation["nodes"][:nodes_per_violation]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            for reason in (node["summary"] or "").splitlines():
                lines.append(f"        {reason.strip()}")
        hidden = len(violation["nodes"]) - nodes_per_violation
        if hidden > 0:
            lines.append(f"    ... and {hidden} more")
    return "\n".join(lines)


def serious_violations(violations: list[dict]) -> list[dict]:
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page: Page, *, context: str | None = None, options: dict | None = None) -> None:
    """Fail, listing each finding, when axe finds a serious or critical violation on the page as it is now."""
    blocking = serious_violations(run_axe(page, context=context, options=options))
    heading = f"axe-core found serious or critical violations on {page.url}:\n"
    assert not blocking, heading + describe(blocking)

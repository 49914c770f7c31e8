"""Which of our labels a peer tool's label name means: by slug or name, or as the user maps it.

A mapping is written `theirs=ours` (for example `claim=attributed_claim`), one per option; `theirs=` with
nothing after it leaves that label's spans out (reported as not imported). Names are compared without
case. A label that neither matches nor is mapped refuses the whole file, naming every
unknown label and the known ones, so the user can write the mapping in one go.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.models import Label

SKIP = ""  # what `resolve` returns for a label mapped to nothing


class MappingError(ValueError):
    """A mapping option is malformed or maps to a label we do not have."""


def parse(pairs: Iterable[str]) -> dict[str, str]:
    """Return {their name: our label} from `theirs=ours` strings."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        theirs, sep, ours = pair.partition("=")
        if not sep or not theirs.strip():
            raise MappingError(
                f"write a label mapping as THEIRS=OURS (for example claim=attributed_claim), not {pair!r}."
            )
        mapping[theirs.strip().casefold()] = ours.strip()
    return mapping


class LabelMap:
    """Resolves peer label names to our label slugs; remembers the names it could not resolve."""

    def __init__(self, mapping: dict[str, str] | None = None) -> None:
        labels = list(Label.objects.values_list("slug", "name"))
        self.known = sorted(slug for slug, _ in labels)
        self._ours = {slug.casefold(): slug for slug, _ in labels} | {
            name.casefold(): slug for slug, name in labels
        }
        self._mapping: dict[str, str] = {}
        for theirs, ours in (mapping or {}).items():
            slug = self._ours.get(ours.casefold()) if ours else SKIP
            if slug is None:
                raise MappingError(
                    f"the mapping {theirs}={ours} names no label of ours; known labels: "
                    f"{', '.join(self.known)}."
                )
            self._mapping[theirs.casefold()] = slug
        self.unknown: dict[str, int] = {}  # name -> first line it was met on

    def resolve(self, name: str, line: int) -> str | None:
        """Return our slug for `name`, SKIP when it is mapped to nothing, or None (and remember it)."""
        key = name.strip().casefold()
        slug = self._mapping[key] if key in self._mapping else self._ours.get(key)
        if slug is None:
            self.unknown.setdefault(name, line)
        return slug

    def refusal(self) -> str | None:
        """Return the one message that refuses a file with unknown labels, or None."""
        if not self.unknown:
            return None
        names = ", ".join(repr(name) for name in sorted(self.unknown))
        example, ours = sorted(self.unknown)[0], self.known[0] if self.known else "LABEL"
        return (
            f"unknown label{'s' if len(self.unknown) > 1 else ''} {names}; "
            f"known labels: {', '.join(self.known)}. Map other names to ours with label mappings "
            f"such as {example}={ours}, or leave them out with {example}=."
        )

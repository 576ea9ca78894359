"""The knowledge file: actors and weapon systems with their names, read into one matcher.

`load_knowledge()` reads the shipped `app/data/entities.toml` and any user files in
the same format; entries with the same canonical name are one entity whose aliases
add up, so a user file can extend a shipped entry without repeating it.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from app.records import Entity

SHIPPED = Path(__file__).parent / "data" / "entities.toml"


def slugify(name: str) -> str:
    """A URL-safe key for a name: `slugify("Jean-Noël Barrot") == "jean-noel-barrot"`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def literal_alternation(strings: Sequence[str], not_after: str = "") -> str:
    r"""Regex source that matches as "(?:s1|s2|...)" with `strings` longest first does, as a trie.

    Python's re tries each alternative of an alternation in turn at every position of the
    text; a trie tries one branch per character, and a pattern that starts with a literal
    character lets the search skip straight to where one of the strings can begin. The
    strings that match at one position are prefixes of one another, and the trie tries a
    longer one before a shorter, so the first that lets the rest of a pattern match is the
    one the longest-first alternation picks.

    `not_after` is a character class that must not precede the match ("\w" for a whole word).
    It goes after the first character, as a lookbehind over both, so the pattern still starts
    with a literal.

    >>> literal_alternation(["US", "U.S.", "UN"], not_after=r"\w")
    '(?:U(?<!\\wU)(?:\\.S\\.|N|S))'
    """
    trie: dict = {}
    for string in strings:
        if not string:
            raise ValueError("an empty string matches everywhere")
        node = trie
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}  # the end of a string
    branches = []
    for char, child in sorted(trie.items()):
        guard = f"(?<!{not_after}{re.escape(char)})" if not_after else ""
        branches.append(re.escape(char) + guard + _trie_source(child))
    return f"(?:{'|'.join(branches)})"


def _trie_source(node: dict) -> str:
    chain = ""
    while len(node) == 1 and "" not in node:
        [(char, node)] = node.items()
        chain += char
    branches = [re.escape(char) + _trie_source(child) for char, child in sorted(node.items()) if char]
    if "" in node and branches:
        branches.append("")  # the end of a string comes last: a longer string is tried first
    body = f"(?:{'|'.join(branches)})" if len(branches) > 1 else "".join(branches)
    return re.escape(chain) + body


def surface_pattern(surfaces: Sequence[str]) -> re.Pattern[str] | None:
    """Any of `surfaces`, a longer name winning over a shorter one at the same position.

    Names match as whole words, case-sensitively: "US" must not match "us".
    """
    if not surfaces:
        return None
    # "(?!\w)" rather than "\b": a name ending in "." ("U.S.") has no word boundary after it.
    names = literal_alternation(set(surfaces), not_after=r"\w")
    return re.compile(rf"{names}(?!\w)")


@dataclass
class Knowledge:
    """Entities by every surface form that names them, and the naming cues for unknown ones."""

    entities: dict[str, Entity]  # key -> entity
    surfaces: dict[str, Entity]  # alias, name or demonym -> entity
    demonyms: frozenset[str] = frozenset()
    titles: tuple[str, ...] = ()
    roles: frozenset[str] = frozenset()
    weapon_words: frozenset[str] = frozenset()
    organisation_words: frozenset[str] = frozenset()
    pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.pattern = surface_pattern(list(self.surfaces))

    def lookup(self, surface: str) -> Entity | None:
        return self.surfaces.get(surface)


def _read_entries(path: Path) -> tuple[list[tuple[str, dict]], dict]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    entries = [("actor", e) for e in data.get("actor", [])]
    entries += [("weapon", e) for e in data.get("weapon", [])]
    return entries, data.get("naming", {})


def load_knowledge(extra_files: Sequence[Path] = ()) -> Knowledge:
    """Read the shipped knowledge file plus `extra_files` (same format) into a Knowledge.

    >>> k = load_knowledge()
    >>> k.lookup("ATACMS").name == k.lookup("Army Tactical Missile Systems").name
    True
    """
    names: dict[str, dict] = {}
    naming: dict[str, list[str]] = {}
    for path in (SHIPPED, *map(Path, extra_files)):
        entries, file_naming = _read_entries(path)
        for section, entry in entries:
            key = slugify(entry["name"])
            kind = "weapon" if section == "weapon" else entry.get("kind", "organisation")
            slot = names.setdefault(key, {"name": entry["name"], "kind": kind, "aliases": [], "demonyms": []})
            slot["kind"] = entry.get("kind", slot["kind"]) if section == "actor" else "weapon"
            for alias in entry.get("aliases", []):
                if alias not in slot["aliases"] and alias != slot["name"]:
                    slot["aliases"].append(alias)
            for demonym in entry.get("demonyms", []):
                if demonym not in slot["demonyms"]:
                    slot["demonyms"].append(demonym)
        for cue, words in file_naming.items():
            naming.setdefault(cue, []).extend(w for w in words if w not in naming.get(cue, []))

    entities: dict[str, Entity] = {}
    surfaces: dict[str, Entity] = {}
    demonyms: set[str] = set()
    for key, slot in names.items():
        entity = Entity(key=key, name=slot["name"], kind=slot["kind"],
                        aliases=tuple(slot["aliases"] + slot["demonyms"]))
        entities[key] = entity
        for surface in (slot["name"], *slot["aliases"], *slot["demonyms"]):
            surfaces.setdefault(surface, entity)
        demonyms.update(slot["demonyms"])
    return Knowledge(
        entities=entities,
        surfaces=surfaces,
        demonyms=frozenset(demonyms),
        titles=tuple(sorted(naming.get("titles", []), key=len, reverse=True)),
        roles=frozenset(w.lower() for w in naming.get("roles", [])),
        weapon_words=frozenset(naming.get("weapon", [])),
        organisation_words=frozenset(naming.get("organisation", [])),
    )

"""The document's metadata fields and every name they go by: the one table.

Staff write Dutch keys in sidecars (`soort`, `themas`), users filter and query with
Dutch or English names (`--filter thema=…`, `soort:handreiking`, `?type=…`), URLs carry
one Dutch parameter per facet, and pages show a Dutch label. All of those are read from
`FIELDS`; the derived tables below are views of it, never written by hand elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetadataField:
    attribute: str  # the DocumentRecord attribute
    names: tuple[str, ...]  # every name accepted for it, the Dutch one first
    facet: str = ""  # the facet's API name; "" if the field is not a facet
    label: str = ""  # Dutch label in the sidebar and on document pages
    in_sidecar: bool = True  # may staff set it in a sidecar
    is_list: bool = False  # several values (organisations, themes, audiences)

    @property
    def param(self) -> str:
        """The Dutch name used in URLs and shown in examples."""
        return self.names[0]


# Order of the facets here is the order of the sidebar.
FIELDS: tuple[MetadataField, ...] = (
    MetadataField("title", ("titel", "title")),
    MetadataField("doctype", ("soort", "documentsoort", "type"), facet="type",
                  label="Documentsoort"),
    MetadataField("themes", ("thema", "themas", "thema's", "theme", "themes"),
                  facet="theme", label="Thema", is_list=True),
    MetadataField("organisations", ("organisatie", "organisaties", "organisation",
                                    "organisations"),
                  facet="organisation", label="Organisatie", is_list=True),
    MetadataField("year", ("jaar", "year"), facet="year", label="Jaar"),
    MetadataField("audiences", ("doelgroep", "doelgroepen", "audience", "audiences"),
                  facet="audience", label="Doelgroep", is_list=True),
    MetadataField("format", ("formaat", "bestandsformaat", "format"), facet="format",
                  label="Bestandsformaat", in_sidecar=False),
    MetadataField("date", ("datum", "date")),
    MetadataField("description", ("beschrijving", "description")),
    MetadataField("author", ("auteur", "author")),
    MetadataField("source_url", ("bron", "url", "source")),
)

FACETS: tuple[MetadataField, ...] = tuple(f for f in FIELDS if f.facet)
# Facet API name -> Dutch label, in sidebar order.
FACET_FIELDS: dict[str, str] = {f.facet: f.label for f in FACETS}
# Facet API name -> the Dutch URL parameter.
FACET_PARAMS: dict[str, str] = {f.facet: f.param for f in FACETS}
# Every accepted name (lower case) -> the field.
_BY_NAME: dict[str, MetadataField] = {
    name: f for f in FIELDS for name in (*f.names, f.facet) if name}
# Sidecar key -> the field (formats come from the file, not from staff).
SIDECAR_KEYS: dict[str, MetadataField] = {
    name: f for name, f in _BY_NAME.items() if f.in_sidecar}


def field_named(name: str) -> MetadataField | None:
    """The field a name (Dutch or English, any case) stands for."""
    return _BY_NAME.get(name.strip().lower())


def facet_field_name(name: str) -> str | None:
    """The canonical facet field for a name or alias, or None if it is not a facet."""
    found = field_named(name)
    return found.facet if found is not None and found.facet else None


def query_field_aliases() -> dict[str, list[str]]:
    """Index field -> the other names a query may use for it (`titel:`, `soort:`)."""
    aliases: dict[str, list[str]] = {"body": ["tekst", "text"]}
    for f in FIELDS:
        target = f.facet or (f.attribute if f.attribute == "title" else "")
        if target:
            aliases[target] = [name for name in f.names if name != target]
    return aliases

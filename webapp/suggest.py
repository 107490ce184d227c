"""Autocomplete: `/api/suggest?q=` for the search box's combobox (static/app.js) and
for browsers, in OpenSearch's suggestions format (`formaat=opensearch`).

Each suggestion carries its group's Dutch label and the URL it leads to, so the page
script only renders: a completed query leads to its search, a title to its document,
a facet value to the search filtered by it.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

from flask import Blueprint, Response, jsonify, request, url_for

from kennisbank.autocomplete import Suggestions
from kennisbank.fields import FACET_FIELDS, FACET_PARAMS
from kennisbank.request import SearchRequest
from kennisbank.webapp.params import MAX_QUERY_CHARS, ParameterError
from kennisbank.webapp.presenters import value_label
from kennisbank.webapp.searching import service, state_url

blueprint = Blueprint("suggest", __name__)
GROUP_QUERIES = "Zoeksuggesties"
GROUP_TITLES = "Documenten"
GROUP_FILTERS = "Filters"
# Suggestions change only with a new index generation; a short cache saves a browser
# asking again while a user corrects a typo.
MAX_AGE_SECONDS = 60


@blueprint.get("/api/suggest")
def suggest():
    text = request.args.get("q", "")[:MAX_QUERY_CHARS]
    found = service().suggest(text)
    items = suggestion_items(found)
    style = request.args.get("formaat", request.args.get("format", "json"))
    if style == "opensearch":
        base = url_for("pages.search", _external=True)
        body = [text, [i["text"] for i in items], [i["group"] for i in items],
                [urljoin(base, i["url"]) for i in items]]
        response = Response(json.dumps(body, ensure_ascii=False),
                            mimetype="application/x-suggestions+json")
    elif style == "json":
        response = jsonify({"query": text, "suggestions": items})
    else:
        raise ParameterError(f"‘formaat’ kan ‘json’ of ‘opensearch’ zijn, niet ‘{style[:40]}’.")
    response.headers["Cache-Control"] = f"max-age={MAX_AGE_SECONDS}"
    return response


def suggestion_items(found: Suggestions) -> list[dict]:
    """The suggestions in the order shown: completed queries, titles, filters."""
    items = [{"group": GROUP_QUERIES, "kind": "zoekvraag", "text": query, "count": count,
              "url": state_url(SearchRequest(query=query))}
             for query, count in found.queries]
    items += [{"group": GROUP_TITLES, "kind": "document", "text": title, "count": None,
               "url": url_for("documents.document", doc_id=doc_id)}
              for doc_id, title in found.titles]
    items += [{"group": GROUP_FILTERS, "kind": "filter",
               "text": f"{FACET_FIELDS[name]}: {value_label(name, value)}", "count": count,
               "url": state_url(SearchRequest(filters={name: (value,)})),
               "param": FACET_PARAMS[name], "value": value}
              for name, value, count in found.facets]
    return items

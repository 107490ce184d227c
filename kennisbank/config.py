"""Settings declared once, overridable with KENNISBANK_* environment variables.

Both the CLI and the web app build a `Settings` from the environment, so a value set
for `make serve` is the same one the indexer used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from kennisbank.analysis import DEFAULT_STEMMER
from kennisbank.engine.store import recorded_corpus
from kennisbank.indexer.extract import DEFAULT_TYPES
from kennisbank.indexer.sidecar_values import BadValue, text_value
from kennisbank.indexer.walk import FORMATS
from kennisbank.synonyms import DEFAULT_SYNONYMS


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message is Dutch and names the variable."""


class _Unusable(ValueError):
    """Why a value cannot be used, in Dutch (the variable's name is added by _convert)."""


DEFAULT_CORPUS = Path("corpus")


@dataclass(frozen=True)
class Settings:
    corpus: Path | None = None  # None: the folder the index was built from (corpus_folder)
    index: Path = Path("var/index")
    jobs: int = 0  # 0 = one worker per CPU core
    file_timeout: float = 60.0  # seconds per file
    file_memory_mb: int = 1024  # address-space limit per extraction worker
    writer_memory_mb: int = 0  # index writers' posting pools together; 0 = RAM / 4
    stemmer: str = DEFAULT_STEMMER
    synonyms: Path = DEFAULT_SYNONYMS
    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 8
    # Document type per format for files whose sidecar sets none (DEFAULT_TYPES).
    default_types: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPES))

    def with_overrides(self, **values: object) -> Settings:
        """Return a copy with the non-None values applied (CLI flags win over env)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def corpus_folder(settings: Settings) -> Path:
    """The folder with the documents: the one given (flag or KENNISBANK_CORPUS), else
    the one the index was built from, else ./corpus. `kennisbank index ~/docs` followed
    by `kennisbank serve` then serves the originals without further settings."""
    if settings.corpus is not None:
        return settings.corpus
    return recorded_corpus(settings.index) or DEFAULT_CORPUS


ENV_PREFIX = "KENNISBANK_"
RANGES: dict[str, tuple[int, int]] = {"port": (0, 65535), "threads": (1, 256)}


def parse_default_types(raw: str) -> dict[str, str]:
    """`pdf=rapport,txt=notitie` merged over DEFAULT_TYPES; `pdf=` gives PDFs no type.
    A type obeys the rules of a sidecar's `soort`."""
    types = dict(DEFAULT_TYPES)
    known = sorted(set(FORMATS.values()))
    for item in filter(str.strip, raw.split(",")):
        fmt, sep, value = (part.strip() for part in item.partition("="))
        if not sep or fmt.lower() not in known:
            raise _Unusable(f"'{item.strip()}' moet de vorm FORMAAT=SOORT hebben, met als "
                            f"formaat een van {', '.join(known)}")
        try:
            types[fmt.lower()] = text_value(fmt, value)
        except BadValue as exc:
            raise _Unusable(str(exc)) from None
    return types


def _convert(name: str, kind: type, raw: str) -> object:
    try:
        value = kind(raw)
    except _Unusable as exc:
        raise SettingsError(f"{ENV_PREFIX}{name.upper()}={raw!r}: {exc}") from None
    except ValueError as exc:
        raise SettingsError(f"{ENV_PREFIX}{name.upper()}={raw!r} is geen geldige waarde") from exc
    if isinstance(value, int | float) and value < 0:
        raise SettingsError(f"{ENV_PREFIX}{name.upper()} mag niet negatief zijn")
    low, high = RANGES.get(name, (None, None))
    if low is not None and not low <= value <= high:
        raise SettingsError(f"{ENV_PREFIX}{name.upper()} moet tussen {low} en {high} liggen, "
                            f"niet {raw!r}")
    return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment; unknown KENNISBANK_* names are ignored."""
    environ = os.environ if environ is None else environ
    kinds = {"corpus": Path, "index": Path, "jobs": int, "file_timeout": float,
             "file_memory_mb": int, "writer_memory_mb": int, "stemmer": str,
             "synonyms": Path, "host": str, "port": int, "threads": int,
             "default_types": parse_default_types}
    values: dict[str, object] = {}
    for f in fields(Settings):
        raw = environ.get(ENV_PREFIX + f.name.upper())
        if raw not in (None, ""):
            values[f.name] = _convert(f.name, kinds[f.name], raw)
    return Settings(**values)

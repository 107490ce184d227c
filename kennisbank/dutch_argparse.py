"""argparse in Dutch: `kennisbank --help` and every usage error speak the user's language.

argparse writes its own headings, help option and error messages in English (through
gettext, which a library should not reconfigure for the whole process). This parser
sets Dutch headings and help text itself and translates the few error templates
argparse produces; argument types raise ArgumentTypeError with a Dutch message.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

# argparse's error templates (Python 3.11-3.13) -> Dutch.
ERROR_TRANSLATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"^the following arguments are required: (.*)$", r"verplicht maar niet gegeven: \1"),
        (r"^unrecognized arguments: (.*)$", r"onbekende argumenten: \1"),
        (r"^argument (\S+): invalid choice: (.*) \(choose from (.*)\)$",
         r"\1: ongeldige keuze \2 (kies uit \3)"),
        (r"^argument (\S+): invalid (\w+) value: (.*)$", r"\1: ongeldige waarde \3"),
        (r"^argument (\S+): expected one argument$", r"\1: er hoort een waarde bij"),
        (r"^argument (\S+): expected .*argument.*$", r"\1: verkeerd aantal waarden"),
        (r"^argument (\S+): not allowed with argument (\S+)$",
         r"\1 kan niet samen met \2"),
        (r"^ambiguous option: (\S+) could match (.*)$",
         r"dubbelzinnige optie \1: kan \2 betekenen"),
        (r"^argument (\S+): (.*)$", r"\1: \2"),
    )
)


def translate_error(message: str) -> str:
    for pattern, replacement in ERROR_TRANSLATIONS:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


class DutchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        # argparse passes prefix "" itself when it names a sub-command's parser.
        super().add_usage(usage, actions, groups, "gebruik: " if prefix is None else prefix)


class DutchArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are Dutch (sub-command parsers too)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", DutchHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="toon deze hulp en stop")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout: {translate_error(message)}\n")


def whole_number(low: int, high: int) -> type[int]:
    """An argparse type for a whole number within bounds, with a Dutch message."""

    def parse(raw: str) -> int:
        if not (raw.isascii() and raw.lstrip("-").isdigit() and len(raw) <= 12):
            raise argparse.ArgumentTypeError(f"‘{raw[:40]}’ is geen geheel getal")
        value = int(raw)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"moet tussen {low} en {high} liggen, niet {value}")
        return value

    parse.__name__ = "geheel getal"
    return parse  # type: ignore[return-value]


def seconds(raw: str) -> float:
    """An argparse type for a positive number of seconds."""
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"‘{raw[:40]}’ is geen aantal seconden") from None
    if not 0 < value < 86_400:
        raise argparse.ArgumentTypeError("moet meer dan 0 en minder dan een dag (86400) zijn")
    return value

"""Write the search-parameter table of README.md from eclaire_search/searchparams.py.

The README block between the PARAMETERS markers is generated; `tests/platform` checks that
it is up to date, so the docs cannot drift from the table the code uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eclaire_search.searchparams import RESULT_PARAMS, SEARCH_PARAMS  # noqa: E402

BEGIN, END = "<!-- PARAMETERS:BEGIN (generated) -->", "<!-- PARAMETERS:END -->"


def table() -> str:
    lines = [
        "| parameter | type | modifiers / prefixes | what it matches |",
        "|---|---|---|---|",
    ]
    for param in SEARCH_PARAMS:
        names = ", ".join(f"`{n}`" for n in (param.name, *param.aliases))
        extras = sorted(f":{m}" for m in param.modifiers) + sorted(param.prefixes)
        lines.append(
            f"| {names} | {param.fhir_type} | {' '.join(extras)} | "
            f"{param.description.replace('|', '&#124;')} |"
        )
    lines += ["", "| result parameter | meaning |", "|---|---|"]
    lines += [f"| `{name}` | {text} |" for name, text in RESULT_PARAMS.items()]
    return "\n".join(lines)


def render(readme: str) -> str:
    head, _, rest = readme.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


if __name__ == "__main__":
    path = ROOT / "README.md"
    path.write_text(render(path.read_text()))

"""Write the learner edition of each worked notebook: the same notebook, its solutions taken out.

For every notebooks/NN_*.ipynb with a cell tagged `solution`, this writes
notebooks/learner/NN_*.ipynb (same name):

- in a cell tagged `solution`, each region from `### BEGIN SOLUTION` to `### END SOLUTION`,
  markers included, becomes `raise NotImplementedError  # your code here` at the markers' indent;
- in a cell tagged `guess`, each `name = value` line between `### BEGIN GUESS` and
  `### END GUESS` becomes `name = None  # your guess` (a comment that starts "your guess" is
  kept, so "# your guess: how many ...?" stays), and the markers go;
- every output and execution count is cleared: the learner edition's outputs come from running
  it (`make notebooks`), so no solution's output is stored anywhere;
- a first markdown cell says how to work through it and links to the worked notebook;
- relative links in markdown are rewritten to work one folder down.

A malformed region (unmatched, nested, misspelt), a marker in a cell without the matching tag
and a tagged cell without a region are refused, naming the notebook and the cell.

    python notebooks/learner_edition.py           # write the missing and out-of-date editions
    python notebooks/learner_edition.py --check   # list them and exit 1 if there are any
"""
import argparse
import copy
import json
import posixpath
import re
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent
LEARNER = "learner"
STUB = "raise NotImplementedError  # your code here"
INTRO_ID = "learner-edition"
KINDS = ("solution", "guess")

# Anything that looks like a marker, well formed or not, so that a typo cannot let a solution
# through into the learner edition.
MARKER_LIKE = re.compile(r"^\s*#+\s*(BEGIN|END)\s+(SOLUTION|GUESS)", re.IGNORECASE)
MARKER = re.compile(r"^([ \t]*)### (BEGIN|END) (SOLUTION|GUESS)[ \t]*$")
ASSIGNMENT = re.compile(r"^([ \t]*)([A-Za-z_]\w*)[ \t]*=(?!=)[ \t]*\S")
PROMPT = re.compile(r"#[ \t]*(your guess\b.*?)\s*$")  # "# your guess: how many ...?" is kept
# The target of a markdown link or image, a reference definition, or an HTML src/href.
LINK = re.compile(r"(\]\(<?|\b(?:src|href)=[\"']|^[ \t]*\[[^\]]+\]:[ \t]*<?)([^)\s\"'>]+)",
                  re.MULTILINE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # http:, https:, mailto:, attachment:, ...
# Cell metadata that JupyterLab or a run may add: not part of the source.
VOLATILE = ("execution", "collapsed", "scrolled")


class MarkerError(ValueError):
    """A marker region or a tag that the generator cannot turn into a learner edition."""


def _text(source):
    return source if isinstance(source, str) else "".join(source)


def _lines(text):
    return text.splitlines(keepends=True)


def _tags(cell):
    return [kind for kind in KINDS if kind in cell.get("metadata", {}).get("tags", [])]


def strip_regions(source, kind):
    """The learner's version of a cell tagged ``kind`` ('solution' or 'guess'); ValueError if
    its regions are malformed."""
    word = kind.upper()
    out, region, count = [], None, 0  # region: (indent, line number of BEGIN, lines inside)
    for number, line in enumerate(_lines(source), 1):
        if not MARKER_LIKE.match(line):
            (out if region is None else region[2]).append(line)
            continue
        marker = MARKER.match(line)
        if marker is None:
            raise ValueError(f"line {number}: malformed marker {line.strip()!r}; write "
                             f"`### BEGIN {word}` or `### END {word}` on a line of its own")
        indent, edge, what = marker.groups()
        if what != word:
            raise ValueError(f"line {number}: `### {edge} {what}` in a cell tagged `{kind}`")
        if edge == "BEGIN":
            if region is not None:
                raise ValueError(f"line {number}: `### BEGIN {word}` inside the region opened "
                                 f"on line {region[1]}; regions cannot nest")
            region = (indent, number, [])
            continue
        if region is None:
            raise ValueError(f"line {number}: `### END {word}` without a `### BEGIN {word}`")
        if indent != region[0]:
            raise ValueError(f"line {number}: `### END {word}` is not indented like the "
                             f"`### BEGIN {word}` on line {region[1]}")
        replace = _solution_stub if kind == "solution" else _guess_stub
        out += replace(region, line.endswith("\n"))
        region, count = None, count + 1
    if region is not None:
        raise ValueError(f"line {region[1]}: `### BEGIN {word}` is never closed by "
                         f"`### END {word}`")
    if count == 0:
        raise ValueError(f"tagged `{kind}` but has no `### BEGIN {word}` ... `### END {word}` "
                         f"region; add one, or remove the tag")
    text = "".join(out)
    # A region that ended the cell leaves no empty last line behind it.
    return text if source.endswith("\n") else text.removesuffix("\n")


def _solution_stub(region, newline):
    indent, begin, _ = region
    if not indent:
        # A top-level raise would stop the learner edition's run at this cell.
        raise ValueError(f"line {begin}: the solution region is at the top level of the cell; "
                         f"put it inside the function's body")
    return [indent + STUB + ("\n" if newline else "")]


def _guess_stub(region, _newline):
    _, begin, inside = region
    out = []
    for number, line in enumerate(inside, begin + 1):
        assignment = ASSIGNMENT.match(line)
        if assignment:
            indent, name = assignment.groups()
            prompt = PROMPT.search(line)
            out.append(f"{indent}{name} = None  # {prompt[1] if prompt else 'your guess'}\n")
        elif not line.strip() or line.lstrip().startswith("#"):
            out.append(line)
        else:
            raise ValueError(f"line {number}: only `name = value` lines and comments may sit "
                             f"between the GUESS markers, got {line.strip()!r}")
    if not any(ASSIGNMENT.match(line) for line in inside):
        raise ValueError(f"line {begin}: the guess region has no `name = value` line")
    return out


def _compiles(text):
    try:
        compile(text, "<cell>", "exec")
    except SyntaxError:
        return False
    return True


def learner_cell(cell, names_with_editions=()):
    """A copy of one worked cell as the learner edition has it (tagged regions stubbed,
    outputs cleared, markdown links one folder down); ValueError if its markers are wrong."""
    cell = copy.deepcopy(cell)
    kinds, text = _tags(cell), _text(cell["source"])
    if kinds and cell["cell_type"] != "code":
        raise ValueError(f"a {cell['cell_type']} cell tagged `{kinds[0]}`; only code cells "
                         f"carry solutions")
    if len(kinds) > 1:
        raise ValueError("tagged both `solution` and `guess`; a cell is one or the other")
    if kinds:
        stubbed = strip_regions(text, kinds[0])
        if _compiles(text) and not _compiles(stubbed):
            raise ValueError("its learner version is not valid Python; keep each region "
                             "within one block")
        cell["source"] = _lines(stubbed)
        # The worked edition may fold a solution away; the learner must see where to write.
        jupyter = cell["metadata"].get("jupyter", {})
        jupyter.pop("source_hidden", None)
        if not jupyter:
            cell["metadata"].pop("jupyter", None)
    elif cell["cell_type"] == "code" and any(MARKER_LIKE.match(line) for line in _lines(text)):
        raise ValueError("has a marker but no `solution` or `guess` tag, so its solution "
                         "would be copied into the learner edition; tag the cell")
    elif cell["cell_type"] == "markdown":
        cell["source"] = _lines(rewrite_links(text, names_with_editions))
    if cell["cell_type"] == "code":
        cell["outputs"], cell["execution_count"] = [], None
    return cell


def rewrite_links(markdown, names_with_editions=()):
    """Relative links made to work from notebooks/learner/: a sibling notebook that has a
    learner edition stays a sibling (the learner's next notebook); anything else gains ``../``."""
    def one_folder_down(match):
        lead, target = match.groups()
        if SCHEME.match(target) or target.startswith(("#", "/")):
            return match.group(0)
        path = posixpath.normpath(re.split(r"[#?]", target)[0])
        return match.group(0) if path in names_with_editions else lead + "../" + target
    return LINK.sub(one_folder_down, markdown)


def intro_cell(name, title):
    """The learner edition's first cell: what it is, how to work through it, where the
    solutions are."""
    text = f"""\
> **Learner edition of {title}.** Here you write the pieces yourself.
>
> 1. At each **Your turn**, replace `{STUB}` with your code
>    and run the cell.
> 2. Run the check cell under it. It prints one line: **✓** when your function agrees with
>    nnlib's on random inputs, **✗** and what is wrong (a missing 1/N, a transposed weight, a
>    wrong sign, ...), or **… not written yet** while the stub is still there. Fix it, run both
>    cells again.
> 3. Stuck? Click **Hint** under the exercise to unfold it.
>
> Until your version passes, the notebook carries on with nnlib's, so every cell runs either
> way. Where you are asked to predict, replace `None` by your guess before running the cell
> that compares it with the result.
>
> The worked solutions are in the [worked notebook](../{name}): the same notebook with every
> exercise filled in. Try first, compare after. `make learner` and `make notebooks` rewrite
> this folder, so keep your work in a folder of your own beside it, e.g. `notebooks/mine/`
> (File → Save Notebook As…): nothing rewrites or tests that one.
"""
    return {"cell_type": "markdown", "id": INTRO_ID, "metadata": {}, "source": _lines(text)}


def _title(notebook, name):
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            first = _text(cell["source"]).lstrip().split("\n", 1)[0]
            return first.lstrip("# ").strip() if first.startswith("# ") else name
    return name


def needs_edition(notebook):
    """True if the notebook has a cell tagged `solution`."""
    return any("solution" in _tags(cell) for cell in notebook["cells"])


def learner_edition(notebook, name, names_with_editions=()):
    """The learner edition of the worked ``notebook`` (a dict, left unchanged) called ``name``;
    MarkerError names the notebook and cell of the first malformed region."""
    cells = []
    for number, cell in enumerate(notebook["cells"], 1):
        if cell.get("id") in (None, INTRO_ID):
            raise MarkerError(f"{name}: cell {number} has the id {cell.get('id')!r}; the cells "
                              f"need nbformat 4.5 ids other than {INTRO_ID!r}")
        try:
            cells.append(learner_cell(cell, names_with_editions))
        except ValueError as error:
            raise MarkerError(f"{name}: cell {number} (id {cell['id']}): {error}") from None
    edition = copy.deepcopy({k: v for k, v in notebook.items() if k != "cells"})
    edition["cells"] = [intro_cell(name, _title(notebook, name))] + cells
    return edition


def render(notebook):
    """The notebook as Jupyter writes it: indent 1, sorted keys, UTF-8, a final newline."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False,
                      separators=(",", ": ")) + "\n"


def editions(folder=NOTEBOOKS):
    """({learner edition's path: its text}, [errors]) for the worked notebooks in ``folder``."""
    worked = {path.name: json.loads(path.read_text(encoding="utf-8"))
              for path in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
    names = {name for name, notebook in worked.items() if needs_edition(notebook)}
    texts, errors = {}, []
    for name in sorted(names):
        try:
            texts[folder / LEARNER / name] = render(learner_edition(worked[name], name, names))
        except MarkerError as error:
            errors.append(str(error))
    return texts, errors


def _source_only(notebook):
    """What must agree between a learner edition and its regeneration: outputs are ignored."""
    cells = [(cell["cell_type"], cell.get("id"), _text(cell["source"]),
              {k: v for k, v in cell.get("metadata", {}).items() if k not in VOLATILE})
             for cell in notebook["cells"]]
    return cells, notebook.get("metadata", {}).get("kernelspec")


def _out_of_date(path, text):
    if not path.exists():
        return "missing"
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    return None if _source_only(on_disk) == _source_only(json.loads(text)) else "out of date"


def stale(folder=NOTEBOOKS):
    """One line per learner edition that is missing or out of date, and per malformed source."""
    texts, errors = editions(folder)
    problems = [f"{path.relative_to(folder.parent)}: {why}" for path, text in texts.items()
                if (why := _out_of_date(path, text))]
    return errors + problems


def write(folder=NOTEBOOKS):
    """Write the missing and out-of-date learner editions; return (written paths, errors).
    An up-to-date one is left alone, so the outputs stored by its last run stay."""
    texts, errors = editions(folder)
    written = []
    for path, text in texts.items():
        if _out_of_date(path, text):
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written, errors


def main(argv=None, folder=NOTEBOOKS):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true",
                        help="list the learner editions that are missing or out of date and "
                             "exit 1 if there are any; write nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale(folder)
        for line in problems:
            print(line, file=sys.stderr)
        if any(line.endswith(("missing", "out of date")) for line in problems):
            print("regenerate them with: make learner", file=sys.stderr)
        return 1 if problems else 0
    written, errors = write(folder)
    for path in written:
        print(f"wrote {path.relative_to(folder.parent)}")
    for line in errors:
        print(line, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

"""The learner editions: how notebooks/learner_edition.py turns a worked notebook into one (on small
notebooks built here), and that every learner edition on disk is up to date, holds no solution
and, as stored by its last run, says "not written yet" at every check."""
import copy
import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
_spec = importlib.util.spec_from_file_location("learner_edition",
                                               NOTEBOOKS / "learner_edition.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN GUESS", "### END GUESS")

SOLVED = '''\
def dense_backward(X, W, delta):
    """X (N, D), W (D, M), delta (N, M) -> dX, dW, db."""
    ### BEGIN SOLUTION
    dW = X.T @ delta
    db = delta.sum(axis=0)
    ### END SOLUTION
    return delta @ W.T, dW, db'''

GUESSED = '''\
# What will the accuracy be?
### BEGIN GUESS
guess_accuracy = 0.9   # your guess
# one more
guess_epochs = 40
### END GUESS
print("guessed")'''


# -- small notebooks built here ------------------------------------------------------------------

def code(source, tags=(), **extra):
    cell = {"cell_type": "code", "execution_count": 3, "metadata": {},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["✓ ok\n"]}],
            "source": source.splitlines(keepends=True)}
    if tags:
        cell["metadata"]["tags"] = list(tags)
    cell["metadata"].update(extra)
    return cell


def markdown(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source.splitlines(keepends=True)}


def notebook(*cells):
    cells = [dict(cell, id=f"cell-{k}") for k, cell in enumerate(cells)]
    return {"cells": cells, "metadata": {"kernelspec": dict(KERNELSPEC)},
            "nbformat": 4, "nbformat_minor": 5}


def learner(*cells, names=()):
    return gen.learner_edition(notebook(*cells), "03_toy.ipynb", names)


def source_of(edition, cell_id):
    (cell,) = [c for c in edition["cells"] if c["id"] == cell_id]
    return "".join(cell["source"])


# -- the transformation ----------------------------------------------------------------------------

def test_a_solution_region_becomes_a_stub_at_its_indent():
    text = source_of(learner(markdown("# 03 · Toy"), code(SOLVED, ["solution"])), "cell-1")
    assert text == ('def dense_backward(X, W, delta):\n'
                    '    """X (N, D), W (D, M), delta (N, M) -> dX, dW, db."""\n'
                    '    raise NotImplementedError  # your code here\n'
                    '    return delta @ W.T, dW, db')


def test_every_region_is_stubbed_at_its_own_indent_and_a_last_line_stays_last():
    source = ("def outer(p):\n    def inner(q):\n        ### BEGIN SOLUTION\n        return q\n"
              "        ### END SOLUTION\n    ### BEGIN SOLUTION\n    return inner(p) + 1\n"
              "    ### END SOLUTION")
    assert gen.strip_regions(source, "solution") == (
        "def outer(p):\n    def inner(q):\n        raise NotImplementedError  # your code here\n"
        "    raise NotImplementedError  # your code here")


def test_guesses_become_none_and_the_rest_of_the_cell_stays():
    text = source_of(learner(code(GUESSED, ["guess"])), "cell-0")
    assert text == ('# What will the accuracy be?\n'
                    'guess_accuracy = None  # your guess\n'
                    '# one more\n'
                    'guess_epochs = None  # your guess\n'
                    'print("guessed")')


def test_a_guess_keeps_its_question_and_loses_any_other_comment():
    source = ("### BEGIN GUESS\nguess_units = 32   # your guess: how many units differ, of 32?\n"
              "guess_loss = 0.5  # about the noise floor\n### END GUESS\n")
    assert gen.strip_regions(source, "guess") == (
        "guess_units = None  # your guess: how many units differ, of 32?\n"
        "guess_loss = None  # your guess\n")


def test_a_guess_cell_that_ends_with_its_region_has_no_empty_last_line():
    source = "### BEGIN GUESS\nguess_loss = 0.5  # your guess\n### END GUESS"
    assert gen.strip_regions(source, "guess") == "guess_loss = None  # your guess"


WELL = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
MALFORMED = [
    ("def f(x):\n    ### BEGIN SOLUTION\n    return x\n", ["solution"],
     r"line 2: `### BEGIN SOLUTION` is never closed by `### END SOLUTION`"),
    ("def f(x):\n    return x\n    ### END SOLUTION\n", ["solution"],
     r"line 3: `### END SOLUTION` without a `### BEGIN SOLUTION`"),
    ("def f(x):\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    return x\n"
     "    ### END SOLUTION\n    ### END SOLUTION\n", ["solution"],
     r"line 3: `### BEGIN SOLUTION` inside the region opened on line 2; regions cannot nest"),
    ("def f(x):\n    ## BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n", ["solution"],
     r"line 2: malformed marker '## BEGIN SOLUTION'"),
    ("def f(x):\n    ### BEGIN SOLUTIONS\n    return x\n    ### END SOLUTION\n", ["solution"],
     r"line 2: malformed marker '### BEGIN SOLUTIONS'"),
    ("def f(x):\n    ### begin solution\n    return x\n    ### END SOLUTION\n", ["solution"],
     r"line 2: malformed marker"),
    ("def f(x):\n    ### BEGIN GUESS\n    return x\n    ### END GUESS\n", ["solution"],
     r"line 2: `### BEGIN GUESS` in a cell tagged `solution`"),
    ("def f(x):\n    return x\n", ["solution"],
     r"tagged `solution` but has no `### BEGIN SOLUTION` \.\.\. `### END SOLUTION` region"),
    ("guess = 3\n", ["guess"], r"tagged `guess` but has no `### BEGIN GUESS`"),
    (WELL, [], r"has a marker but no `solution` or `guess` tag"),
    (WELL, ["solution", "guess"], r"tagged both `solution` and `guess`"),
    ("def f(x):\n    ### BEGIN SOLUTION\n    return x\n  ### END SOLUTION\n", ["solution"],
     r"line 4: `### END SOLUTION` is not indented like the `### BEGIN SOLUTION` on line 2"),
    ("### BEGIN SOLUTION\ndef f(x):\n    return x\n### END SOLUTION\n", ["solution"],
     r"line 1: the solution region is at the top level of the cell"),
    ("### BEGIN GUESS\nguess = 0.9\nprint(guess)\n### END GUESS\n", ["guess"],
     r"line 3: only `name = value` lines and comments may sit between the GUESS markers, "
     r"got 'print\(guess\)'"),
    ("### BEGIN GUESS\n# think first\n### END GUESS\n", ["guess"],
     r"line 1: the guess region has no `name = value` line"),
    ("def f(x):\n    ### BEGIN SOLUTION\n    if x:\n    ### END SOLUTION\n        return 1\n"
     "    return 0\n", ["solution"], r"its learner version is not valid Python"),
]


@pytest.mark.parametrize("source, tags, message", MALFORMED)
def test_malformed_markers_are_refused_naming_notebook_and_cell(source, tags, message):
    with pytest.raises(gen.MarkerError, match=r"^03_toy\.ipynb: cell 2 \(id cell-1\): ") as info:
        learner(markdown("# 03 · Toy"), code(source, tags))
    assert re.search(message, str(info.value)), str(info.value)


def test_a_tagged_markdown_cell_is_refused():
    cell = dict(markdown("### BEGIN SOLUTION\nsecret\n### END SOLUTION"),
                metadata={"tags": ["solution"]})
    with pytest.raises(gen.MarkerError, match=r"cell 1 \(id cell-0\): a markdown cell tagged"):
        learner(cell)


def test_outputs_and_execution_counts_are_cleared_and_the_worked_notebook_is_untouched():
    worked = notebook(markdown("# 03 · Toy"), code("print(1)"), code(SOLVED, ["solution"]),
                      code(GUESSED, ["guess"]))
    before = copy.deepcopy(worked)
    edition = gen.learner_edition(worked, "03_toy.ipynb")
    assert worked == before
    code_cells = [c for c in edition["cells"] if c["cell_type"] == "code"]
    assert len(code_cells) == 3
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code_cells)


def test_metadata_and_ids_are_kept_and_the_edition_is_valid_nbformat_4_5():
    worked = notebook(markdown("# 03 · Toy"), code(SOLVED, ["solution"]), code("x = 1"))
    worked["metadata"]["language_info"] = {"name": "python"}
    edition = gen.learner_edition(worked, "03_toy.ipynb")
    assert edition["metadata"] == worked["metadata"]
    assert [c["id"] for c in edition["cells"]] == [gen.INTRO_ID, "cell-0", "cell-1", "cell-2"]
    assert edition["cells"][2]["metadata"] == {"tags": ["solution"]}
    nbformat.validate(nbformat.from_dict(edition))


def test_a_solution_folded_away_in_the_worked_edition_is_shown_to_the_learner():
    cell = code(SOLVED, ["solution"], jupyter={"source_hidden": True, "outputs_hidden": True})
    edition = learner(cell)
    assert edition["cells"][1]["metadata"] == {"tags": ["solution"],
                                               "jupyter": {"outputs_hidden": True}}


def test_the_first_cell_says_how_to_work_and_links_to_the_worked_notebook():
    first = learner(markdown("# 03 · Backprop, by hand"), code(SOLVED, ["solution"]))["cells"][0]
    text = "".join(first["source"])
    assert first["cell_type"] == "markdown" and first["id"] == gen.INTRO_ID
    assert "Learner edition of 03 · Backprop, by hand" in text
    assert "](../03_toy.ipynb)" in text
    for words in ("raise NotImplementedError  # your code here", "✓", "✗", "not written yet",
                  "Hint", "`None`"):
        assert words in text
    assert not any(marker in text for marker in MARKERS)


def test_an_intro_id_already_in_use_is_refused():
    worked = notebook(code(SOLVED, ["solution"]))
    worked["cells"][0]["id"] = gen.INTRO_ID
    with pytest.raises(gen.MarkerError, match="cell 1 has the id 'learner-edition'"):
        gen.learner_edition(worked, "03_toy.ipynb")


def test_relative_links_still_work_one_folder_down():
    text = ("[next](04_blocks.ipynb#top), [other](05_regression.ipynb), [me](./03_toy.ipynb)\n"
            "[README](../README.md), ![loss](../figures/loss.png), <img src=\"../figures/a.png\">"
            "\n[web](https://example.org/a.ipynb), [up](#objectives), [mail](mailto:a@b.c)\n"
            "[ref]: ../LICENSE\n")
    edition = learner(markdown(text), code(SOLVED, ["solution"]),
                      names={"03_toy.ipynb", "04_blocks.ipynb"})
    assert source_of(edition, "cell-0") == (
        "[next](04_blocks.ipynb#top), [other](../05_regression.ipynb), [me](./03_toy.ipynb)\n"
        "[README](../../README.md), ![loss](../../figures/loss.png), "
        "<img src=\"../../figures/a.png\">"
        "\n[web](https://example.org/a.ipynb), [up](#objectives), [mail](mailto:a@b.c)\n"
        "[ref]: ../../LICENSE\n")


def test_rendered_as_jupyter_writes_it():
    edition = learner(markdown("# 03 · Toy ✓"), code(SOLVED, ["solution"]))
    text = gen.render(edition)
    assert text == nbformat.writes(nbformat.from_dict(edition)) + "\n"
    assert "✓" in text and text.startswith('{\n "cells": [\n  {\n')
    assert gen.render(learner(markdown("# 03 · Toy ✓"), code(SOLVED, ["solution"]))) == text


# -- the command line on a folder of its own -------------------------------------------------------

def write_worked(folder, name, worked):
    (folder / name).write_text(gen.render(worked), encoding="utf-8")


def test_writes_only_notebooks_with_solutions_twice_the_same_and_checks(tmp_path, capsys):
    write_worked(tmp_path, "01_plain.ipynb", notebook(markdown("# 01"), code("x = 1")))
    worked = notebook(markdown("# 02"), code(SOLVED, ["solution"]), code(GUESSED, ["guess"]))
    write_worked(tmp_path, "02_toy.ipynb", worked)
    edition = tmp_path / "learner" / "02_toy.ipynb"

    assert gen.main(["--check"], folder=tmp_path) == 1
    assert "learner/02_toy.ipynb: missing" in capsys.readouterr().err
    assert gen.main([], folder=tmp_path) == 0
    assert sorted(p.name for p in (tmp_path / "learner").iterdir()) == ["02_toy.ipynb"]
    first = edition.read_bytes()
    assert first == gen.render(gen.learner_edition(worked, "02_toy.ipynb",
                                                   {"02_toy.ipynb"})).encode()
    edition.unlink()
    assert gen.main([], folder=tmp_path) == 0
    assert edition.read_bytes() == first
    assert gen.main(["--check"], folder=tmp_path) == 0

    # a run of the learner edition stores outputs: still up to date, and not rewritten
    ran = json.loads(first)
    ran["cells"][2]["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["… \n"]}]
    ran["cells"][2]["execution_count"] = 1
    edition.write_text(gen.render(ran), encoding="utf-8")
    assert gen.main(["--check"], folder=tmp_path) == 0
    capsys.readouterr()
    assert gen.main([], folder=tmp_path) == 0
    assert json.loads(edition.read_text())["cells"][2]["execution_count"] == 1
    assert capsys.readouterr().out == ""

    # the worked notebook changes: the learner edition is out of date until written again
    worked["cells"][1]["source"][-1] = "    return delta @ W.T, dW, db  # changed"
    write_worked(tmp_path, "02_toy.ipynb", worked)
    assert gen.main(["--check"], folder=tmp_path) == 1
    assert "learner/02_toy.ipynb: out of date" in capsys.readouterr().err
    assert gen.main([], folder=tmp_path) == 0
    assert "# changed" in edition.read_text() and gen.stale(tmp_path) == []


def test_a_malformed_notebook_fails_the_run_and_the_check(tmp_path, capsys):
    write_worked(tmp_path, "02_toy.ipynb", notebook(code("def f():\n    return 1", ["solution"])))
    assert gen.main([], folder=tmp_path) == 1
    assert "02_toy.ipynb: cell 1 (id cell-0): tagged `solution` but has no" in (
        capsys.readouterr().err)
    assert not (tmp_path / "learner" / "02_toy.ipynb").exists()
    assert gen.main(["--check"], folder=tmp_path) == 1


# -- the learner editions on disk ------------------------------------------------------------------

def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


WORKED = {path.name: load(path) for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))}
WITH_EXERCISES = sorted(name for name, nb in WORKED.items() if gen.needs_edition(nb))


def learner_edition_of(name):
    path = NOTEBOOKS / gen.LEARNER / name
    assert path.exists(), f"{name} has solution cells but no learner edition: run make learner"
    return load(path)


def printed_lines(nb):
    """Every line the stored outputs print (streams and plain-text results)."""
    lines = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            lines += "".join(text).splitlines()
    return lines


def split_regions(cell):
    """(the answer: the lines between a cell's markers, the other lines), each stripped; a guess
    region's comments are prompts, not answers, and count as neither."""
    inside, answer, rest = False, [], set()
    for line in gen._text(cell["source"]).splitlines():
        if line.strip() in MARKERS:
            inside = line.strip().startswith("### BEGIN")
        elif not inside:
            rest.add(line.strip())
        elif line.strip() and not ("guess" in gen._tags(cell) and line.lstrip().startswith("#")):
            answer.append(line.strip())
    return answer, rest


def test_some_worked_notebooks_have_exercises():
    assert WITH_EXERCISES, "no worked notebook has a cell tagged `solution`"


def test_every_learner_edition_is_up_to_date_with_its_worked_notebook():
    problems = gen.stale(NOTEBOOKS)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", WITH_EXERCISES)
def test_no_learner_edition_holds_a_solution(name):
    edition = learner_edition_of(name)
    nbformat.validate(nbformat.from_dict(edition))
    assert edition["metadata"]["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
    markers = [line for cell in edition["cells"] for line in gen._text(cell["source"]).splitlines()
               if gen.MARKER_LIKE.match(line)]
    assert not markers, f"{name}: the learner edition still has the markers {markers}"
    learner_cells = {cell["id"]: cell for cell in edition["cells"]}
    for cell in WORKED[name]["cells"]:
        if gen._tags(cell):
            answer, rest = split_regions(cell)
            kept = {line.strip() for line in
                    gen._text(learner_cells[cell["id"]]["source"]).splitlines()}
            leaked = [line for line in answer if line in kept and line not in rest]
            assert not leaked, f"{name}, cell {cell['id']}: the answer's lines {leaked}"


@pytest.mark.parametrize("name", WITH_EXERCISES)
def test_every_learner_edition_was_run_so_nbval_compares_its_outputs(name):
    # nbval compares no output of a cell whose execution count is empty (a cell never run)
    unrun = [cell["id"] for cell in learner_edition_of(name)["cells"]
             if cell["cell_type"] == "code" and cell["execution_count"] is None]
    assert not unrun, (f"{name}: cells {unrun} of the learner edition were never run: "
                       f"make notebooks runs them")


@pytest.mark.parametrize("name", WITH_EXERCISES)
def test_no_learner_edition_stores_a_solution_output(name):
    printed = printed_lines(learner_edition_of(name))
    shown = [line for line in printed if "✓" in line or line.startswith("Your guess")]
    assert not shown, f"{name}: the learner edition stores a solution's output: {shown}"


@pytest.mark.parametrize("name", WITH_EXERCISES)
def test_every_check_in_a_learner_edition_says_not_written_yet(name):
    worked, printed = printed_lines(WORKED[name]), printed_lines(learner_edition_of(name))
    verdicts = [line for line in printed if line.startswith(("✓ ", "✗ ", "… "))]
    assert all(line.startswith("… ") and ": not written yet" in line for line in verdicts), (
        [line for line in verdicts if not line.startswith("… ")])
    # one line per check, as in the worked edition (where each says ✓): a learner edition that
    # was never run, or a check that went missing, shows up here
    passed = [line for line in worked if line.startswith("✓ ")]
    solutions = sum("solution" in gen._tags(cell) for cell in WORKED[name]["cells"])
    assert len(verdicts) == len(passed) >= solutions, (
        f"{name}: {len(verdicts)} check lines stored in the learner edition, {len(passed)} ✓ "
        f"lines in the worked one, {solutions} solution cells (make notebooks runs both)")
    guessed = [line for line in worked if line.startswith("Your guess")]
    not_guessed = [line for line in printed if line.startswith("No guess written yet.")]
    assert len(not_guessed) == len(guessed), (
        f"{name}: {len(not_guessed)} 'No guess written yet.' lines in the learner edition, "
        f"{len(guessed)} guesses compared in the worked one")


# Learner editions run one folder down, so a worked notebook must not name a path relative to its
# own folder (figures go through nnlib.plot.save_figure and $NNLIB_FIGURES_DIR instead): no file
# function called on a relative path written out, no "../", no %run or chdir.
RELATIVE_PATH = re.compile(
    r"\b(open|load|loadtxt|genfromtxt|save|savez|savez_compressed|savetxt|read_csv|read_json"
    r"|savefig|Path)\(\s*[rbf]?[\"'](?![/~])|[\"']\.\.?/|^\s*%run\b|\bchdir\(", re.MULTILINE)


@pytest.mark.parametrize("name", sorted(WORKED))
def test_no_code_cell_uses_a_path_relative_to_the_notebook_folder(name):
    found = [line.strip() for cell in WORKED[name]["cells"] if cell["cell_type"] == "code"
             for line in gen._text(cell["source"]).splitlines() if RELATIVE_PATH.search(line)]
    assert not found, f"{name}: {found}; learner editions run in notebooks/learner/"


@pytest.mark.parametrize("line, relative", [
    ('X = np.loadtxt("data/x.csv")', True), ("open('notes.txt')", True),
    ('fig.savefig(f"{name}.png")', True), ('img = "../figures/a.png"', True),
    ("%run helpers.py", True), ("os.chdir(folder)", True),
    ('path = handout.save(Path(folder) / "four_circles.json")', False),
    ('open("/etc/hostname")', False), ('print("loaded")', False),
    ('nnlib.plot.save_figure(fig, "01_loss_curve")', False)])
def test_the_relative_path_guard_tells_them_apart(line, relative):
    assert bool(RELATIVE_PATH.search(line)) == relative

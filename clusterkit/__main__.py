"""The course's command line: ``clusterkit grade``, ``clusterkit merge``, ``clusterkit exercises``, ``clusterkit bench``.

    clusterkit grade submissions.zip --chapter 0 --out grades/
    clusterkit merge grades/        # after filling in the points of grades/manual.csv
    clusterkit exercises build      # regenerate clusterkit/grading/public/NN.json
    clusterkit exercises check      # every reference answer passes its own checks
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from clusterkit.grading.sandbox import Limits

app = typer.Typer(
    name="clusterkit",
    help="Cluster Pathways: grade submissions, maintain exercises, measure the course.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
exercises_app = typer.Typer(help="Maintain the exercise definitions (exercises/) and their public specs.", no_args_is_help=True)
app.add_typer(exercises_app, name="exercises")


#: The defaults of `clusterkit grade`'s limits (the sandbox module is light: ctypes only).
_LIMITS = Limits()


def _fail(msg: str, code: int = 2) -> None:
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(code)


def _key(key: Optional[Path]) -> Path:
    from clusterkit.grading.spec import default_key_dir

    found = key or default_key_dir()
    if found is None:
        _fail("no exercise key found: pass --key DIR (a folder with NN_name.py exercise files)")
    if not found.is_dir():
        _fail(f"--key {found} is not a folder")
    return found


@app.command()
def grade(
    submissions: Path = typer.Argument(..., help="A folder of .ipynb files, a zip as an LMS exports it, or one notebook."),
    chapter: int = typer.Option(..., "--chapter", "-c", help="Chapter number (its exercises are graded)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: gradebook.csv, feedback/, manual.csv, lms/, logs/."),
    roster: Optional[Path] = typer.Option(None, "--roster", help="Class list (CSV with an id and a name column, e.g. the "
                                          "LMS's gradebook export): names the students and lists who did not submit."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, show_default="number of cores", help="Submissions graded at once."),
    key: Optional[Path] = typer.Option(None, "--key", show_default="exercises/", help="Folder with the exercise definitions (the key)."),
    cell_timeout: float = typer.Option(_LIMITS.cell_timeout, "--cell-timeout", min=0.5, help="Seconds one cell may run before it is interrupted."),
    call_timeout: float = typer.Option(_LIMITS.call_timeout, "--call-timeout", min=0.1, help="Seconds one call of a student's function on a hidden input may take."),
    function_timeout: float = typer.Option(_LIMITS.function_timeout, "--function-timeout", min=0.5, help="Seconds all the calls of one function answer may take together."),
    run_timeout: float = typer.Option(_LIMITS.run_timeout, "--run-timeout", min=5.0, help="Seconds one submission may take in all."),
    memory: int = typer.Option(_LIMITS.memory_mb, "--memory", min=256, help="Memory cap of a student's kernel, in MB (address space)."),
    max_output: float = typer.Option(_LIMITS.max_output_mb, "--max-output", min=0.1, help="MB of output a cell may print before it is stopped."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Grade every notebook in SUBMISSIONS against a chapter's exercises, each in its own sandbox.

    Marks of written answers already in OUT are kept (the earlier files are copied to OUT/previous/).
    """
    from clusterkit.grading import sandbox
    from clusterkit.grading.grader import grade as run_grade
    from clusterkit.grading.lms import RosterError
    from clusterkit.grading.marks import MarksError
    from clusterkit.grading.spec import SpecError
    from clusterkit.grading.submissions import SubmissionsError

    key_dir = _key(key)
    if roster is not None and not roster.is_file():
        _fail(f"no roster file at {roster}")
    limits = sandbox.Limits(cell_timeout=cell_timeout, run_timeout=run_timeout, call_timeout=call_timeout,
                            function_timeout=function_timeout, memory_mb=memory, max_output_mb=max_output)
    try:
        report = run_grade(submissions, chapter, out, jobs=jobs, key_dir=key_dir, limits=limits, progress=not quiet,
                           log=lambda m: typer.echo(m, err=True), roster=roster)
    except (SpecError, SubmissionsError, MarksError, RosterError) as exc:
        _fail(str(exc))
        return
    graded = [r for r in report.rows if r.exercises]
    attention = [r for r in graded if not r.status.startswith("ok")]
    manual = sum(1 for r in graded for g in r.exercises if g.pending)
    lines = [
        f"Graded {report.submissions} submission(s) in {report.seconds:.1f} s "
        f"({report.seconds / max(report.submissions, 1):.2f} s per submission on average).",
        f"  gradebook: {out / 'gradebook.csv'}", f"  feedback:  {out / 'feedback'}/", f"  logs:      {out / 'logs'}/",
    ]
    for name, path in report.exports.items():
        lines.append(f"  {name + ':':<10} {path} (import it into {name.title()} as it is)")
    if report.kept_marks or report.orphan_marks:
        lines.append(f"  kept {report.kept_marks} mark(s) of written answers from the earlier run (its files: {report.previous}/)")
    waiting = sum(1 for r in graded for g in r.exercises if g.previous is not None)
    if waiting:
        lines.append(f"  {waiting} of them wait in manual.csv for you to check and `clusterkit merge {out}` "
                     "(typed but not merged, or given to an answer that has changed since)")
    if report.changed_answers:
        lines.append(f"  {len(report.changed_answers)} marked answer(s) changed since they were marked (see the note column of "
                     f"manual.csv): {', '.join(report.changed_answers[:5])}" + (" …" if len(report.changed_answers) > 5 else ""))
    if report.orphan_marks:
        lines.append(f"  {report.orphan_marks} earlier mark(s) belong to submissions not in this run: kept in {report.previous}/")
    if manual:
        lines.append(f"  {manual} written answer(s) to grade by hand: {out / 'manual.csv'} "
                     f"(blank in the gradebook until you run `clusterkit merge {out}`)")
    if report.absent:
        names = ", ".join(r.who for r in report.absent[:8]) + (" …" if len(report.absent) > 8 else "")
        lines.append(f"  {len(report.absent)} student(s) on the roster with no submission: {names}")
    if report.unknown:
        names = ", ".join(r.student for r in report.unknown[:8]) + (" …" if len(report.unknown) > 8 else "")
        lines.append(f"  {len(report.unknown)} submission(s) from students not on the roster: {names}")
    if report.several:
        lines.append(f"  {len(report.several)} student(s) sent more than one notebook (the import files take the best): "
                     + ", ".join(report.several[:5]))
    if attention:
        lines.append(f"  {len(attention)} row(s) with a status other than ok: see the status column and the logs.")
    typer.echo("\n".join(lines))
    raise typer.Exit(0 if report.complete else 1)


@app.command()
def merge(
    out: Path = typer.Argument(..., help="The output folder of `clusterkit grade` (gradebook.csv, results.json)."),
    marks: Optional[Path] = typer.Option(None, "--marks", show_default="OUT/manual.csv", help="The marks file (manual.csv with its points filled in)."),
) -> None:
    """Merge the marks of written answers (the points column of manual.csv) into the gradebook and feedback."""
    from clusterkit.grading.marks import RESULTS, MarksError, merge_marks

    if not (out / RESULTS).is_file():
        _fail(f"{out} has no {RESULTS}: pass the --out folder of `clusterkit grade`")
    if marks is not None and not marks.is_file():
        _fail(f"no marks file at {marks}")
    if marks is None and not (out / "manual.csv").is_file():
        _fail(f"no marks file at {out / 'manual.csv'}")
    try:
        done, waiting = merge_marks(out, marks)
    except MarksError as exc:
        _fail(f"nothing merged: {exc}")
        return
    typer.echo(f"Merged {done} mark(s) into {out / 'gradebook.csv'} and {out / 'feedback'}/; {waiting} written answer(s) still blank.")


@exercises_app.command("build")
def exercises_build(key: Optional[Path] = typer.Option(None, "--key", help="Folder with the exercise definitions [default: exercises/].")) -> None:
    """Regenerate the public specs (clusterkit/grading/public/NN.json) from the exercise definitions."""
    from clusterkit.grading.authoring import build
    from clusterkit.grading.spec import SpecError

    try:
        for path in build(_key(key)):
            typer.echo(f"wrote {path}")
    except (SpecError, ValueError) as exc:
        _fail(str(exc))


@exercises_app.command("check")
def exercises_check(
    key: Optional[Path] = typer.Option(None, "--key", help="Folder with the exercise definitions [default: exercises/]."),
    notebooks: Optional[Path] = typer.Option(None, "--notebooks", help="Also check that the chapter notebooks in this folder have every answer cell and check() call."),
) -> None:
    """Check that every reference answer passes its own public and hidden checks."""
    from clusterkit.grading.authoring import notebook_problems, public_json, verify
    from clusterkit.grading.spec import SpecError, chapter_files, load_chapter, public_path

    problems: list[str] = []
    key_dir = _key(key)
    for number, path in chapter_files(key_dir).items():
        try:
            chapter = load_chapter(path)
        except SpecError as exc:
            problems.append(str(exc))
            continue
        found = verify(chapter)
        pub = public_path(number)
        if not pub.is_file() or pub.read_text(encoding="utf-8") != public_json(chapter):
            found.append(f"{pub.name} is missing or out of date: run `clusterkit exercises build`")
        if notebooks is not None and chapter.notebook:
            found += notebook_problems(chapter, notebooks / Path(chapter.notebook).name)
        typer.echo(f"chapter {number} ({path.name}): {len(chapter.exercises)} exercises, " + ("ok" if not found else f"{len(found)} problem(s)"))
        problems += found
    for p in problems:
        typer.echo(f"  - {p}", err=True)
    raise typer.Exit(1 if problems else 0)


@app.command()
def bench() -> None:
    """Print the course's speed and size figures (build, pages, explorers, grading, student environment)."""
    try:
        from clusterkit import bench as bench_module
    except ImportError:
        _fail("clusterkit.bench is not available in this version")
        return
    bench_module.main()


def main() -> None:
    """Entry point of the ``clusterkit`` command."""
    app(prog_name="clusterkit")


if __name__ == "__main__":
    main()

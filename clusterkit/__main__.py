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

app = typer.Typer(
    name="clusterkit",
    help="Cluster Pathways: grade submissions, maintain exercises, measure the course.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
exercises_app = typer.Typer(help="Maintain the exercise definitions (exercises/) and their public specs.", no_args_is_help=True)
app.add_typer(exercises_app, name="exercises")


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
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: gradebook.csv, feedback/, manual.csv, logs/."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Submissions graded at once [default: number of cores]."),
    key: Optional[Path] = typer.Option(None, "--key", help="Folder with the exercise definitions (the key) [default: exercises/]."),
    cell_timeout: float = typer.Option(60.0, "--cell-timeout", min=0.5, help="Seconds one cell may run before it is interrupted."),
    run_timeout: float = typer.Option(600.0, "--run-timeout", min=5.0, help="Seconds one submission may take in all."),
    memory: int = typer.Option(2048, "--memory", min=256, help="Memory cap of a student's kernel, in MB (address space)."),
    max_output: float = typer.Option(20.0, "--max-output", min=0.1, help="MB of output a cell may print before it is stopped."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Grade every notebook in SUBMISSIONS against a chapter's exercises, each in its own sandbox."""
    from clusterkit.grading import sandbox
    from clusterkit.grading.grader import grade as run_grade
    from clusterkit.grading.spec import SpecError
    from clusterkit.grading.submissions import SubmissionsError

    key_dir = _key(key)
    limits = sandbox.Limits(cell_timeout=cell_timeout, run_timeout=run_timeout, memory_mb=memory, max_output_mb=max_output)
    try:
        report = run_grade(submissions, chapter, out, jobs=jobs, key_dir=key_dir, limits=limits, progress=not quiet,
                           log=lambda m: typer.echo(m, err=True))
    except (SpecError, SubmissionsError) as exc:
        _fail(str(exc))
        return
    if report.submissions == 0:
        _fail(f"no notebooks (.ipynb) found in {submissions}")
    attention = [r for r in report.rows if not r.status.startswith("ok")]
    manual = sum(len(r.manual) for r in report.rows)
    typer.echo(
        f"Graded {report.submissions} submission(s) in {report.seconds:.1f} s "
        f"({report.seconds / max(report.submissions, 1):.2f} s each).\n"
        f"  gradebook: {out / 'gradebook.csv'}\n  feedback:  {out / 'feedback'}/\n  logs:      {out / 'logs'}/"
    )
    if manual:
        typer.echo(f"  {manual} written answer(s) to grade by hand: {out / 'manual.csv'} "
                   f"(blank in the gradebook until you run `clusterkit merge {out}`)")
    if attention:
        typer.echo(f"  {len(attention)} row(s) with a status other than ok: see the status column and the logs.")
    raise typer.Exit(0 if report.complete else 1)


@app.command()
def merge(
    out: Path = typer.Argument(..., help="The output folder of `clusterkit grade` (gradebook.csv, results.json)."),
    marks: Optional[Path] = typer.Option(None, "--marks", help="The marks file [default: OUT/manual.csv, its points filled in]."),
) -> None:
    """Merge the marks of written answers (the points column of manual.csv) into the gradebook and feedback."""
    from clusterkit.grading.feedback import RESULTS, MarksError, merge_marks

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

"""Graded exercises: teaching checks for students, a sandboxed grader for instructors.

Student side (light; reads only the public spec shipped in ``public/NN.json``):
    ``student``   ``check(id, value)``, ``check_all()``
    ``checks``    public checks, evaluated on plain data (also by the grader)
    ``plain``     answers as plain data; ``compare`` tolerant comparisons

Instructor side:
    ``spec``      the exercise format (``exercises/NN_name.py``); ``authoring`` build/check
    ``grader``    many submissions in parallel → gradebook, feedback, logs
    ``runner``    the worker: one submission in a sandboxed kernel (``sandbox``, ``_jail``)
    ``feedback``  gradebook, status text, feedback files, manual.csv
    ``marks``     results.json, ``merge_marks`` (``clusterkit merge``), marks kept across re-grades
    ``lms``       the roster (``--roster``) and the import files of Canvas, Moodle and Blackboard
    ``submissions``, ``bench``

Nothing is imported here: ``from clusterkit import check`` loads only the student side.
"""

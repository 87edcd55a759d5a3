"""Graded exercises: the student's ``check()`` and the instructor's grader."""

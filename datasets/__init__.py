"""The course's datasets (CSV) and their datasheets (YAML), shipped inside clusterkit.

Load them with ``clusterkit.data.load(name)``; see ``datasets/README.md`` for the rules.
"""

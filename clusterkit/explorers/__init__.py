"""The explorer of each chapter: ``clusterkit.explorers.chNN.explorer()`` returns an
:class:`clusterkit.explore.Explorer` declared over that chapter's model."""

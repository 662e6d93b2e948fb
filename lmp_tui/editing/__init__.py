"""The interface's state as plain objects: a report being edited (the draft of unsaved changes,
the three-way merge after someone else saved, the editor that holds the draft's state for its
screen) and the report list (its query, the page it shows, a report still to open: the list
that holds them for its screen, what it reads, Export Reports)."""

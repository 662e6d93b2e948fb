"""A report being edited: the draft of unsaved changes, the three-way merge after someone
else saved, and the editor that holds the draft's state for the screen."""

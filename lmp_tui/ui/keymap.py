"""Every action of the interface: its key, its short footer label, and its palette name
(as the vendor's documentation names it). Pure data: the screens build their Textual
bindings from it, the palette lists it, the help screen prints it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    id: str
    keys: str  # Textual key names, comma-separated
    action: str  # the screen or app action it runs
    footer: str  # short label shown in the key bar
    title: str  # the name in the command palette and the help screen
    help: str
    show: bool = True
    #: run as soon as the key arrives, before the focused widget sees it (the screen's
    #: check_action decides), so that keys typed right after it reach what it opens
    priority: bool = False


APP = (
    Command("help", "f1,question_mark", "help", "Help", "Help", "List every key"),
    Command("quit", "ctrl+q", "quit_app", "Quit", "Quit", "Leave lmp-tui (asks first if changes are unsaved)"),
    Command(
        "palette", "ctrl+p", "command_palette", "Palette", "Command Palette", "Find any action by name", priority=True
    ),
)

REPORT_LIST = (
    Command(
        "open", "enter", "open_report", "Open", "Open Report", "Open the highlighted billing report", priority=True
    ),
    Command(
        "find",
        "slash",
        "find_partner",
        "Find",
        "Find Partner",
        "Type part of a partner's name: the names that contain it, anywhere (accents and case do not matter)",
        priority=True,
    ),
    Command(
        "leave_find",
        "escape",
        "leave_find",
        "List",
        "Back to the List",
        "Leave the find box for the list (the text found stays)",
    ),
    Command(
        "cycle",
        "y",
        "pick_cycle",
        "Cycle",
        "Filter by Report Cycle",
        "Choose the year and month, or all",
        priority=True,
    ),
    Command("status", "t", "pick_status", "Status", "Filter by Status", "Choose a status, or all", priority=True),
    Command("sort", "o", "sort", "Sort", "Sort Reports", "Sort the list by a column", priority=True),
    Command(
        "next_page", "right_square_bracket,pagedown", "next_page", "Next pg", "Next Page", "The next page of reports"
    ),
    Command(
        "prev_page",
        "left_square_bracket,pageup",
        "prev_page",
        "Prev pg",
        "Previous Page",
        "The previous page of reports",
    ),
    Command("export", "x", "export", "Export", "Export Reports", "Write the reports of this query to a CSV file"),
    Command("refresh", "f5", "refresh", "Refresh", "Refresh", "Read the list again from the database"),
)

BILLING_REPORT = (
    Command("back", "escape", "back", "Back", "Back", "Return to the report list (asks if changes are unsaved)"),
    Command("save", "ctrl+s", "save_draft", "Save", "Save Draft", "Keep every change; the status stays"),
    Command(
        "submit",
        "s",
        "submit",
        "Submit",
        "Submit to Trend Micro",
        "Send the report to Trend Micro, with optional comments",
        priority=True,
    ),
    Command(
        "reject", "r", "reject", "Reject", "Reject", "Return the report to the partner; reasons required", priority=True
    ),
    Command("po", "p", "edit_po", "PO", "Edit PO Number", "Set the partner's purchase order number", priority=True),
    Command(
        "code",
        "c",
        "specify_code",
        "Code",
        "Specify Promotional Code",
        "Bid Desk Number or Promote Code for the highlighted line: the codes that pass every check are "
        "listed (type to filter), or type one",
        priority=True,
    ),
    Command(
        "edit",
        "e",
        "edit_value",
        "Edit",
        "Edit Price or Margin",
        "Edit the unit price or channel margin the line's code opened (Enter too)",
        priority=True,
    ),
    Command(
        "remove",
        "d",
        "remove_code",
        "Remove",
        "Remove Promotional Code",
        "Remove the highlighted line's code: its unit price and margin come back from the price list",
        priority=True,
    ),
    Command(
        "comment",
        "v",
        "show_comment",
        "Comment",
        "Show Partner Comment",
        "Read the highlighted line's partner comment in full",
    ),
    Command(
        "reset",
        "z",
        "reset_pricing",
        "Reset",
        "Reset Unit Prices and Channel Margins",
        "Clear every code and restore the price list",
        priority=True,
    ),
    Command(
        "next",
        "n",
        "next_discrepancy",
        "Next!",
        "Next Discrepancy or Comment",
        "Jump to the next line with a discrepancy or a partner comment",
    ),
    Command("history", "h", "toggle_history", "History", "Show History", "Switch between the lines and the history"),
    Command(
        "reload",
        "ctrl+l",
        "reload",
        "Reload",
        "Reload Report",
        "Read the report again; your unsaved changes are merged with the others', field by field",
    ),
)

#: Reload after a conflict: the fields both sides changed, decided one by one
MERGE_DIALOG = (
    Command("theirs", "t", "keep_theirs", "Theirs", "Keep Theirs", "Keep the other user's value of this field"),
    Command("mine", "m", "keep_mine", "Mine", "Keep Mine", "Keep your value of this field"),
    Command(
        "apply",
        "enter",
        "apply",
        "Reload",
        "Reload with These Choices",
        "Reload the report with a choice for every field (nothing is saved yet)",
        priority=True,
    ),
    Command("cancel", "escape", "cancel", "Cancel", "Cancel Reload", "Keep your draft as it was, not reloaded"),
)

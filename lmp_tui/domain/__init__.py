"""The rules of the billing workflow, with no storage or interface in them: statuses, lines
and reports (``model``), money and its one rounding, pricing codes, who may do what
(``policy``), sort orders and the partner search key."""

"""The report list's first page as plain SQL for SQLite (:mod:`lmp_tui.startup.quickread`).

Made by :mod:`lmp_tui.startup.first_page` from the services' own statements; do not
edit: make it again with ``uv run python -m lmp_tui.startup.first_page``."""

from typing import Any

#: the schema revision the statements were made for
SCHEMA = '0007'
#: the query they answer (the list's first query, at its largest page)
FIELDS: dict[str, Any] = {'cycle': None,
 'descending': True,
 'limit': 50,
 'offset': 0,
 'partner_text': None,
 'sort': 'cycle',
 'status': None}
#: each step's SQL, column kinds, parameters, and which parameter takes which value of a start
STEPS: dict[str, dict[str, Any]] = {'counts': {'kinds': ['Status', 'int'],
            'params': [2000000011],
            'places': {0: 'distributor_id'},
            'sql': 'SELECT billing_reports.status, count(*) AS count_1 \n'
                   'FROM billing_reports \n'
                   'WHERE billing_reports.distributor_id = ? GROUP BY billing_reports.status'},
 'cycles': {'kinds': ['str'],
            'params': [2000000011],
            'places': {0: 'distributor_id'},
            'sql': 'SELECT DISTINCT billing_reports.cycle \n'
                   'FROM billing_reports \n'
                   'WHERE billing_reports.distributor_id = ? ORDER BY billing_reports.cycle DESC'},
 'page': {'kinds': ['int', 'str', 'str', 'str', 'str', 'Status', 'ReviewReason', 'bool', 'str',
                    'int', 'int', 'int', 'exact', 'str', 'int'],
          'params': [2000000011, 50, 0],
          'places': {0: 'distributor_id'},
          'sql': 'SELECT billing_reports.id, billing_reports.partner_name, partners.company_id, '
                 'regions.code, billing_reports.cycle, billing_reports.status, '
                 'billing_reports.review_reason, billing_reports.auto_submitted, '
                 'billing_reports.po_number, billing_reports.line_count, '
                 'billing_reports.discrepancy_count, billing_reports.comment_count, '
                 'billing_reports.total, regions.currency, billing_reports.version \n'
                 'FROM billing_reports JOIN (SELECT billing_reports.id AS id \n'
                 'FROM billing_reports \n'
                 'WHERE billing_reports.distributor_id = ? ORDER BY billing_reports.cycle DESC, '
                 'billing_reports.partner_name DESC, billing_reports.id DESC\n'
                 ' LIMIT ? OFFSET ?) AS anon_1 ON anon_1.id = billing_reports.id JOIN partners ON '
                 'partners.id = billing_reports.partner_id JOIN regions ON regions.id = '
                 'partners.region_id ORDER BY billing_reports.cycle DESC, '
                 'billing_reports.partner_name DESC, billing_reports.id DESC'},
 'page_by_status': {'kinds': ['int', 'str', 'str', 'str', 'str', 'Status', 'ReviewReason', 'bool',
                              'str', 'int', 'int', 'int', 'exact', 'str', 'int'],
                    'params': [2000000011, 'under-review', 50, 0],
                    'places': {0: 'distributor_id', 1: 'status'},
                    'sql': 'SELECT billing_reports.id, billing_reports.partner_name, '
                           'partners.company_id, regions.code, billing_reports.cycle, '
                           'billing_reports.status, billing_reports.review_reason, '
                           'billing_reports.auto_submitted, billing_reports.po_number, '
                           'billing_reports.line_count, billing_reports.discrepancy_count, '
                           'billing_reports.comment_count, billing_reports.total, '
                           'regions.currency, billing_reports.version \n'
                           'FROM billing_reports JOIN (SELECT billing_reports.id AS id \n'
                           'FROM billing_reports \n'
                           'WHERE billing_reports.distributor_id = ? AND billing_reports.status = '
                           '? ORDER BY billing_reports.cycle DESC, billing_reports.partner_name '
                           'DESC, billing_reports.id DESC\n'
                           ' LIMIT ? OFFSET ?) AS anon_1 ON anon_1.id = billing_reports.id JOIN '
                           'partners ON partners.id = billing_reports.partner_id JOIN regions ON '
                           'regions.id = partners.region_id ORDER BY billing_reports.cycle DESC, '
                           'billing_reports.partner_name DESC, billing_reports.id DESC'},
 'user': {'kinds': ['str', 'Role', 'str', 'bool', 'int'],
          'params': ['\x00user\x00'],
          'places': {0: 'user'},
          'sql': 'SELECT staff_users.name, staff_users.role, distributors.name AS name_1, '
                 'staff_users.enabled, staff_users.distributor_id \n'
                 'FROM staff_users JOIN distributors ON distributors.id = '
                 'staff_users.distributor_id \n'
                 'WHERE staff_users.name = ?'}}

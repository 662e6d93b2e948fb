"""Opening the database and signing in for the interface: the same steps for the app's
first worker and for the first page read beside the interface's start
(:mod:`lmp_tui.startup.prefetch`). Imports the database stack when called, not when imported."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from lmp_tui.places import database_url, staff_user

if TYPE_CHECKING:
    from lmp_tui.domain.views import StaffUserView
    from lmp_tui.services import BillingService
    from lmp_tui.storage.db import Database


def open_service(
    url: str | None,
    user: str | None,
    demo: bool,
    announce: Callable[[str], None] | None = None,
    *,
    make_demo: bool = True,
) -> tuple[BillingService, StaffUserView, Database]:
    """The service of the signed-in user, its view, and the database to dispose of. The
    demo database is made when missing only with ``make_demo`` (one process makes it)."""
    from lmp_tui.services import BillingService
    from lmp_tui.settings import Settings
    from lmp_tui.storage.db import Database

    settings = Settings.load()
    target = database_url(url, demo, settings.database_url, settings.data_dir)
    db = Database.open(target, create=demo and make_demo, busy_timeout_s=settings.busy_timeout_s)
    try:
        if demo and make_demo:
            from lmp_tui.demo import ensure

            ensure(db, announce)
        service = BillingService(db, staff_user(user, demo, settings.user), ssh_key=settings.ssh_key)
        return service, service.whoami(), db
    except BaseException:
        db.dispose()
        raise

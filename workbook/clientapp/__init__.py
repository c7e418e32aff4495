"""The client app: a few pages for one client, served by Voilà, showing only what is theirs.

``workbook app CLIENT --audience client`` writes the pages (from ``notebooks/client/``) into a
folder of that client's own and serves that folder alone. The pages work from
:func:`workbook.audience.client_view`, never from the whole case. Modules: ``pages`` (what each
page shows), ``checkin`` (the client's own check-in), ``serve`` (the folder and the command)
and ``server`` (Voilà, opening on the landing page).
"""

# On a hub, where each person's server opens a client's app (``workbook.hub.clientapps``,
# linked from start-here): ``/user/NAME/workbook/client-app/CLIENT``.
HUB_ROUTE = "workbook/client-app"

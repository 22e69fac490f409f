"""Web pages of the crisis front door (urls.py names them from here). The public forms (offer,
volunteer) work without JavaScript and without an account; every write goes through the services.

- ``incidents``: the overview, incidents and their evaluation page
- ``needs``: the list of needs and a need's pages
- ``public``: the offer form, the offerer's status page, "my offers", volunteer sign-up
- ``staff``: the authority's inbox (bulk actions), an offer's triage page, the capacity frames
- ``files``: downloads (evaluation PDF/XLSX, exports of needs and offers)
- ``common``: the create-page pattern and the authority check
"""

from .files import evaluation_download, need_export, offer_export
from .incidents import evaluation, home, incident_create, incident_detail, incident_status
from .needs import need_create, need_detail, need_list, need_status, volunteer_contact
from .public import (
    my_offers,
    my_offers_list,
    offer_create,
    offer_status,
    volunteer_register,
    volunteer_status,
)
from .staff import frames, frames_chart, inbox, inbox_bulk, offer_action, offer_detail

__all__ = [
    "evaluation",
    "evaluation_download",
    "frames",
    "frames_chart",
    "home",
    "inbox",
    "inbox_bulk",
    "incident_create",
    "incident_detail",
    "incident_status",
    "my_offers",
    "my_offers_list",
    "need_create",
    "need_detail",
    "need_export",
    "need_list",
    "need_status",
    "offer_action",
    "offer_create",
    "offer_detail",
    "offer_export",
    "offer_status",
    "volunteer_contact",
    "volunteer_register",
    "volunteer_status",
]

"""Procurement screens: `pages` (lists, one procurement's page, notices, PDFs, receipts) and
`actions` (one URL per action on a procurement)."""

from opengps.procurement.views import actions as actions
from opengps.procurement.views.pages import (
    create as create,
)
from opengps.procurement.views.pages import (
    create_from_plan as create_from_plan,
)
from opengps.procurement.views.pages import (
    detail as detail,
)
from opengps.procurement.views.pages import (
    index as index,
)
from opengps.procurement.views.pages import (
    notice as notice,
)
from opengps.procurement.views.pages import (
    notice_pdf as notice_pdf,
)
from opengps.procurement.views.pages import (
    notifications as notifications,
)
from opengps.procurement.views.pages import (
    opening_pdf as opening_pdf,
)
from opengps.procurement.views.pages import (
    pdf_response as pdf_response,
)
from opengps.procurement.views.pages import (
    receipt as receipt,
)
from opengps.procurement.views.pages import (
    render_detail as render_detail,
)
from opengps.procurement.views.pages import (
    render_with_forms as render_with_forms,
)
from opengps.procurement.views.pages import (
    verify as verify,
)

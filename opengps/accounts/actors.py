"""Who acts: the types services and selectors take as `actor`, and the one way views get one.

- `Actor` — a signed-in user; every write and every private read takes one.
- `SystemOrActor` — a user, or ``None`` for the platform itself (scheduled runs, fixtures, imports
  started from the command line); the audit trail labels such events "system".
- `Viewer` — whoever reads a page that is also public: a signed-in user or an anonymous visitor.
  Selectors that take one decide what an anonymous visitor sees (`permissions.is_authenticated`).

Views of signed-in pages narrow ``request.user`` (``User | AnonymousUser`` to Django) with
`signed_in_user`, rather than services loosening their type to accept anonymous visitors.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from opengps.accounts.errors import Code
from opengps.accounts.models import User
from opengps.core.errors import PermissionDenied

Actor: TypeAlias = User
SystemOrActor: TypeAlias = User | None
Viewer: TypeAlias = User | AnonymousUser
MaybeActor: TypeAlias = User | AnonymousUser | None
"""What the role predicates accept: they answer False (or refuse) for anyone not signed in."""


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, refused with `auth.required` (403) when nobody is signed in.

    Signed-in pages are behind `login_required` (or the API's session check), so this only
    narrows the type; the refusal is the one services give an anonymous caller."""
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        return user
    raise PermissionDenied(Code.AUTH_REQUIRED)

"""The one base class for errors a user can fix: a bad parameter, a missing file, a busy store.

Front ends catch `UserError` only: the CLI prints its message and exits 2, the JSON API answers
400 (or the status the subclass names) with `{"error": message}`. Anything else is a bug: it is
logged with its traceback, the API answers 500 and the CLI exits 1. Messages name the input,
the problem and the fix, in one line.
"""

from __future__ import annotations


class UserError(Exception):
    """An error whose message tells the user what to change; `status` is the HTTP answer for it."""

    status = 400


class Unavailable(UserError):
    """The request was fine but a resource is busy or down (store locked or unreachable): retry later."""

    status = 503

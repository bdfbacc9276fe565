"""Who is using the app, and what they may do: single sign-on with Streamlit's own `st.login`.

Single sign-on is on when the config folder's auth.yaml has an `oidc:` section and Streamlit's
secrets hold the provider (`[auth]`: client id and secret, the provider's metadata URL, the
redirect URI, a cookie secret; SPINSCOPE_APP_SECRETS names the file). Then an anonymous visitor
sees only the sign-in; a signed-in user's role comes from the ID token's claim that auth.yaml
maps (`role_claim`, `roles`): a viewer sees every page, an operator also gets the exports. A
user whose claim maps to no role is refused and recorded as a failed login. Without `oidc:` the
app is as open as before (zero-config on loopback; `serve` refuses to listen elsewhere so).

Operator-only actions are hidden from viewers and refused here, server-side, whatever a page
does: `require("operator")` raises before the bytes of an export are built. Logins, failed logins
and exports go to the audit trail (spinscope.audit).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from spinscope import audit
from spinscope.app import data
from spinscope.auth import GRANTS, OidcConfig

ROLE_KEY = "spinscope_role"
WHO_KEY = "spinscope_user"
AUDITED_KEY = "spinscope_login_audited"


def oidc() -> OidcConfig | None:
    """The role mapping when single sign-on is configured, else None."""
    try:
        mapping = data.current_config().auth.oidc
    except data.DataError:
        return None
    if mapping is None:
        return None
    try:
        configured = "auth" in st.secrets
    except Exception:  # no secrets file at all
        configured = False
    return mapping if configured else None


def _address() -> str:
    try:
        return str(st.context.ip_address or "unknown")
    except Exception:
        return "unknown"


def _record(who: str, action: str, what: str) -> None:
    with contextlib.suppress(data.DataError):  # no store attached: nothing to record into (the page says why)
        audit.record(data.store(), who, action, what, _address())


def gate() -> str:
    """The session's role; shows the sign-in (or the refusal) and stops the script when there is none."""
    mapping = oidc()
    if mapping is None:
        st.session_state[ROLE_KEY] = "operator"
        return "operator"
    if not st.user.is_logged_in:
        st.title("spinscope")
        st.write("Sign in with your organisation's account to see the dashboards.")
        st.button("Log in", on_click=st.login, type="primary", key="sso_login")
        st.stop()
    claims: dict[str, Any] = st.user.to_dict()
    who = str(claims.get("email") or claims.get("sub") or "unknown")
    role = mapping.role_of(claims)
    if not st.session_state.get(AUDITED_KEY):
        st.session_state[AUDITED_KEY] = True
        if role is None:
            _record(
                who, audit.LOGIN_FAILED, f"app: no role for {mapping.role_claim}={claims.get(mapping.role_claim)!r}"
            )
        else:
            _record(who, audit.LOGIN, f"app as {role}")
    if role is None:
        st.error(
            f"{who} is signed in but has no spinscope role: ask an administrator to map your "
            f"`{mapping.role_claim}` to viewer or operator in auth.yaml."
        )
        st.button("Log out", on_click=st.logout, key="sso_logout_refused")
        st.stop()
    st.session_state[ROLE_KEY], st.session_state[WHO_KEY] = role, who
    with st.sidebar:
        st.caption(f"Signed in as **{who}** ({role})")
        st.button("Log out", on_click=st.logout, key="sso_logout")
    return role


def role() -> str:
    """The role `gate()` admitted in this session (none before it ran)."""
    return str(st.session_state.get(ROLE_KEY, ""))


def may(required: str) -> bool:
    return required in GRANTS.get(role(), frozenset())


def require(required: str) -> None:
    """Refuse, server-side, what the session's role does not grant."""
    if not may(required):
        raise data.DataError(f"This needs the {required} role; you are signed in as {role() or 'nobody'}.")


def who() -> str:
    return str(st.session_state.get(WHO_KEY, "anonymous"))


def download(column: Any, label: str, build: Callable[[], bytes], file_name: str, mime: str, key: str) -> None:
    """An operator's download button: the file is built when clicked (never while the page loads), and each
    click is recorded as an export by whom and from where (read now: the click is served outside the script)."""
    require("operator")
    user, address = who(), _address()

    def built() -> bytes:
        with contextlib.suppress(data.DataError):
            audit.record(data.store(), user, audit.EXPORT, f"app: {file_name}", address)
        return build()

    column.download_button(label, built, file_name, mime, key=key, on_click="ignore")

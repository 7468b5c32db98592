"""A page's options as they arrive in a link (the URL's query parameters).

Streamlit fills a widget bound to the URL (bind="query-params") from the link and silently drops
a value it cannot use; a student opening a mistyped link would not know why the view differs
from the instructor's. `explain_unusable` says so, before the widget drops the value. Options the
page keeps in the URL itself (values that depend on J, such as the chain rule's node) are read
with `requested`.
"""

import math
from collections.abc import Callable, Collection

import streamlit as st

from ui.messages import show_problem


def _message(label: str, value: str) -> str:
    shown = value if len(value) <= 40 else value[:39] + "…"
    return f"The link's '{label}' = '{shown}' cannot be used here, so it is ignored."


def unusable_in_link(
    key: str, label: str, usable: Collection[str] | Callable[[str], bool]
) -> list[str]:
    """Before the widget bound to `key` is drawn for the first time in this session: a sentence
    for each of the link's values for it that is not `usable` (a collection of the strings the
    widget accepts: its options as shown, or a test). Later runs: none, the widget's own state
    rules."""
    if key in st.session_state:
        return []
    accepts = usable if callable(usable) else lambda value: value in usable
    return [_message(label, value) for value in st.query_params.get_all(key) if not accepts(value)]


def explain_unusable(key: str, label: str, usable: Collection[str] | Callable[[str], bool]):
    """Show `unusable_in_link`'s sentences where the page is drawing."""
    for sentence in unusable_in_link(key, label, usable):
        show_problem(sentence)


def is_finite_number(text: str) -> bool:
    """Whether a number box can take `text` as a value: a finite float."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def is_boolean(text: str) -> bool:
    """Whether a toggle can take `text` as a value (Streamlit reads true/false in any case)."""
    return text.lower() in ("true", "false")


def requested(key: str, label: str, options: Collection[str]) -> str | None:
    """The link's value for `key` on the session's first run of the widget keyed `key`, if it is
    one of `options`; None otherwise (with a message when the link's value is not usable)."""
    if key in st.session_state:
        return None
    value = st.query_params.get(key)
    if value is not None and value not in options:
        show_problem(_message(label, value))
        return None
    return value


def keep_in_link(key: str) -> None:
    """on_change for a widget whose value the page keeps in the URL itself: copy it there before
    the rerun, so the share panel (drawn before the page) already links to the new value."""
    st.query_params[key] = st.session_state[key]

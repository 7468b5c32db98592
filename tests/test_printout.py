"""ui.printout: the nudge's lines reach the page as text, never as markup."""

from streamlit.testing.v1 import AppTest


def _page():
    from ui.printout import show_printout

    show_printout(["k = 6.000999999999479", "<b>not bold</b> & <script>x</script>"])


def test_lines_are_escaped_and_kept_in_order():
    at = AppTest.from_function(_page).run()
    body = at.html[0].value
    assert body == (
        '<pre class="printout">k = 6.000999999999479\n'
        "&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;</pre>"
    )

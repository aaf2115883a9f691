from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..search import MARK_END, MARK_START

register = template.Library()


@register.filter
def marked(headline: str) -> SafeString:
    """A search headline, escaped, with its matches in <mark>.

    The headline marks each match with two private-use characters; the text between and
    around them goes through format_html, which escapes it, so the only tags on the page
    are our own <mark>s."""
    before, *matches = (headline or "").split(MARK_START)
    pieces = [("{}", before)]
    for match in matches:
        marked_text, _, after = match.partition(MARK_END)
        pieces += [("<mark>{}</mark>", marked_text), ("{}", after)]
    return format_html_join(
        "", "{}", ((format_html(form, text.replace(MARK_END, "")),) for form, text in pieces)
    )

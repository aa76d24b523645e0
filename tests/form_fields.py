"""What a browser would send back from a form of a page, so that a test can load a page as a person does,
change a field and post the form with everything else as the page gave it."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    """The successful controls of the form whose action ends with `action` (None: the form without one, which
    posts to its page's address): inputs (a checkbox or radio only
    when checked; no buttons), selected options and text areas, each name with its values in page order."""

    def __init__(self, action: str | None):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.found = False
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            given = attributes.get("action") or None
            self.inside = (
                given == self.action if self.action is None or given is None else given.endswith(self.action)
            )
            self.found = self.found or self.inside
            return
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.values.setdefault(name, []).append(
                attributes.get("value") or ("on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.values.setdefault(self._select, []).append(attributes.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self.inside and self._textarea:
            values = self.values[self._textarea]
            # A text area's first line break belongs to the markup, not to the text.
            values[-1] += data.removeprefix("\n") if not values[-1] else data


def form_fields(response, action: str | None = None) -> dict[str, list[str]]:
    """The fields of the form posting to an address ending with `action` (None: the form without an action)
    on `response`'s page, as a browser sends them (a dict of lists: pass it to the test client's `post` as it is)."""
    parser = _FormFields(action)
    parser.feed(response.content.decode())
    assert parser.found, f"no form posting to …{action}"
    return parser.values


def saved_in_two_tabs(first, second, url: str, *, field: str, texts: tuple[str, str], action=None):
    """Loads the form of `url` in two tabs (`first` and `second`, clients of two people or of one), then
    saves `texts[0]` into `field` from the first and `texts[1]` from the second, each with the rest of its
    form as loaded. Returns both answers."""
    pages = first.get(url), second.get(url)
    answers = []
    for client, page, text in zip((first, second), pages, texts, strict=True):
        assert page.status_code == 200, page.status_code
        data = form_fields(page, action)
        data[field] = [text]
        answers.append(client.post(action or url, data))
    return answers

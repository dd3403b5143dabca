"""A small DOM of an HTML page (the audit report as written, or as headless Chromium dumps it), and the figures
it shows, read back the way a person reads them: from the text of the table cells."""

from html.parser import HTMLParser

VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []  # Elements and text strings, in order

    def text(self):
        return ''.join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        wanted = dict((name.rstrip('_').replace('_', '-'), value) for name, value in attrs.items())
        return [element for element in self.iter() if (tag is None or element.tag == tag)
                and all(element.attrs.get(name) == value or (value is True and name in element.attrs)
                        for name, value in wanted.items())]

    def by_id(self, ident):
        found = self.find_all(id=ident)
        assert len(found) == 1, 'id %r: %d elements' % (ident, len(found))
        return found[0]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element('#document', {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page):
    builder = _Builder()
    builder.feed(page)
    builder.close()
    return builder.root


def number(text):
    return int(text.strip().replace(',', ''))


def figures(dom):
    """What the page shows, from the text of its cells: the same shape as the JSON report's figures."""
    table = dom.by_id('by-license-status')
    both = {}
    for row in table.find_all('tr', data_license=True):
        cells = dict((cell.attrs['data-status'], number(cell.text())) for cell in row.find_all('td'))
        assert cells.pop('') == sum(cells.values())  # the row total adds up
        both[row.attrs['data-license']] = dict((status, count) for status, count in cells.items() if count)
    reclaim_users = dict((row.attrs['data-login'], row.find_all('td')[5].text())
                         for row in dom.find_all('tr', class_='reclaim-user'))
    groups = dict((row.find_all('td', class_='group-name')[0].text(), number(row.find_all('td')[2].text()))
                  for row in dom.by_id('largest-groups').find_all('tr', data_group=True))
    trend = {}
    for row in dom.by_id('trend-table').find_all('tr', data_date=True):
        trend[row.attrs['data-date']] = dict((cell.attrs['data-license'], number(cell.text()))
                                             for cell in row.find_all('td', data_license=True))
    ungrouped = dom.find_all(id='ungrouped-logins')
    return dict(
        count=number(dom.by_id('count').text()),
        by_license_and_status=both,
        reclaim=number(dom.by_id('reclaim').find_all('span', class_='big')[0].text()),
        reclaim_users=reclaim_users,
        without_groups=number(dom.by_id('without-groups').text()),
        ungrouped=[code.text() for code in ungrouped[0].find_all('code')] if ungrouped else [],
        groups=groups,
        trend=trend,
    )

"""News-feed dumps: several articles in one file, each with a CDATA title, a URL and a date line.

The layout is that of the seed feed (`../shared/seeds/003_…txt`, a dump of the
wallstreetcn.com RSS feed): `<![CDATA[ title ]]> URL first paragraph …`, the
article body, `]]>`, then a line with the source name and an RFC 822 date.
"""

from __future__ import annotations

import re
from datetime import date
from email.utils import parsedate_to_datetime

from calls.ingest.text import detect_language, normalise_text
from calls.model import Document, SourceInfo

_ARTICLE = re.compile(
    r"<!\[CDATA\[(?P<title>[^\]]{0,500})\]\]>[ \t]*(?P<url>https?://\S{1,300})?[ \t]*(?P<body>.*?)\]\]>[ \t]*\n?(?P<dateline>[^\n]{0,200})",
    re.DOTALL,
)
_DATE_IN_LINE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s+\d{1,2}\s+\w{3}\s+\d{4}[^\n]*")


def looks_like_feed(text: str) -> bool:
    """A feed dump holds at least two CDATA-wrapped titles."""
    return text.count("<![CDATA[") >= 2


def published_date(dateline: str) -> date | None:
    """The date of an RFC 822 date line such as `华尔街见闻 Thu, 29 Jan 2026 14:51:24 +0800`."""
    match = _DATE_IN_LINE.search(dateline)
    if not match:
        return None
    try:
        return parsedate_to_datetime(match.group(0)).date()
    except (TypeError, ValueError):
        return None


def read_feed(text: str, path: str, encoding: str | None) -> list[Document]:
    """Split a decoded feed dump into one Document per article."""
    documents = []
    for number, match in enumerate(_ARTICLE.finditer(text), start=1):
        body = normalise_text(match.group("body"))
        if not body:
            continue
        dateline = match.group("dateline").strip()
        published = published_date(dateline)
        source = SourceInfo(
            path=path,
            kind="feed",
            encoding=encoding,
            url=match.group("url"),
            title=match.group("title").strip(),
            published=published.isoformat() if published else (dateline or None),
            article=number,
        )
        documents.append(Document(text=body, source=source, language=detect_language(body)))
    return documents

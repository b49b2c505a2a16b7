"""Every message a writer can meet, each with a file before and after the fix.

The author's guide page "When something goes wrong" is generated from
:data:`EXAMPLES` (and the warning subtypes), and ``tests/test_messages.py``
writes each ``before`` into a small knowledge base (:data:`PEOPLE`,
:data:`EVENTS`, an index listing ``essays/*``), runs ``sphinx-reflections
check`` and requires exactly the lines in ``shows``; with ``after`` instead,
``check`` must find nothing in that file. So the page cannot drift from what
the extension says.
"""

from __future__ import annotations

import dataclasses as dc


@dc.dataclass(frozen=True)
class Example:
    """One mistake: what ``check`` prints, the file as written, the file as fixed."""

    subtype: str  # the warning's subtype (``reflections.<subtype>``)
    title: str  # what went wrong, as a writer would say it
    file: str  # the file the writer edits, relative to the source folder
    before: str
    after: str
    shows: tuple[str, ...]  # what check prints after ``file:``: ``LINE[:COL]: subtype: message``
    why: str = ""  # a sentence or two on the cause, when the message alone is not enough
    conf: str = ""  # conf.py lines a site needs for this message (tested on a site of its own)


#: The people of the example knowledge base (``people.yml``).
PEOPLE = """\
karin:
  name: Karin Åström
  role: Marknadsdirektör
  handle: KarinÅström
jenny:
  name: Jenny Exempel
  handle: JennyExempel
bjorn:
  name: Björn Exempel
  handle: BjörnExempel
"""

#: Its tag registry (``tags.yml``), used where an example's ``conf`` asks for it.
TAGS = """\
kontaktdagen2024:
  name: Kontaktdagen2024
  description: The yearly fair of the Swedish contact-centre trade.
kundresa:
  name: Kundresa
  aliases: [customer journey]
"""

#: Its events (``events.yml``).
EVENTS = """\
kontaktdagen-2024:
  name: Kontaktdagen 2024
  start: 2024-05-29
  location: Stockholm
  hashtag: Kontaktdagen2024
"""


def _page(
    block: str, body: str = "# What the fair taught me\n\nIt began in a crowded hall.\n"
) -> str:
    """A reflection: ``---``, the block's lines, ``---``, an empty line, the body."""
    return f"---\n{block}---\n\n{body}"


_GOOD = "reflection:\n  author: karin\n  date: 2024-05-29\n"
_SUMMARY = "  summary: What a day at the fair taught me about listening.\n"

EXAMPLES: tuple[Example, ...] = (
    # -- the information block cannot be read ---------------------------------------------
    Example(
        "front-matter",
        "A Tab at the start of a line",
        "essays/tab.md",
        _page("reflection:\n\tauthor: karin\n\tdate: 2024-05-29\n"),
        _page(_GOOD),
        (
            "3:1: front-matter: lines 3 and 4 start with a Tab, which YAML does not accept; "
            "indent with spaces instead (two spaces under 'reflection:', four for the lines "
            "of a long summary)",
        ),
        "Many editors put a Tab when you press the Tab key. Press the space bar twice instead.",
    ),
    Example(
        "front-matter",
        "Hashtags with # in the tags list",
        "essays/hash.md",
        _page(_GOOD + "  tags: [#CX, #Mässa]\n"),
        _page(_GOOD + "  tags: [CX, Mässa]\n"),
        (
            "5:10: front-matter: in 'tags', YAML reads everything after a '#' as a note, so "
            "the list is never closed; write the tags without '#': tags: [CX, Mässa]",
        ),
        "In the information block a # starts a note for whoever reads the file, as on a "
        "line of its own. The tags list becomes hashtags without it.",
    ),
    Example(
        "front-matter",
        "A colon inside a value",
        "essays/colon.md",
        _page(_GOOD + "  summary: Lärdom: lyssna mer\n"),
        _page(_GOOD + '  summary: "Lärdom: lyssna mer"\n'),
        (
            "5:18: front-matter: in 'summary', the ':' after 'Lärdom' makes YAML look for "
            'another key; put the whole value in double quotes: summary: "Lärdom: lyssna mer"',
        ),
    ),
    Example(
        "front-matter",
        "Curly quotes around a value",
        "essays/curly.md",
        _page(_GOOD + "  summary: “Lärdom: lyssna mer”\n"),
        _page(_GOOD + '  summary: "Lärdom: lyssna mer"\n'),
        (
            "5:12: front-matter: 'summary' is in curly quotes (“ ”), which YAML reads as "
            "ordinary letters, not as quotes; type straight quotes instead: summary: "
            '"Lärdom: lyssna mer"',
        ),
        'Word processors and phones turn " into “ and ” as you type. Copy the corrected line '
        "from the message, or type the quotes in a plain text editor.",
    ),
    Example(
        "front-matter",
        "The block is never closed",
        "essays/unclosed.md",
        "---\nreflection:\n  author: karin\n  date: 2024-05-29\n\n# What the fair taught me\n\n"
        "It began in a crowded hall.\n",
        _page(_GOOD),
        (
            "4:19: front-matter: the information block that starts on line 1 is never closed; "
            "add a line with three hyphens (---) after line 4",
        ),
    ),
    Example(
        "front-matter",
        "A space before the first ---",
        "essays/space.md",
        " " + _page(_GOOD),
        _page(_GOOD),
        (
            "1:1: front-matter: the information block must start at the very beginning of "
            "the file, but line 1 has a space before ---; remove it",
        ),
    ),
    Example(
        "front-matter",
        "The title above the block",
        "essays/title-first.md",
        "# What the fair taught me\n\n---\n" + _GOOD + "---\n\nIt began in a crowded hall.\n",
        _page(_GOOD),
        (
            "3:1: front-matter: the information block must be the very first thing in the "
            "file, but line 1 ('# What the fair taught me') comes before its ---; move that "
            "line below the block",
        ),
    ),
    Example(
        "front-matter",
        "An @ before the author's id",
        "essays/at.md",
        _page("reflection:\n  author: @karin\n  date: 2024-05-29\n"),
        _page(_GOOD),
        (
            "3:11: front-matter: YAML cannot read a value that starts with '@'; write the "
            "person's id, without '@': author: karin",
        ),
    ),
    Example(
        "front-matter",
        "No space after the colon",
        "essays/nospace.md",
        _page("reflection:\n  author:karin\n  date: 2024-05-29\n"),
        _page(_GOOD),
        ("3:9: front-matter: put a space after the ':' of 'author': author: karin",),
    ),
    Example(
        "front-matter",
        "A line indented differently",
        "essays/indent.md",
        _page("reflection:\n  author: karin\n   date: 2024-05-29\n"),
        _page(_GOOD),
        (
            "4:1: front-matter: 'date' on line 4 is indented by 3 spaces and the keys above "
            "it by 2; indent every key under 'reflection:' by the same number of spaces "
            "(two is usual)",
        ),
    ),
    Example(
        "front-matter",
        "The keys not indented under reflection:",
        "essays/flat.md",
        _page("reflection:\nauthor: karin\ndate: 2024-05-29\n"),
        _page(_GOOD),
        (
            "3:1: front-matter: the lines under 'reflection:' must start with two spaces, but "
            "'author' on line 3 starts at the beginning of its line; put two spaces before "
            "each key of the reflection",
        ),
    ),
    Example(
        "front-matter",
        "reflection: misspelt",
        "essays/reflektion.md",
        _page("reflektion:\n  author: karin\n  date: 2024-05-29\n"),
        _page(_GOOD),
        (
            "2:1: front-matter: 'reflektion:' is not a word the site knows, so this page is "
            "no reflection; write reflection:",
        ),
    ),
    Example(
        "front-matter",
        "A quote that is never closed",
        "essays/quote.md",
        _page(_GOOD + '  summary: "What a day\n'),
        _page(_GOOD + '  summary: "What a day"\n'),
        (
            "5:23: front-matter: the information block cannot be read at line 5: a quote is "
            "opened and never closed; compare it line by line with the example in the "
            "author's guide",
        ),
        "When the site cannot tell what is wrong more exactly, it names the line where "
        "reading stopped; the mistake is on that line or just above it.",
    ),
    # -- a key or a value the site does not understand -------------------------------------
    Example(
        "bad-metadata",
        "A misspelt key",
        "essays/key.md",
        _page(_GOOD + "  categroy: Leadership\n"),
        _page(_GOOD + "  category: Leadership\n"),
        (
            "5: bad-metadata: unknown reflection key 'categroy' (did you mean 'category'?); "
            "accepted keys: author, date, category, tags, event, summary, image, updated, draft, "
            "language, translation, series",
        ),
    ),
    Example(
        "bad-metadata",
        "A hashtag after the start of a value",
        "essays/swallowed.md",
        _page(_GOOD + "  summary: We met at #Kontaktdagen2024 in Stockholm.\n"),
        _page(_GOOD + '  summary: "We met at #Kontaktdagen2024 in Stockholm."\n'),
        (
            "5:22: bad-metadata: in 'summary', YAML reads '#Kontaktdagen2024 in Stockholm.' as a "
            'note, so it is left out; put the value in double quotes: summary: "We met at '
            '#Kontaktdagen2024 in Stockholm."',
        ),
    ),
    Example(
        "bad-metadata",
        "Tags that start with #",
        "essays/tags-hash.md",
        _page(_GOOD + "  tags: #CX, #Mässa\n"),
        _page(_GOOD + "  tags: [CX, Mässa]\n"),
        (
            "5:9: bad-metadata: in 'tags', YAML reads '#CX, #Mässa' as a note, so there are no "
            "tags; write them without '#': tags: [CX, Mässa]",
        ),
    ),
    Example(
        "bad-metadata",
        "No author",
        "essays/no-author.md",
        _page("reflection:\n  date: 2024-05-29\n"),
        _page(_GOOD),
        (
            "2: bad-metadata: a reflection needs an 'author': a person's id from people.yml "
            "(author: bjorn), or a list of ids for a piece by several people",
        ),
    ),
    Example(
        "bad-metadata",
        "No date",
        "essays/no-date.md",
        _page("reflection:\n  author: karin\n"),
        _page(_GOOD),
        (
            "2: bad-metadata: a reflection needs a 'date', written year-month-day (2024-05-29)",
            "2: bad-metadata: this page is not listed as a reflection until it has a valid date",
        ),
        "Lists are ordered by date, so a piece without one is built as an ordinary page "
        "until it has one.",
    ),
    Example(
        "bad-metadata",
        "draft: with a word other than true or false",
        "essays/draft.md",
        _page(_GOOD + "  draft: maybe\n"),
        _page(_GOOD + "  draft: true\n"),
        ("5: bad-metadata: 'draft' must be true or false, not 'maybe'",),
    ),
    # -- people and events ------------------------------------------------------------------
    Example(
        "unknown-author",
        "A typo in the author's id",
        "essays/typo.md",
        _page("reflection:\n  author: karim\n  date: 2024-05-29\n"),
        _page(_GOOD),
        (
            "3: unknown-author: unknown author 'karim': people.yml has no one with this id; "
            "did you mean 'karin' (Karin Åström)?",
        ),
    ),
    Example(
        "unknown-author",
        "A full name instead of the id",
        "essays/full-name.md",
        _page("reflection:\n  author: Jenny Exempel\n  date: 2024-05-29\n"),
        _page("reflection:\n  author: jenny\n  date: 2024-05-29\n"),
        (
            "3: unknown-author: unknown author 'Jenny Exempel': people.yml has no one with "
            "this id; did you mean 'jenny' (Jenny Exempel)?",
        ),
        "Everyone in people.yml has a short id (the word before the colon, karin: or "
        "jenny:); the byline then shows their full name and picture.",
    ),
    Example(
        "unknown-author",
        "A handle in an author card",
        "essays/card.md",
        _page(_GOOD + _SUMMARY, "# What the fair taught me\n\n```{author-card} KarinA\n```\n"),
        _page(_GOOD + _SUMMARY, "# What the fair taught me\n\n```{author-card} karin\n```\n"),
        (
            "10: unknown-author: author-card: unknown person 'KarinA': people.yml has no one "
            "with this id; did you mean 'karin' (Karin Åström)?",
        ),
    ),
    Example(
        "unknown-event",
        "A typo in the event's id",
        "essays/event.md",
        _page(_GOOD + "  event: kontaktdagen-2042\n"),
        _page(_GOOD + "  event: kontaktdagen-2024\n"),
        (
            "5: unknown-event: unknown event 'kontaktdagen-2042': events.yml has no event with "
            "this id; did you mean 'kontaktdagen-2024' (Kontaktdagen 2024)?",
        ),
    ),
    # -- dates ------------------------------------------------------------------------------
    Example(
        "bad-date",
        "A date written the Swedish way",
        "essays/maj.md",
        _page("reflection:\n  author: karin\n  date: 29 maj 2024\n"),
        _page(_GOOD),
        (
            "2: bad-metadata: this page is not listed as a reflection until it has a valid date",
            "4: bad-date: date '29 maj 2024' is not written year-month-day; write 2024-05-29",
        ),
        "The site writes dates out in its own language for readers; in the information "
        "block they are always year-month-day, so that every site and every country reads "
        "them the same.",
    ),
    Example(
        "bad-date",
        "A date written the English way",
        "essays/may.md",
        _page("reflection:\n  author: karin\n  date: May 29, 2024\n"),
        _page(_GOOD),
        (
            "2: bad-metadata: this page is not listed as a reflection until it has a valid date",
            "4: bad-date: date 'May 29, 2024' is not written year-month-day; write 2024-05-29",
        ),
    ),
    Example(
        "bad-date",
        "A date that could be two days",
        "essays/dots.md",
        _page("reflection:\n  author: karin\n  date: 05.06.2024\n"),
        _page("reflection:\n  author: karin\n  date: 2024-06-05\n"),
        (
            "2: bad-metadata: this page is not listed as a reflection until it has a valid date",
            "4: bad-date: date '05.06.2024' is not written year-month-day; write 2024-05-06 "
            "(May 6) or 2024-06-05 (June 5)",
        ),
        "05.06 is the 5th of June in Sweden and May 6th in the United States; only you know "
        "which you meant.",
    ),
    Example(
        "bad-date",
        "A day that does not exist",
        "essays/feb.md",
        _page("reflection:\n  author: karin\n  date: 2024-02-30\n"),
        _page("reflection:\n  author: karin\n  date: 2024-02-29\n"),
        (
            "2: bad-metadata: this page is not listed as a reflection until it has a valid date",
            "4: bad-date: date '2024-02-30' is not a day in the calendar; check the month and "
            "the day",
        ),
    ),
    # -- the page itself ---------------------------------------------------------------------
    Example(
        "no-title",
        "No title",
        "essays/untitled.md",
        _page(_GOOD + _SUMMARY, "It began in a crowded hall.\n"),
        _page(_GOOD + _SUMMARY),
        (
            "7: no-title: this reflection has no title, so lists and feeds have none to show; "
            "add one after the information block, on a line of its own: # Your title",
        ),
    ),
    Example(
        "unsafe-url",
        "A picture from outside the site",
        "essays/image.md",
        _page(_GOOD + "  image: http://example.com/fair.jpg\n"),
        _page(_GOOD + "  image: https://example.com/fair.jpg\n"),
        (
            "5: unsafe-url: image: 'http://example.com/fair.jpg' is not https (use https:// or "
            "a file in the source directory); the image is left out",
        ),
    ),
    Example(
        "placeholder",
        "The example summary of a new piece",
        "essays/example-summary.md",
        _page(_GOOD + "  summary: One or two sentences for listings, feeds and link previews.\n"),
        _page(_GOOD + _SUMMARY),
        (
            "5:3: placeholder: the summary is still the example from 'sphinx-reflections new' "
            "(readers see it in lists and feeds); write one or two sentences of your own that "
            "make someone want to read on",
        ),
    ),
    Example(
        "placeholder",
        "The example text of a new draft",
        "essays/example-text.md",
        _page(
            _GOOD + _SUMMARY + "  draft: true\n",
            "# What the fair taught me\n\nStart writing here.\n",
        ),
        _page(_GOOD + _SUMMARY + "  draft: true\n"),
        (
            "11:1: placeholder: 'Start writing here.' is still the example from "
            "'sphinx-reflections new'; replace it with your text",
        ),
        "A draft is not in any list yet, so the build says nothing; check does, so that "
        "nothing of the example is left when you publish.",
    ),
    # -- hints: what check adds ------------------------------------------------------------
    Example(
        "no-summary",
        "No summary, and a long first paragraph",
        "essays/long.md",
        _page(
            _GOOD,
            "# What the fair taught me\n\nIt began in a crowded hall in Stockholm, with a "
            "coffee in one hand and a badge that kept turning round, and it ended three days "
            "later with a notebook full of things our customers had told us that we had "
            "never once thought to ask them.\n",
        ),
        _page(
            _GOOD + _SUMMARY,
            "# What the fair taught me\n\nIt began in a crowded hall in Stockholm, with a "
            "coffee in one hand and a badge that kept turning round, and it ended three days "
            "later with a notebook full of things our customers had told us that we had "
            "never once thought to ask them.\n",
        ),
        (
            "2: no-summary: this reflection has no summary: lists, feeds and link previews "
            "show your first paragraph cut short ('It began in a crowded hall…'); add one or "
            "two sentences of your own to the information block: summary: Your sentences here. "
            "Or end the opening you want shown with a line <!-- more -->",
        ),
    ),
    Example(
        "near-miss",
        "A hashtag with a genitive s",
        "essays/genitive.md",
        _page(_GOOD, "# What the fair taught me\n\nI loved #Kontaktdagen2024s programme.\n"),
        _page(_GOOD, "# What the fair taught me\n\nI loved #Kontaktdagen2024:s programme.\n"),
        (
            "9:9: near-miss: #Kontaktdagen2024s is a tag of its own, used only here; did you "
            "mean #Kontaktdagen2024? For the genitive, write #Kontaktdagen2024:s",
        ),
        "A hashtag ends at the first character that is not a letter, digit or _, so the "
        "colon keeps the s out of the tag.",
    ),
    Example(
        "near-miss",
        "A mention with a genitive s",
        "essays/mention.md",
        _page(_GOOD, "# What the fair taught me\n\nThanks to @BjörnExempels team.\n"),
        _page(
            _GOOD,
            "# What the fair taught me\n\nThanks to {mention}`@BjörnExempels <bjorn>` team.\n",
        ),
        (
            "9:11: near-miss: @BjörnExempels is no one's handle, so it stays plain text; did "
            "you mean @BjörnExempel (Björn Exempel)? To keep your spelling as the link's text, "
            "write {mention}`@BjörnExempels <bjorn>`",
        ),
    ),
    Example(
        "not-in-toctree",
        "A piece in no table of contents",
        "notes/lost.md",
        _page(_GOOD + _SUMMARY),
        _page(_GOOD + _SUMMARY + "  draft: true\n"),
        (
            "1: not-in-toctree: this piece is in no table of contents, so the site's menu does "
            "not lead to it; add the line notes/lost to the toctree in index.md",
        ),
        "The fix shown here keeps the piece a draft instead; the usual fix is the line the "
        "message names.",
    ),
    # -- people.yml ---------------------------------------------------------------------------
    Example(
        "registry",
        "A person without a name in people.yml",
        "people.yml",
        PEOPLE + "amira:\n  role: CTO\n",
        PEOPLE + "amira:\n  name: Amira Haddad\n  role: CTO\n",
        (
            "11: registry: reflections_authors: person 'amira': the required field 'name' is "
            "missing; the entry is skipped",
        ),
    ),
    Example(
        "duplicate",
        "A handle someone else has",
        "people.yml",
        PEOPLE + "amira:\n  name: Amira Haddad\n  handle: JennyExempel\n",
        PEOPLE + "amira:\n  name: Amira Haddad\n  handle: AmiraHaddad\n",
        (
            "11: duplicate: reflections_authors: handle @JennyExempel of 'amira' is already "
            "the handle of 'jenny'; it is ignored for 'amira'",
        ),
        "A handle is what you type after @ in a mention, so two people cannot share one.",
    ),
    Example(
        "registry",
        "A Tab in people.yml",
        "people.yml",
        PEOPLE + "amira:\n\tname: Amira Haddad\n",
        PEOPLE + "amira:\n  name: Amira Haddad\n",
        (
            "12: registry: reflections_authors: people.yml is not valid YAML: line 12 starts "
            "with a Tab, which YAML does not accept; indent with spaces instead (two spaces "
            "under each id)",
        ),
    ),
    # -- a site that keeps a tag registry ----------------------------------------------------
    Example(
        "unknown-tag",
        "A tag the site does not know yet",
        "essays/new-tag.md",
        _page(_GOOD, "# What the fair taught me\n\nOn the #Kundresan of a first-time buyer.\n"),
        _page(_GOOD, "# What the fair taught me\n\nOn the #Kundresa of a first-time buyer.\n"),
        (
            "9: unknown-tag: #Kundresan is not in the tag registry (tags.yml) (did you mean "
            "#Kundresa?); add it there, or use a tag it has",
        ),
        "Sites that keep a list of their tags (a tag registry) can ask for every tag to be "
        "on it. Use a tag from the list, or ask whoever keeps the list to add the new one.",
        conf='reflections_tags = "tags.yml"\nreflections_unknown_tags = "warn"\n',
    ),
)

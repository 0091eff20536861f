"""Names: what is a name, when two forms are one person, and firms under every name."""

from __future__ import annotations

import pytest

from calls.rules import firms, nickname_groups
from calls.segment.names import NameStrength, canonical_firm, clean_name, name_strength, same_person


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tim Arcuri", "Timothy Arcuri"),
        ("Jim Schneider", "James Schneider"),
        ("C.J. Muse", "Christopher Muse"),
        ("CJ Muse", "C.J. Muse"),
        ("MarkMahaney", "Mark Mahaney"),
        ("KennethDorell", "Ken Dorell"),
        ("TIM ARCHER", "Tim Archer"),
        ("马克·扎克伯格", "马克・扎克伯格"),
    ],
)
def test_same_person(a: str, b: str) -> None:
    assert same_person(a, b) and same_person(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Tim Arcuri", "Tim Archer"), ("Daniel Okafor", "Daniel Fischer"), ("Mark Murphy", "Mark Moerdler"), ("Jon Smith", "John Smith")],
)
def test_different_people(a: str, b: str) -> None:
    assert not same_person(a, b)


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("Tim Archer", NameStrength.strong),
        ("C.J. Muse", NameStrength.strong),
        ("DANIEL OKAFOR", NameStrength.strong),
        ("Ludwig van Beethoven", NameStrength.strong),
        ("马克·扎克伯格", NameStrength.strong),
        ("马克·莫德勒 (Mark Moerdler)", NameStrength.strong),
        ("主持人", NameStrength.weak),
        ("Operator", NameStrength.weak),
        ("Note", NameStrength.none),
        ("Revenue", NameStrength.none),
        ("Our priorities this year are threefold", NameStrength.none),
        ("The replay will be available after 5", NameStrength.none),
        ("Key Highlights", NameStrength.none),
        ("首席财务官Doug Bettinger表示", NameStrength.none),
        ("我们很难给出一个具体数字,坐在这里我要拒绝这样做", NameStrength.none),
    ],
)
def test_name_strength(text: str, strength: NameStrength) -> None:
    assert name_strength(text) == strength


def test_clean_name() -> None:
    assert clean_name("  KennethDorell ") == "Kenneth Dorell"
    assert clean_name("DANIEL O'BRIEN-SMITH") == "Daniel O'brien-Smith"
    assert clean_name("C.J. MUSE") == "C.J. Muse"


@pytest.mark.parametrize("firm", firms(), ids=lambda f: f.name)
def test_every_firm_alias_gives_the_canonical_name(firm) -> None:
    for alias in (firm.name, *firm.aliases):
        assert canonical_firm(alias) == firm.name


@pytest.mark.parametrize(
    ("written", "firm"),
    [
        ("Cantor Fitzgerald公司", "Cantor Fitzgerald"),
        ("Jefferies有限责任公司", "Jefferies"),
        ("瑞穗证券美国有限责任公司", "Mizuho"),
        ("Sanford C. Bernstein公司", "Bernstein"),
        ("摩根士丹利 (Morgan Stanley)", "Morgan Stanley"),
        ("Evercore乐队", "Evercore ISI"),
        ("Acme Capital (Acme)", "Acme"),
        ("Unknown Partners LLC", "Unknown Partners LLC"),
    ],
)
def test_firms_as_transcripts_write_them(written: str, firm: str) -> None:
    assert canonical_firm(written) == firm


def test_nickname_groups_are_symmetric() -> None:
    groups = nickname_groups()
    for name, members in groups.items():
        assert name in members
        for other in members:
            assert name in groups[other]

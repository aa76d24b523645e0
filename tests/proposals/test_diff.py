"""A diff applied rebuilds the newer text; the changed share is 0 for identical texts
and 100% for disjoint ones."""

from hypothesis import given
from hypothesis import strategies as st

from proposals.documents.diff import apply_ops, diff_words, measure, original_of, render_html

words = st.lists(st.text(alphabet="абвгдеәғқabcxyz0123.,", min_size=1, max_size=8), max_size=40)
texts = words.map(" ".join)


@given(texts, texts)
def test_applying_the_diff_rebuilds_the_newer_text_and_keeps_the_older(old, new):
    ops = diff_words(old, new)
    assert apply_ops(ops) == new
    assert original_of(ops) == old


@given(texts)
def test_identical_texts_changed_share_is_zero(text):
    assert measure(diff_words(text, text)).share == 0.0


@given(
    st.lists(st.text(alphabet="абвгд", min_size=1, max_size=6), min_size=1, max_size=20).map(" ".join),
    st.lists(st.text(alphabet="xyzuw", min_size=1, max_size=6), min_size=1, max_size=20).map(" ".join),
)
def test_disjoint_texts_changed_share_is_one_hundred_percent(old, new):
    assert measure(diff_words(old, new)).share == 1.0


def test_a_hand_checked_change():
    ops = diff_words("Local budget is approved by the akim.", "Local budget is approved by the council.")
    assert [(op.tag, op.text) for op in ops if op.tag != "equal"] == [
        ("delete", "akim"),
        ("insert", "council"),
    ]
    # non-space characters: old 31, new 34; changed: "akim" (4) + "council" (7) = 11 of 65
    assert (measure(ops).changed, measure(ops).total) == (11, 65)


def test_diff_html_escapes_tokens_and_marks_changes_for_screen_readers():
    ops = diff_words("safe text", "safe <script>alert(1)</script> text")
    html = render_html(ops, added_label="added", removed_label="removed")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<ins><span class="visually-hidden">added: </span>' in html

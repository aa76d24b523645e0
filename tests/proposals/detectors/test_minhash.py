"""MinHash signatures and LSH bands: near-identical texts share a band, unrelated ones do not."""

from proposals.detectors.minhash import BANDS, NUM_PERM, band_buckets, shingles, signature, similarity

BASE = (
    "Парламент бекіткен заңдар жиырма күн ішінде жарияланады. Жергілікті бюджеттерді мәслихаттар бекітеді, "
    "ал азаматтар бюджет жобасын талқылауға қатыса алады. Әрбір шешім ашық түрде жарияланады."
)


def test_signature_is_stable_and_sized():
    sig = signature(BASE)
    assert sig == signature(BASE) and len(sig) == NUM_PERM * 4


def test_case_and_punctuation_do_not_matter():
    assert similarity(signature(BASE), signature(BASE.upper().replace(".", "!"))) == 1.0


def test_a_small_edit_stays_close_and_shares_a_band():
    edited = BASE.replace("жиырма", "отыз")
    exact = len(shingles(BASE) & shingles(edited)) / len(shingles(BASE) | shingles(edited))  # 21/27
    estimate = similarity(signature(BASE), signature(edited))
    assert abs(estimate - exact) < 0.15 and estimate > 0.6
    assert set(band_buckets(signature(BASE))) & set(band_buckets(signature(edited)))


def test_an_unrelated_text_is_far_and_shares_no_band():
    other = (
        "The state language is Kazakh. Russian is used officially alongside it in state bodies and schools."
    )
    assert similarity(signature(BASE), signature(other)) < 0.1
    assert not set(band_buckets(signature(BASE))) & set(band_buckets(signature(other)))
    assert len(band_buckets(signature(other))) == BANDS


def test_signatures_of_different_sizes_are_not_similar_at_all():
    sig = signature("Open budgets for every district")
    assert similarity(sig, sig[:-4]) == 0.0

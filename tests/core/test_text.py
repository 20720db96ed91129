from services.core.text import fingerprint, for_matching, squeeze_runs


def test_normalising_undoes_evasions_and_maps_back() -> None:
    cases = {
        "Ｆ.U.С.K you": "FUCK you",  # full-width F, Cyrillic С, spaced letters
        "f\u200bu\u00adc\u200dk": "fuck",  # zero-width space, soft hyphen, joiner
        "sh!t and b|tch": "shit and bitch",
        "s h i t": "shit",
        "b-i-t-c-h": "bitch",
        "crème brûlée": "creme brulee",
        "wow!": "wow!",
    }
    for original, expected in cases.items():
        normalized = for_matching(original)
        assert normalized.text == expected, original
        start, end = normalized.span_in_original(0, len(normalized.text))
        assert original[start:end].strip() == original.strip().replace("\u200b", "\u200b")


def test_spans_map_back_to_the_original_characters() -> None:
    original = "well, s h i t happens"
    normalized = for_matching(original)
    start = normalized.text.index("shit")
    assert normalized.span_in_original(start, start + 4) == (6, 13)
    assert original[6:13] == "s h i t"


def test_runs_of_letters_are_cut_to_one_or_two() -> None:
    normalized = for_matching("fuuuuck and asssss")
    assert squeeze_runs(normalized, 1).text == "fuck and as"
    assert squeeze_runs(normalized, 2).text == "fuuck and ass"
    assert squeeze_runs(for_matching("good book"), 1).text == "good book"


def test_fingerprint_ignores_case_spacing_and_invisible_characters() -> None:
    assert fingerprint("Great  article!\n") == fingerprint("great article!")
    assert fingerprint("great\u200b article!") == fingerprint("great article!")
    assert fingerprint("great article!") != fingerprint("great article?")

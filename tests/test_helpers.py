"""The markup reader the tests assert through: it must see what a browser sees."""

import re

import pytest

from tests.helpers import (
    description_list,
    element_by_id,
    elements,
    find_all,
    find_one,
    first_element,
)

FRAGMENT = """
  <li class="subtopic  status-done" id="subtopic-7">
    <input type="checkbox" id="tick-7" checked>
    <label for="tick-7">Chain
       rule</label>
    <button aria-pressed="false" hidden>Skip<span class="hidden">: Chain rule</span></button>
  </li>
  <div id="overall-progress" hx-swap-oob="true"><p>1 done</div>
"""


def test_it_reads_tags_attributes_and_text_whatever_the_spacing():
    item = first_element(FRAGMENT)

    assert (item.tag, item.attrs["id"], item.classes) == (
        "li",
        "subtopic-7",
        {"subtopic", "status-done"},
    )
    assert find_one(item, "label", for_="tick-7").text == "Chain rule"
    assert find_one(item, "button", aria_pressed="false").text == "Skip: Chain rule"
    assert item.text == "Chain rule Skip: Chain rule"


def test_boolean_attributes_are_present_with_no_value():
    tick = element_by_id(FRAGMENT, "tick-7")

    assert tick.attrs["checked"] is None
    assert find_all(FRAGMENT, checked=True) == [tick]
    assert find_all(FRAGMENT, "button", hidden=True)


def test_void_elements_hold_nothing_and_unclosed_ones_end_with_their_parent():
    tick = element_by_id(FRAGMENT, "tick-7")
    counter = element_by_id(FRAGMENT, "overall-progress")

    assert tick.children == []
    assert tick.parent.tag == "li"
    tags = [element.tag for element in elements(FRAGMENT)]
    assert tags == ["li", "input", "label", "button", "span", "div", "p"]
    assert (counter.attrs["hx-swap-oob"], counter.text) == ("true", "1 done")


def test_matching_by_class_pattern_and_exact_value():
    assert find_all(FRAGMENT, class_="status-done") == [first_element(FRAGMENT)]
    assert find_all(FRAGMENT, class_="status") == []
    assert len(find_all(FRAGMENT, id=re.compile(r"\w+-7"))) == 2
    assert find_all(FRAGMENT, id=re.compile(r"tick")) == []
    assert find_all(FRAGMENT, "input", type="radio") == []


def test_find_one_and_element_by_id_insist_on_exactly_one():
    with pytest.raises(AssertionError):
        find_one(FRAGMENT, "label", for_="missing")
    with pytest.raises(AssertionError):
        find_one("<p>a</p><p>b</p>", "p")
    with pytest.raises(AssertionError):
        element_by_id('<i id="x"></i><b id="x"></b>', "x")


def test_text_skips_scripts_and_unescapes_entities():
    page = "<main><script>var x = '<b>';</script><h1>Ada &amp; &lt;Grace&gt;</h1></main>"

    assert find_one(page, "main").text == "Ada & <Grace>"
    assert find_one(page, "script").raw_text == "var x = '<b>';"


def test_a_description_list_pairs_each_term_with_its_description():
    stats = """<dl>
      <div><dt>Current streak</dt>
           <dd>3 days</dd></div>
      <div><dt>Longest streak</dt><dd>5
        days</dd></div>
    </dl>"""

    assert description_list(stats) == {"Current streak": "3 days", "Longest streak": "5 days"}

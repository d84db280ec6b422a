"""Chinese analysis: the same terms at index and at query time."""

from search import analysis, services
from search.analysis import index_terms, parse_query


class TestFolding:
    def test_traditional_characters_become_simplified(self):
        assert analysis.fold("網站建管") == "网站建管"

    def test_full_width_becomes_half_width_and_latin_lower_case(self):
        assert analysis.fold("ＡＢＣ１２３") == "abc123"


class TestSegmentation:
    def test_government_terms_stay_whole(self):
        terms = index_terms("深化放管服改革，推进一网通办和政府信息公开").split()
        for term in ("放管服", "一网通办", "政府信息公开"):
            assert term in terms

    def test_parts_of_long_words_are_indexed_too(self):
        # 政府网站集约化 is one dictionary word; its parts must still be findable.
        terms = index_terms("推进政府网站集约化建设").split()
        assert "政府网站集约化" in terms
        assert {"网站", "集约化"} <= set(terms)

    def test_punctuation_and_stop_words_are_dropped(self):
        terms = index_terms("关于政府的通知：（试行）").split()
        assert "的" not in terms and "：" not in terms and "（" not in terms
        assert "通知" in terms

    def test_organisation_and_site_names_are_added_to_the_dictionary(self, make_organisation):
        make_organisation("宣州区数据资源管理局")
        services.load_cluster_words()
        assert "宣州区数据资源管理局" in index_terms("宣州区数据资源管理局发布通知").split()


class TestQueryParsing:
    def test_each_word_may_be_matched_whole_or_by_its_parts(self):
        query = parse_query("政府信息公开 放管服")
        assert query.groups[0] == (("政府信息公开",), ("政府", "信息", "公开"))
        assert query.groups[1] == (("放管服",),)

    def test_quoted_text_is_a_phrase(self):
        query = parse_query("“网站 集约化” 改革")
        assert query.phrases == (("网站", "集约化"),)
        assert [group[0] for group in query.groups] == [("改革",)]

    def test_syntax_characters_and_sql_give_a_plain_query(self):
        query = parse_query("\" * : & | ! ( ) [ ] { } ^ ~ \\ '; DROP TABLE x; --")
        assert all(term.isalnum() for term in query.terms)

    def test_syntax_characters_alone_give_an_empty_query(self):
        assert not parse_query("* : & | ! ( ) [ ] { } ^ ~ \\")

    def test_queries_over_100_characters_are_truncated(self):
        assert len(parse_query("政" * 150).text) == 100

    def test_the_segmented_query_is_readable(self):
        assert parse_query("一网通办改革").segmented == "一网通办 / 改革"

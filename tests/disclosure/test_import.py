"""Importing an existing catalogue from CSV or XLSX: every bad row is reported with
its row number and reason, a real run imports all rows or none, existing index
numbers are kept, and what is imported comes back out of the catalogue's export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook
from wagtail.signals import page_published

from cms.disclosure import index_numbers
from cms.disclosure.importer import (
    ImportRefused,
    RowError,
    UnreadableFile,
    import_rows,
    read_rows,
    validate_rows,
)
from cms.disclosure.models import IndexNumber, IndexNumberScheme, IndexSequence, PolicyDocumentPage, Topic

from ..conftest import column_of

PORTAL_ORG = "宣城市宣州区人民政府"  # the portal fixture's organisation
HEADER = [
    "索引号",
    "标题",
    "内容概述",
    "发布机构",
    "成文日期",
    "发布日期",
    "发文字号",
    "主题分类",
    "体裁",
    "主题词",
    "有效性",
    "公开方式",
    "公开时限",
    "正文",
    "链接",  # as in an exported catalogue: not imported, ignored
]
# Every exported column but 链接 (a new cluster has new URLs).
ROUND_TRIP_COLUMNS = [
    "索引号",
    "标题",
    "发文字号",
    "发布机构",
    "成文日期",
    "发布日期",
    "主题分类",
    "体裁",
    "主题词",
    "有效性",
    "有效性变更日期",
    "公开方式",
    "公开时限",
    "内容概述",
]


def item(title: str = "关于做好2020年春季防汛工作的通知", **cells) -> dict:
    """A good row; keyword arguments override its cells by header."""
    row = {
        "索引号": "",
        "标题": title,
        "内容概述": "部署春季防汛准备工作。",
        "发布机构": PORTAL_ORG,
        "成文日期": "2020-03-01",
        "发布日期": "2020-03-05",
        "发文字号": "宣政办〔2020〕3号",
        "主题分类": "综合政务",
        "体裁": "通知",
        "主题词": "防汛",
        "有效性": "有效",
        "公开方式": "主动公开",
        "公开时限": "长期公开",
        "正文": "各乡镇人民政府：\n\n现将有关事项通知如下。",
        "链接": "http://old.example.gov.cn/a/1.html",
    }
    row.update(cells)
    return row


def header_of(rows: list[dict | None]) -> list[str]:
    """HEADER plus any further column a test's rows use."""
    return HEADER + sorted({label for row in rows if row for label in row} - set(HEADER))


def write_csv(path, rows: list[dict], *, bom: bool = True, encoding: str = "utf-8") -> str:
    with open(path, "w", encoding="utf-8-sig" if bom and encoding == "utf-8" else encoding, newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header_of(rows))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def write_xlsx(path, rows: list[dict | None]) -> str:
    """None leaves an empty row, as spreadsheets often have."""
    workbook = Workbook()
    sheet = workbook.active
    header = header_of(rows)
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(label) for label in header] if row else [])
    workbook.save(path)
    return str(path)


def load(path: str) -> list:
    return read_rows(path, path.rsplit(".", 1)[-1])[1]


def written() -> tuple[int, int, int]:
    """What an import writes: pages, index numbers, sequences."""
    return PolicyDocumentPage.objects.count(), IndexNumber.objects.count(), IndexSequence.objects.count()


def imported(title: str) -> PolicyDocumentPage:
    return PolicyDocumentPage.objects.get(title=title)


@pytest.fixture
def zcwj(portal):
    return column_of(portal, "zcwj")


@pytest.fixture
def code(portal) -> str:
    return portal.profile.organisation.index_code


class TestReadingFiles:
    @pytest.mark.parametrize("kind", ["csv with BOM", "csv without BOM", "xlsx"])
    def test_rows_are_numbered_as_the_spreadsheet_shows_them(self, tmp_path, kind):
        rows = [item("第一份"), None, item("第三行的文件")]
        if kind == "xlsx":
            path = write_xlsx(tmp_path / "目录.xlsx", rows)
        else:
            # A CSV's empty line is an empty row too.
            path = write_csv(tmp_path / "目录.csv", [r or dict.fromkeys(HEADER, "") for r in rows], bom="with" in kind)
        header, data = read_rows(path, "xlsx" if kind == "xlsx" else "csv")
        assert header == HEADER
        assert [(row.number, row.cells["标题"]) for row in data] == [(2, "第一份"), (4, "第三行的文件")]

    def test_a_multi_line_body_is_one_spreadsheet_row(self, tmp_path):
        path = write_csv(tmp_path / "a.csv", [item("甲", 正文="第一段\n\n第二段"), item("乙")])
        assert [row.number for row in load(path)] == [2, 3]

    def test_a_file_object_can_be_read(self):
        data = io.BytesIO("\ufeff标题,发布日期\n通知,2020-01-02\n".encode())
        header, rows = read_rows(data, "csv")
        assert header == ["标题", "发布日期"] and rows[0].cells == {"标题": "通知", "发布日期": "2020-01-02"}

    def test_a_csv_not_in_utf8_is_refused_with_a_hint(self, tmp_path):
        path = write_csv(tmp_path / "gbk.csv", [item()], encoding="gbk")
        with pytest.raises(UnreadableFile, match="不是 UTF-8 编码"):
            load(path)


class TestImport:
    def test_csv_rows_become_published_policy_documents_with_their_metadata(self, tmp_path, zcwj, code):
        path = write_csv(
            tmp_path / "目录.csv",
            [
                item(
                    "关于印发宣州区防汛预案的通知",
                    索引号=f"{code}/2020-00012",
                    发文字号="宣政办 [2020] 12号",  # half-width brackets and a space: normalised
                    公开时限="长期",
                    正文="第一段 <script>alert(1)</script>\n\n第二段第一行\n第二段第二行",
                ),
                item("关于征求意见的函", 发文字号="", 体裁="函", 公开方式="依申请公开", 公开时限=""),
            ],
        )
        result = import_rows(load(path), zcwj)

        assert result.count == 2
        page = imported("关于印发宣州区防汛预案的通知")
        assert page.live and page.in_catalogue
        assert page.get_parent().pk == zcwj.pk
        assert page.index_number.value == f"{code}/2020-00012"
        assert page.issuing_organisation.name == PORTAL_ORG
        assert page.document_number == "宣政办〔2020〕12号"
        assert page.date_formed == date(2020, 3, 1)
        assert timezone.localtime(page.publication_date).date() == date(2020, 3, 5)
        assert (page.topic.name, page.genre, page.subject_terms) == ("综合政务", "通知", "防汛")
        assert (page.validity, page.disclosure_mode, page.disclosure_term) == ("effective", "proactive", "long_term")
        assert page.summary == "部署春季防汛准备工作。"
        assert page.body == "<p>第一段 &lt;script&gt;alert(1)&lt;/script&gt;</p><p>第二段第一行<br>第二段第二行</p>"
        letter = imported("关于征求意见的函")
        assert (letter.genre, letter.disclosure_mode, letter.disclosure_term) == ("函", "on_request", "")

    def test_an_xlsx_file_imports_too_with_excel_date_cells(self, tmp_path, zcwj, portal):
        path = write_xlsx(
            tmp_path / "目录.xlsx",
            [
                item(
                    "表格中的文件",
                    成文日期=date(2021, 4, 1),
                    发布日期=datetime(2021, 4, 2),
                    发布机构=int(portal.profile.organisation.index_code),  # a code typed as a number
                )
            ],
        )
        import_rows(load(path), zcwj)
        page = imported("表格中的文件")
        assert page.date_formed == date(2021, 4, 1)
        assert timezone.localtime(page.publication_date).date() == date(2021, 4, 2)
        assert page.issuing_organisation == portal.profile.organisation

    @pytest.mark.parametrize("written_as", ["2020-03-05", "2020/3/5", "2020年3月5日"])
    def test_dates_may_be_written_in_the_usual_forms(self, tmp_path, zcwj, written_as):
        import_rows(load(write_csv(tmp_path / "a.csv", [item(发布日期=written_as, 成文日期=written_as)])), zcwj)
        page = imported("关于做好2020年春季防汛工作的通知")
        assert page.date_formed == date(2020, 3, 5) == timezone.localtime(page.publication_date).date()

    def test_the_issuer_may_be_named_by_name_short_name_or_code(self, tmp_path, zcwj, make_organisation):
        health = make_organisation("宣城市宣州区卫生健康委员会", short_name="区卫健委", index_code="003195502")
        rows = [
            item("全称", 发布机构=health.name),
            item("简称", 发布机构="区卫健委"),
            item("代码", 发布机构="003195502"),
        ]
        import_rows(load(write_csv(tmp_path / "a.csv", rows)), zcwj)
        assert {page.issuing_organisation for page in PolicyDocumentPage.objects.all()} == {health}

    def test_a_second_level_topic_by_its_path_or_its_own_unique_name(self, tmp_path, zcwj):
        general = Topic.objects.get(parent=None, name="综合政务")
        openness = Topic.objects.create(parent=general, name="政务公开")
        rows = [item("路径", 主题分类="综合政务 › 政务公开"), item("名称", 主题分类="政务公开")]
        import_rows(load(write_csv(tmp_path / "a.csv", rows)), zcwj)
        assert imported("路径").topic == imported("名称").topic == openness

    def test_slugs_stay_unique_in_the_column_across_imports(self, tmp_path, zcwj):
        import_rows(load(write_csv(tmp_path / "a.csv", [item("甲"), item("乙")])), zcwj)
        import_rows(load(write_csv(tmp_path / "b.csv", [item("丙")])), zcwj)
        slugs = sorted(PolicyDocumentPage.objects.values_list("slug", flat=True))
        assert slugs == ["t20200305_1", "t20200305_2", "t20200305_3"]

    def test_the_actor_is_recorded_on_the_revisions(self, tmp_path, zcwj, superuser):
        import_rows(load(write_csv(tmp_path / "a.csv", [item()])), zcwj, actor=superuser)
        page = imported("关于做好2020年春季防汛工作的通知")
        assert page.owner == superuser
        assert page.live_revision.user == superuser


class TestIndexNumbers:
    def test_existing_numbers_are_kept_and_the_sequence_moves_past_them(
        self, tmp_path, zcwj, portal, code, publish_policy
    ):
        rows = [
            item("旧文件四十二", 索引号=f"{code}/2019-00042", 发布日期="2019-06-01", 成文日期="2019-05-30"),
            item("旧文件七", 索引号=f"{code}/2019-00007", 发布日期="2019-02-01", 成文日期="2019-01-30"),
        ]
        import_rows(load(write_csv(tmp_path / "a.csv", rows)), zcwj)

        assert imported("旧文件四十二").index_number.value == f"{code}/2019-00042"
        assert imported("旧文件七").index_number.value == f"{code}/2019-00007"
        assert IndexSequence.objects.get(organisation=portal.profile.organisation, year=2019).last_serial == 42
        later = publish_policy(portal, "导入后发布的文件", when=timezone.make_aware(datetime(2019, 7, 1, 10)))
        assert later.index_number.value == f"{code}/2019-00043"

    def test_rows_without_a_number_get_one_at_publication_after_the_kept_ones(self, tmp_path, zcwj, code):
        rows = [
            item("没有索引号·一月十日", 发布日期="2021-01-10", 成文日期="2021-01-08"),
            item("带索引号", 索引号=f"{code}/2021-00005", 发布日期="2021-02-01", 成文日期="2021-01-28"),
            item("没有索引号·一月五日", 发布日期="2021-01-05", 成文日期="2021-01-04"),
        ]
        import_rows(load(write_csv(tmp_path / "a.csv", rows)), zcwj)
        # Kept numbers are reserved first; new ones continue after them, in publication order.
        assert imported("带索引号").index_number.value == f"{code}/2021-00005"
        assert imported("没有索引号·一月五日").index_number.value == f"{code}/2021-00006"
        assert imported("没有索引号·一月十日").index_number.value == f"{code}/2021-00007"

    def test_numbers_in_the_organisations_own_format_are_kept(self, tmp_path, zcwj, portal, code):
        IndexNumberScheme.objects.create(organisation=portal.profile.organisation, format=index_numbers.HYPHENATED)
        import_rows(load(write_csv(tmp_path / "a.csv", [item(索引号=f"{code}-2020-153077")])), zcwj)
        assert IndexNumber.objects.get().serial == 153077


class TestAllOrNothing:
    def test_one_bad_row_among_good_ones_imports_nothing(self, tmp_path, zcwj, code):
        rows = [item("好的一", 索引号=f"{code}/2020-00001"), item("坏的", 成文日期="2020-02-30"), item("好的二")]
        before = written()
        with pytest.raises(ImportRefused) as refused:
            import_rows(load(write_csv(tmp_path / "a.csv", rows)), zcwj)
        assert [str(error) for error in refused.value.errors] == [
            "第3行 成文日期：“2020-02-30”不是有效日期（应如 2020-01-31、2020/01/31 或 2020年1月31日）"
        ]
        assert written() == before

    def test_a_failure_while_publishing_rolls_back_the_rows_already_published(self, tmp_path, zcwj, code):
        def publishing_service_down(sender, instance, **kwargs):
            if instance.title == "第三份":
                raise RuntimeError("发布服务不可用")

        rows = [item("第一份", 索引号=f"{code}/2020-00009"), item("第二份"), item("第三份")]
        before = written()
        page_published.connect(publishing_service_down)
        try:
            with pytest.raises(RuntimeError, match="发布服务不可用"):
                import_rows(load(write_csv(tmp_path / "a.csv", rows)), zcwj)
        finally:
            page_published.disconnect(publishing_service_down)
        assert written() == before
        assert not PolicyDocumentPage.objects.child_of(zcwj).exists()


class TestDryRun:
    """validate_rows: every bad row, with its row number and the reason, and nothing written."""

    def test_every_bad_row_is_reported_with_its_row_number_and_reason(
        self, tmp_path, zcwj, portal, code, publish_policy, make_organisation
    ):
        existing = publish_policy(portal, "已经发布的文件").index_number.value
        other = make_organisation("另一个机构", index_code="000014349")
        rows = [
            item("没有问题"),  # row 2
            item("成文日期错", 成文日期="2020-13-01"),  # 3
            item("没有发布日期", 发布日期=""),  # 4
            item("成文晚于发布", 成文日期="2020-04-01"),  # 5
            item("未知主题", 主题分类="宇宙探索"),  # 6
            item("未知机构", 发布机构="火星办"),  # 7
            item("文号错", 发文字号="宣政办2020第3号"),  # 8
            item("索引号已存在", 索引号=existing),  # 9
            item("文件内第一次", 索引号=f"{code}/2020-00077"),  # 10: fine on its own
            item("文件内重复", 索引号=f"{code}/2020-00077"),  # 11
            item("别的机构的索引号", 索引号=f"{other.index_code}/2020-00001"),  # 12
            item("", 内容概述="没有标题"),  # 13
            item("依申请公开缺概述", 公开方式="依申请公开", 内容概述=""),  # 14
            item("主动公开缺时限", 公开时限=""),  # 15
            item("体裁和有效性都错", 体裁="通令", 有效性="作废"),  # 16
            item("已废止缺变更日期", 有效性="已废止"),  # 17
            item("发布日期格式错", 发布日期="2020.03.05"),  # 18
            item("来自未来", 发布日期="2099-01-01", 成文日期="2098-12-31"),  # 19
            item("同一序号两种写法", 索引号=f"{code}/2020-000077"),  # 20
        ]
        before = written()
        errors = validate_rows(load(write_csv(tmp_path / "a.csv", rows)), zcwj)
        assert written() == before

        by_row: dict[int, list[str]] = {}
        for error in errors:
            by_row.setdefault(error.row, []).append(str(error))
        assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
        assert by_row[3] == ["第3行 成文日期：“2020-13-01”不是有效日期（应如 2020-01-31、2020/01/31 或 2020年1月31日）"]
        assert by_row[4] == ["第4行 发布日期：不能为空"]
        assert by_row[5] == ["第5行 成文日期：成文日期（2020-04-01）不能晚于发布日期（2020-03-05）"]
        assert by_row[6] == ["第6行 主题分类：没有主题分类“宇宙探索”"]
        assert by_row[7] == ["第7行 发布机构：没有名称、简称或机构代码为“火星办”的机构"]
        assert by_row[8] == [
            "第8行 发文字号：发文字号“宣政办2020第3号”格式不正确，应如“宣政办〔2016〕12号”（机关代字〔年份〕序号号）"
        ]
        assert by_row[9] == [f"第9行 索引号：索引号“{existing}”已被“已经发布的文件”使用"]
        assert by_row[11] == [f"第11行 索引号：索引号“{code}/2020-00077”与第10行重复"]
        assert by_row[12] == [
            f"第12行 索引号：索引号“{other.index_code}/2020-00001”不符合发布机构“{PORTAL_ORG}”"
            "的索引号格式“{org_code}/{year}-{serial:05d}”"
        ]
        assert by_row[13] == ["第13行 标题：不能为空"]
        assert by_row[14] == ["第14行 内容概述：纳入公开目录的依申请公开信息必须填写“内容概述”"]
        assert by_row[15] == ["第15行 公开时限：纳入公开目录的主动公开信息必须填写“公开时限”"]
        assert by_row[16] == [
            "第16行 体裁：“通令”不是有效的体裁，可选："
            "决议、决定、命令、公报、公告、通告、意见、通知、通报、报告、请示、批复、议案、函、纪要、其他",
            "第16行 有效性：“作废”无效，可选：有效、已修订、已废止、已失效",
        ]
        assert by_row[17] == ["第17行 有效性变更日期：有效性为“已废止”时必须填写变更日期"]
        assert by_row[18][0].startswith("第18行 发布日期：“2020.03.05”不是有效日期")
        assert by_row[19] == ["第19行 发布日期：“2099-01-01”晚于今天"]
        assert by_row[20] == [f"第20行 索引号：索引号“{code}/2020-000077”与第10行的序号相同"]

    def test_an_ambiguous_second_level_topic_must_be_written_with_its_parent(self, tmp_path, zcwj):
        for parent in ("综合政务", "其他"):
            Topic.objects.create(parent=Topic.objects.get(parent=None, name=parent), name="专项工作")
        errors = validate_rows(load(write_csv(tmp_path / "a.csv", [item(主题分类="专项工作")])), zcwj)
        assert [str(e) for e in errors] == [
            "第2行 主题分类：主题分类“专项工作”不唯一（“综合政务 › 专项工作”、“其他 › 专项工作”），请写成“一级 › 二级”"
        ]

    def test_an_index_number_already_taken_in_another_spelling_is_a_duplicate(self, tmp_path, zcwj, code):
        import_rows(load(write_csv(tmp_path / "a.csv", [item("先导入", 索引号=f"{code}/2020-00003")])), zcwj)
        rows = [item("后导入", 索引号=f"{code}/2020-000003")]
        assert [str(e) for e in validate_rows(load(write_csv(tmp_path / "b.csv", rows)), zcwj)] == [
            f"第2行 索引号：索引号“{code}/2020-000003”与已有的索引号“{code}/2020-00003”序号相同"
        ]

    def test_importing_the_same_rows_twice_is_caught(self, tmp_path, zcwj):
        path = write_csv(tmp_path / "a.csv", [item(), item()])
        assert [str(e) for e in validate_rows(load(path), zcwj)] == [
            "第3行 标题：与第2行的标题、发布日期、发文字号都相同"
        ]
        import_rows(load(write_csv(tmp_path / "b.csv", [item()])), zcwj)
        assert [str(e) for e in validate_rows(load(write_csv(tmp_path / "c.csv", [item()])), zcwj)] == [
            "第2行 标题：栏目中已有同标题、同发布日期、同发文字号的信息（是否重复导入？）"
        ]

    def test_a_file_without_a_required_column_is_refused_at_its_header(self, zcwj):
        _, rows = read_rows(io.BytesIO("发布机构,发布日期\n宣城市宣州区人民政府,2020-01-02\n".encode()), "csv")
        assert validate_rows(rows, zcwj) == [RowError(1, "标题", "文件缺少这一列")]

    def test_a_refused_import_carries_the_same_errors(self, tmp_path, zcwj):
        rows = load(write_csv(tmp_path / "a.csv", [item(主题分类="宇宙探索"), item("乙", 发布机构="火星办")]))
        with pytest.raises(ImportRefused) as refused:
            import_rows(rows, zcwj)
        assert refused.value.errors == validate_rows(rows, zcwj)
        assert len(refused.value.errors) == 2


class TestCommand:
    def test_dry_run_lists_every_error_and_fails(self, tmp_path, zcwj, portal):
        path = write_csv(tmp_path / "a.csv", [item(), item("乙", 成文日期="2020-13-01"), item("丙", 发布机构="火星办")])
        before = written()
        with pytest.raises(CommandError) as failure:
            call_command("import_catalogue", path, "--column", f"{portal.hostname}/zcwj", "--dry-run")
        message = str(failure.value)
        assert message.startswith("校验未通过：2 行有错误，共 2 处（试运行，未写入任何数据）。")
        assert "第3行 成文日期：“2020-13-01”不是有效日期" in message
        assert "第4行 发布机构：没有名称、简称或机构代码为“火星办”的机构" in message
        assert written() == before

    def test_dry_run_of_a_good_file_writes_nothing(self, tmp_path, zcwj, portal, capsys):
        path = write_xlsx(tmp_path / "a.xlsx", [item("甲"), item("乙")])
        before = written()
        call_command("import_catalogue", path, "--column", f"{portal.hostname}/zcwj", "--dry-run")
        out = capsys.readouterr().out
        assert "校验通过：2 行可以导入" in out
        assert "以下列不导入：链接" in out
        assert written() == before

    def test_a_real_run_imports_every_row(self, tmp_path, zcwj, portal, superuser, capsys):
        path = write_csv(tmp_path / "a.csv", [item("甲"), item("乙"), item("丙")])
        call_command("import_catalogue", path, "--column", f"{portal.hostname}/zcwj", "--user", superuser.username)
        assert "已导入 3 条" in capsys.readouterr().out
        assert PolicyDocumentPage.objects.child_of(zcwj).live().count() == 3

    def test_a_real_run_with_a_bad_row_imports_nothing(self, tmp_path, zcwj, portal):
        path = write_csv(tmp_path / "a.csv", [item("甲"), item("乙", 体裁="通令")])
        with pytest.raises(CommandError, match="第3行 体裁：“通令”不是有效的体裁"):
            call_command("import_catalogue", path, "--column", f"{portal.hostname}/zcwj")
        assert not PolicyDocumentPage.objects.child_of(zcwj).exists()

    def test_into_a_departments_column(self, tmp_path, department):
        path = write_csv(tmp_path / "a.csv", [item(发布机构=department.profile.organisation.index_code)])
        call_command("import_catalogue", path, "--column", f"{department.hostname}/zcwj", verbosity=0)
        assert PolicyDocumentPage.objects.child_of(column_of(department, "zcwj")).live().count() == 1

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("目录.txt", b"x", "只能导入 .csv 或 .xlsx 文件，“目录.txt”不是。"),
            ("目录.xls", b"x", "旧版 .xls 请在 Excel 中另存为 .xlsx"),
            ("目录.xlsx", "标题,发布日期\n".encode(), "无法读取“目录.xlsx”"),
            ("目录.csv", "标题,发布日期\n通知,2020年1月2日\n".encode("gbk"), "不是 UTF-8 编码"),
            ("目录.csv", "标题,发布日期\n".encode(), "没有数据行"),
        ],
    )
    def test_a_file_that_cannot_be_imported_is_refused_in_chinese(self, tmp_path, portal, name, content, message):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(CommandError, match=message.replace(".", r"\.")):
            call_command("import_catalogue", str(path), "--column", f"{portal.hostname}/zcwj")

    def test_a_missing_file_is_refused(self, tmp_path, portal):
        with pytest.raises(CommandError, match="找不到文件"):
            call_command("import_catalogue", str(tmp_path / "无.csv"), "--column", f"{portal.hostname}/zcwj")

    @pytest.mark.parametrize(
        ("column", "message"),
        [
            ("nowhere.example.gov.cn/zcwj", "没有主机名为“nowhere.example.gov.cn”的站点"),
            ("www.example.gov.cn/meiyou", "没有路径为“meiyou”的栏目"),
            ("www.example.gov.cn/zfxxgk/xxgkml", "没有路径为“zfxxgk/xxgkml”的栏目"),  # the catalogue page, not a column
            ("www.example.gov.cn", "请写成“主机名/栏目路径”"),
        ],
    )
    def test_an_unknown_column_is_refused(self, tmp_path, portal, column, message):
        path = write_csv(tmp_path / "a.csv", [item()])
        with pytest.raises(CommandError, match=message):
            call_command("import_catalogue", path, "--column", column)


class TestRoundTrip:
    """What is imported comes back, value for value, from the catalogue's CSV and XLSX export."""

    @pytest.mark.parametrize("export", ["csv", "xlsx"])
    def test_imported_rows_come_back_out_of_the_export(self, tmp_path, client, portal, department, code, export):
        Topic.objects.create(parent=Topic.objects.get(parent=None, name="综合政务"), name="政务公开")
        portal_rows = [
            item("关于印发防汛预案的通知", 索引号=f"{code}/2020-00012", 发文字号="宣政办〔2020〕12号"),
            item(
                "关于修改部分规范性文件的决定",
                发文字号="宣政〔2019〕8号",
                成文日期="2019-11-20",
                发布日期="2019-11-25",
                体裁="决定",
                有效性="已修订",
                有效性变更日期="2020-01-01",  # required for 已修订
                主题分类="综合政务 › 政务公开",
            ),
        ]
        department_rows = [
            item(
                "关于开展教育督导的通知",
                发布机构=department.profile.organisation.name,
                发文字号="",
                成文日期="2021-09-01",
                发布日期="2021-09-03",
                公开方式="依申请公开",
                公开时限="",
                主题分类="科技、教育",
            )
        ]
        import_rows(load(write_csv(tmp_path / "portal.csv", portal_rows)), column_of(portal, "zcwj"))
        import_rows(load(write_xlsx(tmp_path / "department.xlsx", department_rows)), column_of(department, "zcwj"))

        response = client.get("/zfxxgk/xxgkml/", {"export": export}, HTTP_HOST=portal.hostname)
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if export == "csv" else response.content
        _, exported = read_rows(io.BytesIO(content), export)  # the importer reads the export back

        expected = set()
        for row in [*portal_rows, *department_rows]:
            row.setdefault("有效性变更日期", "")
            # Rows imported without an index number show the one allocated at publication.
            row["索引号"] = row["索引号"] or IndexNumber.objects.get(title=row["标题"]).value
            expected.add(tuple(row[label] for label in ROUND_TRIP_COLUMNS))
        assert cells(exported) == expected

        # The export is a complete copy: imported into a new cluster, it gives the same catalogue.
        PolicyDocumentPage.objects.all().delete()
        IndexNumber.objects.all().delete()
        IndexSequence.objects.all().delete()
        path = tmp_path / f"export.{export}"
        path.write_bytes(content)
        import_rows(load(str(path)), column_of(portal, "zcwj"))
        again = client.get("/zfxxgk/xxgkml/", {"export": export}, HTTP_HOST=portal.hostname)
        content = b"".join(again.streaming_content) if export == "csv" else again.content
        assert cells(read_rows(io.BytesIO(content), export)[1]) == expected


def cells(rows) -> set[tuple[str, ...]]:
    return {tuple(str(row.cells[label] or "") for label in ROUND_TRIP_COLUMNS) for row in rows}

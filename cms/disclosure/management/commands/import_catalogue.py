import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from tqdm import tqdm
from wagtail.models import Site

from cms.content.models import ColumnPage
from cms.disclosure.importer import (
    COLUMNS,
    ImportRefused,
    RowError,
    UnreadableFile,
    import_rows,
    kind_of,
    read_rows,
    validate_rows,
)
from cms.disclosure.services import AllocationError


def column_from_address(address: str) -> ColumnPage:
    """A column from "主机名/栏目路径", e.g. ``www.example.gov.cn/zcwj``."""
    hostname, _, path = re.sub(r"^https?://", "", address.strip()).strip("/").partition("/")
    if not hostname or not path:
        raise CommandError(f"栏目“{address}”格式不正确：请写成“主机名/栏目路径”，如 www.example.gov.cn/zcwj。")
    site = Site.objects.filter(hostname=hostname.lower()).select_related("root_page").order_by("port").first()
    if site is None:
        raise CommandError(f"没有主机名为“{hostname}”的站点。")
    column = ColumnPage.objects.filter(url_path=f"{site.root_page.url_path}{path.strip('/')}/").first()
    if column is None:
        raise CommandError(f"站点“{site.site_name}”没有路径为“{path}”的栏目。")
    return column


def refusal(errors: list[RowError], *, dry_run: bool) -> CommandError:
    rows = len({error.row for error in errors})
    outcome = "（试运行，未写入任何数据）" if dry_run else "，未导入任何信息"
    return CommandError("\n".join([f"校验未通过：{rows} 行有错误，共 {len(errors)} 处{outcome}。", *map(str, errors)]))


class Command(BaseCommand):
    help = (
        "从 CSV（UTF-8）或 XLSX 文件批量导入政府信息公开目录，作为政策文件发布到指定栏目。"
        "全部行校验通过才导入，且全部导入或全部不导入；--dry-run 只校验并列出每一处错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv 或 .xlsx 文件，第1行为表头（索引号、标题、发布机构、发布日期……）")
        parser.add_argument("--column", required=True, help="目标栏目：主机名/栏目路径，如 www.example.gov.cn/zcwj")
        parser.add_argument("--dry-run", action="store_true", help="只校验，列出所有错误行，不导入")
        parser.add_argument("--user", help="记为发布人的用户名（写入页面修订和操作日志）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            kind = kind_of(path)
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        if not path.is_file():
            raise CommandError(f"找不到文件“{path}”。")
        column = column_from_address(options["column"])
        actor = self._actor(options["user"])
        try:
            header, rows = read_rows(path, kind)
        except UnreadableFile as error:
            raise CommandError(f"无法读取“{path.name}”：{error}") from None
        if not rows:
            raise CommandError(f"“{path.name}”没有数据行：第1行应为表头，数据从第2行开始。")
        if ignored := [label for label in header if label and label not in COLUMNS]:
            self.stdout.write(f"以下列不导入：{'、'.join(ignored)}")

        if options["dry_run"]:
            if errors := validate_rows(rows, column):
                raise refusal(errors, dry_run=True)
            self.stdout.write(self.style.SUCCESS(f"校验通过：{len(rows)} 行可以导入"))
            return

        try:
            result = import_rows(
                rows,
                column,
                actor=actor,
                progress=lambda items: tqdm(items, desc="导入", unit="条", disable=options["verbosity"] == 0),
            )
        except ImportRefused as refused:
            raise refusal(refused.errors, dry_run=False) from None
        except (AllocationError, ValidationError, IntegrityError) as error:
            # Rows checked a moment ago can still clash with someone publishing meanwhile.
            raise CommandError(f"导入失败，已全部回滚，未导入任何信息：{error}") from None
        self.stdout.write(self.style.SUCCESS(f"已导入 {result.count} 条（栏目“{column.title}”）"))

    def _actor(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的用户。")
        return user

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.models import SiteType
from sites.services import ProvisionSiteAction, SubsiteRequest


def refusal(error: ValidationError) -> CommandError:
    """A service's refusal as a CommandError listing every reason (exit status 1)."""
    return CommandError("；".join(error.messages))


class Command(BaseCommand):
    help = "新建子站：站点、首页、标准栏目树、编辑和审核用户组、媒体文件夹，在一个事务中完成。"

    def add_arguments(self, parser):
        parser.add_argument("--hostname", required=True, help="主机名，如 jyj.xzq.gov.cn")
        parser.add_argument("--name", required=True, help="网站名称，如 区教育局")
        parser.add_argument("--type", required=True, choices=[t.value for t in SiteType], help="站点类型")
        parser.add_argument("--organisation", required=True, help="所属机构：名称、简称或索引号机构代码")
        parser.add_argument("--site-id-code", required=True, help="10位网站标识码")
        parser.add_argument("--sponsor", default="", help="主办单位（默认为机构名称）")
        parser.add_argument("--port", type=int, default=80)
        parser.add_argument("--theme", default="base")
        parser.add_argument("--icp", default="", help="ICP备案号")
        parser.add_argument("--police", default="", help="公安机关备案号")
        parser.add_argument("--address", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--email", default="")
        # Stated in the site's 政府信息公开指南 (written when the site is provisioned).
        parser.add_argument("--office-address", default="", help="依申请公开受理地址（默认为联系地址）")
        parser.add_argument("--office-phone", default="", help="依申请公开咨询电话（默认为联系电话）")
        parser.add_argument("--office-hours", default="", help="办公时间")

    def handle(self, *args, **options):
        request = SubsiteRequest(
            hostname=options["hostname"],
            site_name=options["name"],
            site_type=options["type"],
            organisation=options["organisation"],
            site_id_code=options["site_id_code"],
            sponsor=options["sponsor"],
            port=options["port"],
            theme=options["theme"],
            icp_number=options["icp"],
            police_record_number=options["police"],
            contact_address=options["address"],
            contact_phone=options["phone"],
            contact_email=options["email"],
            disclosure_office_address=options["office_address"],
            disclosure_office_phone=options["office_phone"],
            office_hours=options["office_hours"],
        )
        try:
            site = ProvisionSiteAction(request).execute()
        except ValidationError as error:
            raise refusal(error) from None
        self.stdout.write(self.style.SUCCESS(f"已创建子站“{site.site_name}”：{site.root_url}/"))

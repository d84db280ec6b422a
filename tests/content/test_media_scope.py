"""Media belong to their site: an editor lists and chooses only the images and documents
of collections the site's groups may use, in the admin API and in the choosers; and a
document in a private collection is not served to anonymous readers, a public one is."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction, GroupCollectionPermission, PageViewRestriction

from cms.content.models import ArticleAttachment, ArticlePage
from core.publishing import review_waived
from sites.groups import site_group

from ..conftest import USER_PASSWORD, column_of

Document = get_document_model()
Image = get_image_model()


def collection_of(site) -> Collection:
    """The site's own media collection, as provisioning granted it to the site's groups."""
    return GroupCollectionPermission.objects.filter(group=site_group(site, "editor")).first().collection


def add_image(site, title: str):
    return Image.objects.create(title=title, file=get_test_image_file(), collection=collection_of(site))


def add_document(site, title: str, collection: Collection | None = None):
    document = Document(title=title, collection=collection or collection_of(site))
    document.file.save(f"{title}.txt", ContentFile(f"{title}的内容".encode()), save=False)
    document.save()
    return document


@pytest.fixture
def media(township, department):
    return {
        "own_image": add_image(township, "水阳镇图片"),
        "other_image": add_image(department, "教育局图片"),
        "own_document": add_document(township, "水阳镇文件"),
        "other_document": add_document(department, "教育局文件"),
    }


@pytest.fixture
def editor_client(client, township, make_user):
    client.login(username=make_user(township, "editor").username, password=USER_PASSWORD)
    return client


def api_titles(client, kind: str) -> set[str]:
    response = client.get(f"/admin/api/main/{kind}/")
    assert response.status_code == 200
    return {item["title"] for item in json.loads(response.content)["items"]}


KINDS = [("images", "水阳镇图片", "教育局图片"), ("documents", "水阳镇文件", "教育局文件")]


@pytest.mark.parametrize("kind, own, other", KINDS)
def test_the_admin_api_lists_only_the_editors_sites_media(editor_client, media, kind, own, other):
    assert api_titles(editor_client, kind) == {own}


@pytest.mark.parametrize("kind, name", [("images", "other_image"), ("documents", "other_document")])
def test_another_sites_file_is_not_found_in_the_admin_api(editor_client, media, kind, name):
    assert editor_client.get(f"/admin/api/main/{kind}/{media[name].pk}/").status_code == 404


@pytest.mark.parametrize("kind", ["images", "documents"])
def test_the_info_center_lists_every_sites_media(client, media, make_user, kind):
    client.login(username=make_user(None, "信息中心").username, password=USER_PASSWORD)
    assert len(api_titles(client, kind)) == 2


@pytest.mark.parametrize("kind, own, other", KINDS)
def test_the_choosers_offer_only_the_editors_sites_media(editor_client, media, kind, own, other):
    response = editor_client.get(f"/admin/{kind}/chooser/")
    assert response.status_code == 200
    html = json.loads(response.content)["html"]
    assert own in html
    assert other not in html


def test_documents_are_served_through_the_serve_view_not_the_media_folder(media):
    document = media["own_document"]
    assert document.url == reverse("wagtaildocs_serve", args=(document.pk, document.filename))


def used_by_article(site, document, *, publish: bool = True, password: str = ""):
    """An article of ``site`` with ``document`` attached; Wagtail's reference index records the
    use after commit, as in production."""
    column = column_of(site, "tzgg")
    article = ArticlePage(title=f"附有{document.title}的通知", slug=f"doc{document.pk}", body="<p>正文</p>", live=False)
    article.attachments = [ArticleAttachment(document=document, title=document.title)]
    column.add_child(instance=article)
    if publish:
        with review_waived("测试数据"):
            article.save_revision().publish()
    if password:
        PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password=password
        )
    return article


def download(client, site, document):
    return client.get(document.url, HTTP_HOST=site.hostname)


def test_a_document_a_public_page_uses_is_served_to_anyone(client, township, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        used_by_article(township, media["own_document"])
    response = download(client, township, media["own_document"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "水阳镇文件的内容"


@pytest.mark.parametrize("use", ["unused", "draft", "password"])
def test_a_document_no_public_page_uses_is_only_for_the_sites_staff(
    client, township, department, media, make_user, django_capture_on_commit_callbacks, use
):
    document = media["own_document"]
    with django_capture_on_commit_callbacks(execute=True):
        if use != "unused":
            used_by_article(township, document, publish=use != "draft", password="123456" if use == "password" else "")
    assert download(client, township, document).status_code == 404
    client.login(username=make_user(township, "editor").username, password=USER_PASSWORD)
    assert download(client, township, document).status_code == 200
    client.logout()
    client.login(username=make_user(department, "editor").username, password=USER_PASSWORD)
    assert download(client, township, document).status_code == 404  # another site's editor


def test_a_document_in_a_private_collection_is_refused_to_anonymous_readers(client, township, make_user):
    private = collection_of(township).add_child(name="内部资料")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    document = add_document(township, "内部文件", private)

    response = client.get(document.url, HTTP_HOST=township.hostname)
    assert response.status_code == 302
    assert "login" in response["Location"]

    client.login(username=make_user(township, "editor").username, password=USER_PASSWORD)
    assert client.get(document.url, HTTP_HOST=township.hostname).status_code == 200

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("изображение"))
    alt = blocks.CharBlock(
        label=_("описание для незрячих"),
        required=False,
        help_text=_("Если пусто, используется описание изображения из медиатеки."),
    )
    caption = blocks.CharBlock(label=_("подпись"), required=False)

    class Meta:
        icon = "image"
        label = _("изображение")
        template = "partnerships/blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("цитата"))
    attribution = blocks.CharBlock(label=_("автор"), required=False)

    class Meta:
        icon = "openquote"
        label = _("цитата")
        template = "partnerships/blocks/quote_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("документ"))
    title = blocks.CharBlock(
        label=_("название ссылки"),
        required=False,
        help_text=_("Если пусто, используется название документа."),
    )

    class Meta:
        icon = "doc-full"
        label = _("документ")
        template = "partnerships/blocks/document_block.html"


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("текст ссылки"))
    url = blocks.URLBlock(label=_("адрес"))

    class Meta:
        icon = "link"
        label = _("ссылка")


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("подзаголовок"), icon="title", template="partnerships/blocks/heading_block.html"
    )
    paragraph = blocks.RichTextBlock(
        label=_("текст"),
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
    )
    image = ImageBlock()
    quote = QuoteBlock()
    document = DocumentBlock()
    links = blocks.ListBlock(
        LinkBlock(),
        label=_("список ссылок"),
        icon="list-ul",
        template="partnerships/blocks/links_block.html",
    )

    class Meta:
        label = _("содержание")

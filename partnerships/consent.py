"""The consent to personal-data processing (152-ФЗ) that readers give with a proposal or request.

Each wording has a version; a submission stores the version its sender agreed to, and every
version stays readable at its own address, so a later change of wording never rewrites what a
reader once accepted. Change the text only by adding a new version.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

CONSENT_VERSION = "2026-11-26"

# The address for withdrawing consent; the host sets it, the sender address is the fallback.
CONTACT_EMAIL_SETTING = "PARTNERSHIPS_PERSONAL_DATA_EMAIL"

CONSENT_TEXTS = {
    "2026-11-26": _(
        "Отправляя форму, я даю согласие на обработку моих персональных данных в соответствии "
        "с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных».\n\n"
        "Кто обрабатывает данные. Библиотеки — стороны Соглашения о сотрудничестве того "
        "содружества, которому я пишу, или та библиотека-партнёр, к фонду которой я обращаюсь, "
        "а также оператор платформы «Тёзки», на которой работает содружество.\n\n"
        "Какие данные. Моё имя, адрес электронной почты и текст, который я пишу в форме "
        "(предложение, сведения о нужном издании, комментарий).\n\n"
        "Зачем. Чтобы рассмотреть моё обращение и ответить мне по электронной почте; "
        "предложение содружеству, одобренное его модераторами, публикуется на платформе вместе "
        "с моим именем и датой. Адрес электронной почты никогда не публикуется и третьим лицам "
        "не передаётся.\n\n"
        "Что с ними делают. Сбор, запись, хранение, использование для ответа, публикация имени и "
        "текста одобренного предложения, удаление — с помощью средств автоматизации.\n\n"
        "Как долго. Данные хранятся, пока нужны для ответа на обращение или пока предложение "
        "опубликовано, но не дольше трёх лет со дня отправки; затем они удаляются.\n\n"
        "Как отозвать согласие. Напишите об этом на адрес %(email)s (для запроса в фонд можно "
        "и на адрес самой библиотеки). Данные будут удалены, а опубликованное предложение снято, "
        "в течение 30 дней со дня получения отзыва."
    ),
}


def contact_email():
    return getattr(settings, CONTACT_EMAIL_SETTING, "") or settings.DEFAULT_FROM_EMAIL


def consent_text(version=CONSENT_VERSION):
    """The wording of a version, with the withdrawal address filled in; KeyError if unknown."""
    return str(CONSENT_TEXTS[version]) % {"email": contact_email()}


def consent_paragraphs(version=CONSENT_VERSION):
    return [part for part in consent_text(version).split("\n\n") if part.strip()]

"""The rows the portal needs from its first start: the staff role groups, the site, and the first version of
the privacy notice (kk, ru, en)."""

from django.conf import settings
from django.db import migrations

ROLE_GROUPS = ["Moderators", "Commission members", "Administrators"]

TEXT_EN = """What we collect: your email address, your public name, your legal name if you give it, the fact that
your identity was verified (a one-way fingerprint of your IIN, never the number itself), what you publish
(proposals, comments), your supports, follows, reports and hearing registrations, your notifications, and the
network address a proposal was sent from.

Why: to let one real person take part once, to tell you what happens to your contributions, and to keep the
consultation free of abuse.

For how long: network addresses 30 days; notifications one year; notes of identity checks 90 days; everything
else while your account exists. When you delete your account, your personal data is erased after a 7-day grace
period; what you published stays under "former participant" unless you withdraw it while intake is open.

Who sees it: everyone sees your public name and what you publish. Moderators and the Commission see your
contributions. Only administrators may see your email, legal name or verification details, only after stating
a reason, and every such look is recorded. You can download everything we hold about you from your account."""

TEXT_RU = """Что мы собираем: адрес электронной почты, публичное имя, юридическое имя, если вы его указали, факт
проверки личности (односторонний отпечаток ИИН, но не сам номер), то, что вы публикуете (предложения,
комментарии), ваши поддержки, подписки, жалобы и регистрации на слушания, ваши уведомления и сетевой адрес,
с которого отправлено предложение.

Зачем: чтобы один реальный человек участвовал один раз, чтобы сообщать вам о судьбе ваших предложений и
защищать консультацию от злоупотреблений.

Как долго: сетевые адреса — 30 дней; уведомления — один год; заметки о проверке личности — 90 дней; остальное —
пока существует ваша учётная запись. После удаления учётной записи ваши персональные данные стираются по
истечении 7 дней; опубликованное остаётся под именем «бывший участник», если вы не отзовёте его, пока идёт
приём предложений.

Кто видит: все видят ваше публичное имя и то, что вы публикуете. Модераторы и Комиссия видят ваши материалы.
Вашу почту, юридическое имя и сведения о проверке могут увидеть только администраторы, только указав причину,
и каждый такой просмотр записывается. Вы можете скачать всё, что мы храним о вас, в своей учётной записи."""

TEXT_KK = """Біз не жинаймыз: электрондық пошта мекенжайыңызды, жария атыңызды, егер көрсетсеңіз заңды атыңызды,
жеке басыңыздың тексерілгені туралы деректі (ЖСН-нің өзі емес, оның бір жақты ізі), жариялағаныңызды
(ұсыныстар, пікірлер), қолдауларыңызды, жазылымдарыңызды, шағымдарыңызды және тыңдауларға тіркелулеріңізді,
хабарламаларыңызды және ұсыныс жіберілген желілік мекенжайды.

Не үшін: бір нақты адам бір рет қатысуы үшін, ұсыныстарыңыздың тағдыры туралы хабарлау үшін және
консультацияны теріс пайдаланудан қорғау үшін.

Қанша уақыт: желілік мекенжайлар — 30 күн; хабарламалар — бір жыл; жеке басты тексеру жазбалары — 90 күн;
қалғаны — тіркелгіңіз бар кезде. Тіркелгіңізді жойғанда жеке деректеріңіз 7 күннен кейін өшіріледі;
жариялағаныңыз «бұрынғы қатысушы» атымен қалады, егер оны ұсыныстар қабылдау кезінде кері алмасаңыз.

Кім көреді: жария атыңыз бен жариялағаныңызды бәрі көреді. Модераторлар мен Комиссия материалдарыңызды
көреді. Поштаңызды, заңды атыңызды немесе тексеру мәліметтерін тек әкімшілер ғана, себебін көрсетіп қана
көре алады және әрбір осындай қарау жазылады. Біз сіз туралы сақтайтынның бәрін тіркелгіңізден жүктей аласыз."""


def create_groups_and_site(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    Site = apps.get_model("sites", "Site")
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "Qatysu"})


def seed_privacy_notice(apps, schema_editor):
    PrivacyNotice = apps.get_model("accounts", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(
        version=1, defaults={"text_kk": TEXT_KK, "text_ru": TEXT_RU, "text_en": TEXT_EN}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [
        migrations.RunPython(create_groups_and_site, migrations.RunPython.noop),
        migrations.RunPython(seed_privacy_notice, migrations.RunPython.noop),
    ]

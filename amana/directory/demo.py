"""Clearly fictional directory entries for the demo: numbers that start 0000 cannot be dialled."""

from __future__ import annotations

from django.db import transaction

from amana.accounts.models import Organisation, OrganisationKind
from amana.cases.models import District
from amana.directory.models import Service, ServiceKind, ServiceText

# (name, number, area, kind, emergency, hours, languages, what it accepts)
DEMO_HOTLINES = [
    (
        "Example Community Police line (demo)",
        "0000 000 0101",
        "",
        ServiceKind.POLICE,
        True,
        "24/7",
        "Arabic",
        "Reports of extortion, threats and violence (example).",
    ),
    (
        "Example women's protection line (demo)",
        "0000 000 0102",
        "",
        ServiceKind.NGO,
        True,
        "24/7",
        "Arabic, Kurdish",
        "Women and girls facing digital extortion or violence (example).",
    ),
    (
        "Example Qayyarah NGO office (demo)",
        "0000 000 0201",
        District.QAYYARAH,
        ServiceKind.NGO,
        False,
        "Sun-Thu 9:00-15:00",
        "Arabic",
        "Walk-in visits and accompaniment to the authorities (example).",
    ),
    (
        "Example wellbeing centre (demo)",
        "0000 000 0301",
        District.HAMMAM_AL_ALIL,
        ServiceKind.PSYCHOSOCIAL,
        False,
        "Sun-Thu 9:00-14:00",
        "Arabic, Kurdish",
        "Psychosocial support for women and girls, individual and in groups (example).",
    ),
    (
        "Example legal aid line (demo)",
        "0000 000 0401",
        "",
        ServiceKind.LEGAL,
        False,
        "Sun-Thu 10:00-16:00",
        "Arabic",
        "Legal advice and court accompaniment (example).",
    ),
    (
        "Example National Security office (demo)",
        "0000 000 0501",
        "",
        ServiceKind.NATIONAL_SECURITY,
        False,
        "Sun-Thu 9:00-14:00",
        "Arabic",
        "Extortion cases passed on by the NGO, without her name if she wishes (example).",
    ),
]

# The same entries' words in Arabic and Kurdish Sorani, by number: (name, hours, languages, accepts).
DEMO_WORDS = {
    "0000 000 0101": {
        "ar": (
            "خط الشرطة المجتمعية - مثال (تجريبي)",
            "على مدار الساعة",
            "العربية",
            "بلاغات الابتزاز والتهديد والعنف (مثال).",
        ),
        "ckb": (
            "هێڵی پۆلیسی کۆمەڵگا - نموونە (تاقیکاری)",
            "٢٤ کاتژمێر",
            "عەرەبی",
            "سکاڵای هەڕەشە و ناچارکردن و توندوتیژی (نموونە).",
        ),
    },
    "0000 000 0102": {
        "ar": (
            "خط حماية النساء - مثال (تجريبي)",
            "على مدار الساعة",
            "العربية، الكردية",
            "النساء والفتيات اللواتي يواجهن الابتزاز الإلكتروني أو العنف (مثال).",
        ),
        "ckb": (
            "هێڵی پاراستنی ئافرەتان - نموونە (تاقیکاری)",
            "٢٤ کاتژمێر",
            "عەرەبی، کوردی",
            "ئافرەتان و کچان کە ڕووبەڕووی هەڕەشەی ئەلیکترۆنی یان توندوتیژی دەبنەوە (نموونە).",
        ),
    },
    "0000 000 0201": {
        "ar": (
            "مكتب المنظمة في القيارة - مثال (تجريبي)",
            "الأحد-الخميس 9:00-15:00",
            "العربية",
            "زيارات مباشرة ومرافقة إلى الجهات المسؤولة (مثال).",
        ),
        "ckb": (
            "نووسینگەی ڕێکخراو لە قەیارە - نموونە (تاقیکاری)",
            "یەکشەممە-پێنجشەممە 9:00-15:00",
            "عەرەبی",
            "سەردانی ڕاستەوخۆ و هاوڕێیەتی بۆ لای دەسەڵاتداران (نموونە).",
        ),
    },
    "0000 000 0301": {
        "ar": (
            "مركز الرعاية النفسية - مثال (تجريبي)",
            "الأحد-الخميس 9:00-14:00",
            "العربية، الكردية",
            "دعم نفسي اجتماعي للنساء والفتيات، فرديًا وفي مجموعات (مثال).",
        ),
        "ckb": (
            "ناوەندی چاودێریی دەروونی - نموونە (تاقیکاری)",
            "یەکشەممە-پێنجشەممە 9:00-14:00",
            "عەرەبی، کوردی",
            "پشتگیریی دەروونی-کۆمەڵایەتی بۆ ئافرەتان و کچان، تاکەکەسی و بە گروپ (نموونە).",
        ),
    },
    "0000 000 0401": {
        "ar": (
            "خط المساعدة القانونية - مثال (تجريبي)",
            "الأحد-الخميس 10:00-16:00",
            "العربية",
            "استشارات قانونية ومرافقة إلى المحكمة (مثال).",
        ),
        "ckb": (
            "هێڵی یارمەتیی یاسایی - نموونە (تاقیکاری)",
            "یەکشەممە-پێنجشەممە 10:00-16:00",
            "عەرەبی",
            "ڕاوێژی یاسایی و هاوڕێیەتی بۆ دادگا (نموونە).",
        ),
    },
    "0000 000 0501": {
        "ar": (
            "مكتب الأمن الوطني - مثال (تجريبي)",
            "الأحد-الخميس 9:00-14:00",
            "العربية",
            "قضايا الابتزاز التي تحيلها المنظمة، دون اسمها إن شاءت (مثال).",
        ),
        "ckb": (
            "نووسینگەی ئاسایشی نیشتمانی - نموونە (تاقیکاری)",
            "یەکشەممە-پێنجشەممە 9:00-14:00",
            "عەرەبی",
            "دۆسیەکانی هەڕەشە کە ڕێکخراوەکە ڕەوانەی دەکات، بێ ناوی ئەو ئەگەر بیەوێت (نموونە).",
        ),
    },
}

# Directory kinds that match an organisation kind, to link demo entries to demo organisations.
_RECEIVING_KINDS = {
    ServiceKind.POLICE: OrganisationKind.POLICE,
    ServiceKind.NATIONAL_SECURITY: OrganisationKind.NATIONAL_SECURITY,
    ServiceKind.PSYCHOSOCIAL: OrganisationKind.SERVICE_PROVIDER,
}


@transaction.atomic
def create_demo_directory() -> int:
    """Add the demo entries once, linked to a demo organisation of the matching kind; returns how many."""
    if Service.objects.exists():
        return 0
    receivers = {kind: Organisation.objects.filter(kind=kind).order_by("pk").first() for kind in OrganisationKind}
    Service.objects.bulk_create(
        Service(
            name=name,
            number=number,
            area=area,
            kind=kind,
            is_hotline=True,
            is_emergency=emergency,
            hours=hours,
            languages=languages,
            accepts=accepts,
            language="en",
            organisation=receivers.get(_RECEIVING_KINDS[kind]) if kind in _RECEIVING_KINDS else None,
        )
        for name, number, area, kind, emergency, hours, languages, accepts in DEMO_HOTLINES
    )
    ServiceText.objects.bulk_create(
        ServiceText(service=service, language=language, name=name, hours=hours, languages=languages, accepts=accepts)
        for service in Service.objects.all()
        for language, (name, hours, languages, accepts) in DEMO_WORDS[service.number].items()
    )
    return len(DEMO_HOTLINES)

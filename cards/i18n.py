"""The one translation table: every string a user sees, in bokmål and English.

`t(lang, key, **values)` looks a string up and fills its `{placeholders}`. A key missing in
one language is a bug that `tests/test_i18n.py` catches, so lookups never fall back silently.
"""

from __future__ import annotations

from domain.language import Language

TEXTS: dict[str, dict[Language, str]] = {
    # -- commands: what a user types; both languages are understood whatever the setting ----
    "command.help": {"nb": "hjelp", "en": "help"},
    "command.checkin": {"nb": "sjekk inn", "en": "check in"},
    "command.trend": {"nb": "min utvikling", "en": "my trend"},
    "command.settings": {"nb": "innstillinger", "en": "settings"},
    # -- greeting and help ---------------------------------------------------------------
    "greeting": {
        "nb": "Hei{name}! Jeg er hjemmekontor-boten. Jeg hjelper deg og lederen din med "
        "hjemmekontoravtalen, og spør deg hver uke hvordan du har det på jobb, "
        "særlig om stress og sosial kontakt. Svarene dine er dine: lederen din ser dem "
        "bare hvis du selv sier ja.",
        "en": "Hi{name}! I am the home-office bot. I help you and your leader with the "
        "home-office agreement, and ask you every week how work is going, especially about "
        "stress and social contact. Your answers are yours: your leader sees them only if "
        "you say yes.",
    },
    "greeting.offer": {
        "nb": "Vil du sjekke inn nå? Det tar under ett minutt.",
        "en": "Would you like to check in now? It takes less than a minute.",
    },
    "help.title": {"nb": "Dette kan jeg hjelpe med", "en": "What I can help with"},
    "help.intro": {
        "nb": "Skriv en av kommandoene under, eller trykk på en knapp.",
        "en": "Type one of the commands below, or press a button.",
    },
    "help.checkin": {
        "nb": "**sjekk inn** – svar på ukens spørsmål om stress, sosial kontakt og arbeidshverdag",
        "en": "**check in** – answer this week's questions on stress, social contact and work",
    },
    "help.trend": {
        "nb": "**min utvikling** – se svarene dine over de siste rundene",
        "en": "**my trend** – see your answers over the last rounds",
    },
    "help.settings": {
        "nb": "**innstillinger** – språk og andre valg",
        "en": "**settings** – language and other choices",
    },
    "help.help": {"nb": "**hjelp** – denne oversikten", "en": "**help** – this overview"},
    "unknown": {
        "nb": "Den forsto jeg ikke helt. Her er det jeg kan hjelpe med:",
        "en": "I did not quite get that. Here is what I can help with:",
    },
    "action.checkin": {"nb": "Sjekk inn", "en": "Check in"},
    "action.trend": {"nb": "Min utvikling", "en": "My trend"},
    "action.settings": {"nb": "Innstillinger", "en": "Settings"},
    # -- check-in card ---------------------------------------------------------------------
    "checkin.title": {"nb": "Ukens innsjekk", "en": "This week's check-in"},
    "checkin.intro": {
        "nb": "Hvor enig er du i påstandene under? Svarene lagres uten navn; lederen din ser "
        "dem ikke med mindre du ber om kontakt.",
        "en": "How much do you agree with the statements below? Answers are stored without "
        "your name; your leader does not see them unless you ask to be contacted.",
    },
    "checkin.round": {
        "nb": "Runde {round} – åpen til {closes}",
        "en": "Round {round} – open until {closes}",
    },
    "checkin.reminder": {
        "nb": "Påminnelse: du har ikke svart på denne runden ennå. Det tar under ett minutt.",
        "en": "Reminder: you have not answered this round yet. It takes less than a minute.",
    },
    "checkin.placeholder": {"nb": "Velg …", "en": "Choose …"},
    "checkin.contact_me": {
        "nb": "Jeg ønsker at lederen min tar kontakt med meg",
        "en": "I would like my leader to contact me",
    },
    "checkin.comment": {"nb": "Kommentar (valgfritt)", "en": "Comment (optional)"},
    "checkin.comment.placeholder": {
        "nb": "Noe du vil legge til? Kommentarer vises aldri i oversikter.",
        "en": "Anything to add? Comments never appear in summaries.",
    },
    "checkin.submit": {"nb": "Send inn", "en": "Submit"},
    "checkin.errors": {
        "nb": "Noe mangler eller er ugyldig – se markeringene under.",
        "en": "Something is missing or invalid – see the marks below.",
    },
    "scale.1": {"nb": "1 – Helt uenig", "en": "1 – Strongly disagree"},
    "scale.2": {"nb": "2 – Delvis uenig", "en": "2 – Somewhat disagree"},
    "scale.3": {"nb": "3 – Verken enig eller uenig", "en": "3 – Neither agree nor disagree"},
    "scale.4": {"nb": "4 – Delvis enig", "en": "4 – Somewhat agree"},
    "scale.5": {"nb": "5 – Helt enig", "en": "5 – Strongly agree"},
    "item.stress": {
        "nb": "Jeg har opplevd mye stress den siste tiden",
        "en": "I have felt a lot of stress lately",
    },
    "item.social": {
        "nb": "Jeg har nok sosial og uformell kontakt med kollegaer",
        "en": "I have enough social and informal contact with colleagues",
    },
    "item.focus": {
        "nb": "Jeg har god arbeidsro og kan konsentrere meg",
        "en": "I have peace to work and can concentrate",
    },
    "item.workload": {"nb": "Arbeidsmengden min er håndterbar", "en": "My workload is manageable"},
    "item.balance": {
        "nb": "Jeg har god balanse mellom jobb og privatliv",
        "en": "I have a good balance between work and private life",
    },
    "item.leader": {
        "nb": "Lederen min ser meg og gir meg støtte og tilbakemelding",
        "en": "My leader sees me and gives me support and feedback",
    },
    "item.learning": {
        "nb": "Jeg har mulighet for læring og faglig utvikling",
        "en": "I can learn and develop professionally",
    },
    "item.strain": {
        "nb": "Jeg har plager fra arbeidsstillingen eller utstyret",
        "en": "I have discomfort from my work posture or equipment",
    },
    "item.short.stress": {"nb": "Stress", "en": "Stress"},
    "item.short.social": {"nb": "Sosial kontakt", "en": "Social contact"},
    "item.short.focus": {"nb": "Arbeidsro", "en": "Focus"},
    "item.short.workload": {"nb": "Arbeidsmengde", "en": "Workload"},
    "item.short.balance": {"nb": "Balanse", "en": "Balance"},
    "item.short.leader": {"nb": "Støtte fra leder", "en": "Leader support"},
    "item.short.learning": {"nb": "Læring", "en": "Learning"},
    "item.short.strain": {"nb": "Plager", "en": "Discomfort"},
    "error.required": {"nb": "Velg et svar.", "en": "Choose an answer."},
    "error.invalid": {"nb": "Velg et svar fra 1 til 5.", "en": "Choose an answer from 1 to 5."},
    "error.too_long": {
        "nb": "Kommentaren er for lang (høyst {max} tegn).",
        "en": "The comment is too long (at most {max} characters).",
    },
    # -- receipts and round states -----------------------------------------------------------
    "receipt.title": {"nb": "Takk for svarene dine!", "en": "Thank you for your answers!"},
    "receipt.body": {
        "nb": "Svarene for runde {round} er lagret.",
        "en": "Your answers for round {round} are saved.",
    },
    "receipt.contact_me": {
        "nb": "Du ba om at lederen din tar kontakt.",
        "en": "You asked your leader to get in touch.",
    },
    "receipt.already": {
        "nb": "Du har allerede svart på runde {round}. Svarene fra første innsending står.",
        "en": "You already answered round {round}. Your first answers stand.",
    },
    "receipt.closed": {
        "nb": "Runde {round} er avsluttet og tar ikke imot flere svar. Skriv «sjekk inn» for "
        "den nåværende runden.",
        "en": "Round {round} is closed and takes no more answers. Type “check in” for the "
        "current round.",
    },
    "receipt.unknown_round": {
        "nb": "Dette kortet hører ikke til noen runde jeg kjenner. Skriv «sjekk inn» for et nytt.",
        "en": "This card belongs to no round I know. Type “check in” for a new one.",
    },
    "receipt.see_trend": {"nb": "Se min utvikling", "en": "See my trend"},
    # -- trend -------------------------------------------------------------------------------
    "trend.title": {"nb": "Min utvikling", "en": "My trend"},
    "trend.empty": {
        "nb": "Du har ikke svart på noen innsjekk ennå. Skriv «sjekk inn» for å starte.",
        "en": "You have not answered any check-in yet. Type “check in” to start.",
    },
    "trend.intro": {
        "nb": "Dine svar de siste {count} rundene (1 = helt uenig, 5 = helt enig). Bare du ser dette.",
        "en": "Your answers over the last {count} rounds (1 = strongly disagree, 5 = strongly "
        "agree). Only you see this.",
    },
    "trend.intro.one": {
        "nb": "Dine svar fra den siste runden (1 = helt uenig, 5 = helt enig). Bare du ser dette.",
        "en": "Your answers from the last round (1 = strongly disagree, 5 = strongly agree). "
        "Only you see this.",
    },
    "trend.chart.wellbeing": {"nb": "Stress og sosial kontakt", "en": "Stress and social contact"},
    "trend.table": {"nb": "Alle svar", "en": "All answers"},
    "trend.round": {"nb": "Runde", "en": "Round"},
    # -- settings ----------------------------------------------------------------------------
    "settings.title": {"nb": "Innstillinger", "en": "Settings"},
    "settings.language": {"nb": "Språk", "en": "Language"},
    "settings.language.nb": {"nb": "Norsk (bokmål)", "en": "Norwegian (bokmål)"},
    "settings.language.en": {"nb": "Engelsk", "en": "English"},
    "settings.age_band": {"nb": "Aldersgruppe (valgfritt)", "en": "Age group (optional)"},
    "settings.age_band.none": {"nb": "Vil ikke oppgi", "en": "Prefer not to say"},
    "settings.age_band.-30": {"nb": "30 år eller yngre", "en": "30 or younger"},
    "settings.age_band.31-40": {"nb": "31–40 år", "en": "31–40"},
    "settings.age_band.41-50": {"nb": "41–50 år", "en": "41–50"},
    "settings.age_band.51-60": {"nb": "51–60 år", "en": "51–60"},
    "settings.age_band.61-": {"nb": "61 år eller eldre", "en": "61 or older"},
    "settings.age_band.why": {
        "nb": "Brukes bare i anonyme oversikter, og bare for grupper med nok svar.",
        "en": "Used only in anonymous summaries, and only for groups with enough answers.",
    },
    "settings.save": {"nb": "Lagre", "en": "Save"},
    "settings.saved": {"nb": "Innstillingene er lagret.", "en": "Your settings are saved."},
    "settings.invalid": {
        "nb": "Velg et av språkene, og eventuelt en aldersgruppe fra listen.",
        "en": "Choose one of the languages, and an age group from the list if you like.",
    },
    "personal_only": {
        "nb": "Innsjekk og svar er personlige, så jeg tar dem bare i en privat chat med deg. "
        "Åpne chatten med meg og skriv «hjelp».",
        "en": "Check-ins and answers are personal, so I only take them in a private chat with "
        "you. Open your chat with me and type “help”.",
    },
    # -- the home-office agreement's rules (domain/agreement.py) -------------------------------
    "extent.invalid": {
        "nb": "Velg et antall dager fra 0 til 5.",
        "en": "Choose a number of days from 0 to 5.",
    },
    "extent.unknown_day": {
        "nb": "Velg faste dager blant mandag til fredag.",
        "en": "Choose fixed days from Monday to Friday.",
    },
    "extent.days_mismatch": {
        "nb": "Antall faste dager må stemme med antall hjemmekontordager.",
        "en": "The number of fixed days must match the number of home-office days.",
    },
    "extent.too_many": {
        "nb": "Retningslinjene sier høyst 2, og i særlige tilfeller 3, dager i uken på "
        "hjemmekontor. Mer enn det avtales ikke i en ordinær situasjon.",
        "en": "The guidelines say at most 2, and in special cases 3, days a week at home. More "
        "than that is not agreed in an ordinary situation.",
    },
    "extent.reason_needed": {
        "nb": "3 dager i uken avtales bare med en begrunnelse, som lederen din ser.",
        "en": "3 days a week is agreed only with a reason, which your leader sees.",
    },
    "ergonomics.fixed_place": {
        "nb": "Finn en fast arbeidsplass hjemme når du jobber der jevnlig.",
        "en": "Find a fixed place to work at home when you work there regularly.",
    },
    "ergonomics.get.desk": {"nb": "Bruk et skikkelig skrivebord.", "en": "Use a proper desk."},
    "ergonomics.get.office_chair": {
        "nb": "Bruk en kontorstol som kan stilles inn.",
        "en": "Use an adjustable office chair.",
    },
    "ergonomics.get.forearm_support": {
        "nb": "Sørg for støtte til underarmene.",
        "en": "Make sure your forearms are supported.",
    },
    "ergonomics.get.external_screen": {
        "nb": "Bruk en ekstern skjerm i riktig høyde.",
        "en": "Use an external screen at the right height.",
    },
    "ergonomics.get.keyboard": {"nb": "Bruk et eget tastatur.", "en": "Use a separate keyboard."},
    "ergonomics.get.mouse": {"nb": "Bruk en egen mus.", "en": "Use a separate mouse."},
    "ergonomics.get.light": {
        "nb": "Sørg for godt lys uten blending.",
        "en": "Make sure you have good light without glare.",
    },
    "ergonomics.discomfort.neck": {
        "nb": "Plager i nakken: sjekk skjermhøyden og ta jevnlige pauser.",
        "en": "Neck discomfort: check the screen height and take regular breaks.",
    },
    "ergonomics.discomfort.back": {
        "nb": "Plager i ryggen: still inn stolen og varier arbeidsstillingen.",
        "en": "Back discomfort: adjust the chair and vary your working position.",
    },
    "ergonomics.discomfort.arms": {
        "nb": "Plager i armene: støtt underarmene og hold tastatur og mus nær.",
        "en": "Arm discomfort: support your forearms and keep keyboard and mouse close.",
    },
    "equipment.invalid": {
        "nb": "Beløpene kan ikke være negative.",
        "en": "Amounts cannot be negative.",
    },
    "equipment.temporary_only_when_ordered": {
        "nb": "Hjemlån i en midlertidig situasjon gjelder bare når hjemmekontor er pålagt.",
        "en": "A temporary home loan applies only when home office is ordered.",
    },
    "equipment.standard_needs_regular_days": {
        "nb": "Standardpakken gjelder en fast ordning med minst én dag i uken hjemme.",
        "en": "The standard package is for a regular arrangement of at least one day a week.",
    },
    "equipment.it_over_limit": {
        "nb": "IKT-utstyret går over beløpet i standardpakken.",
        "en": "The IT equipment is over the standard package's amount.",
    },
    "equipment.furniture_over_limit": {
        "nb": "Møblene går over beløpet i standardpakken.",
        "en": "The furniture is over the standard package's amount.",
    },
    "equipment.basic_has_no_loan": {
        "nb": "Grunnpakken er bærbar PC eller iPad med tilganger, uten utlån av annet utstyr.",
        "en": "The basic package is a laptop or iPad with access, with no loan of other equipment.",
    },
    # -- failures ----------------------------------------------------------------------------
    "error.busy": {
        "nb": "Jeg får ikke lagret akkurat nå. Ingenting er mistet – prøv igjen om litt.",
        "en": "I cannot save right now. Nothing is lost – please try again in a moment.",
    },
    "error.unexpected": {
        "nb": "Beklager, noe gikk galt hos meg. Prøv igjen, eller skriv «hjelp».",
        "en": "Sorry, something went wrong on my side. Try again, or type “help”.",
    },
    "error.unknown_action": {
        "nb": "Denne knappen kjenner jeg ikke igjen. Skriv «hjelp» for det jeg kan.",
        "en": "I do not recognise this button. Type “help” for what I can do.",
    },
}


def t(lang: Language, key: str, **values: object) -> str:
    text = TEXTS[key][lang]
    return text.format(**values) if values else text

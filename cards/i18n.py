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
    "command.agreement": {"nb": "avtale", "en": "agreement"},
    "command.ergonomics": {"nb": "ergonomi", "en": "ergonomics"},
    "command.equipment": {"nb": "utstyr", "en": "equipment"},
    "command.team": {"nb": "mitt team", "en": "my team"},
    "command.pulse": {"nb": "puls", "en": "pulse"},
    "command.my_data": {"nb": "mine data", "en": "my data"},
    "command.delete_data": {"nb": "slett mine data", "en": "delete my data"},
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
    "help.agreement": {
        "nb": "**avtale** – start, fortsett eller se hjemmekontoravtalen din",
        "en": "**agreement** – start, continue or view your home-office agreement",
    },
    "help.ergonomics": {
        "nb": "**ergonomi** – gå gjennom arbeidsplassen hjemme",
        "en": "**ergonomics** – go through your workplace at home",
    },
    "help.equipment": {
        "nb": "**utstyr** – be om utstyr til hjemmekontoret",
        "en": "**equipment** – ask for home-office equipment",
    },
    "help.team": {
        "nb": "**mitt team** – godkjenninger, avtaler og teamets hjemmekontordager",
        "en": "**my team** – approvals, agreements and the team's home-office days",
    },
    "help.pulse": {
        "nb": "**puls** – anonyme resultater for ditt område",
        "en": "**pulse** – anonymous results for your area",
    },
    "help.data": {
        "nb": "**mine data** / **slett mine data** – se eller slett alt jeg har lagret om deg",
        "en": "**my data** / **delete my data** – see or delete everything I keep about you",
    },
    "help.help": {"nb": "**hjelp** – denne oversikten", "en": "**help** – this overview"},
    "unknown": {
        "nb": "Den forsto jeg ikke helt. Her er det jeg kan hjelpe med:",
        "en": "I did not quite get that. Here is what I can help with:",
    },
    "action.checkin": {"nb": "Sjekk inn", "en": "Check in"},
    "action.trend": {"nb": "Min utvikling", "en": "My trend"},
    "action.settings": {"nb": "Innstillinger", "en": "Settings"},
    "action.agreement": {"nb": "Hjemmekontoravtale", "en": "Home-office agreement"},
    "action.team": {"nb": "Mitt team", "en": "My team"},
    "action.pulse": {"nb": "Puls", "en": "Pulse"},
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
    "trend.table": {"nb": "Svarene i de siste rundene", "en": "Answers in the latest rounds"},
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
    # -- the agreement conversation (dialogs/agreement.py, cards/agreement.py) ---------------
    "weekday.mon": {"nb": "mandag", "en": "Monday"},
    "weekday.tue": {"nb": "tirsdag", "en": "Tuesday"},
    "weekday.wed": {"nb": "onsdag", "en": "Wednesday"},
    "weekday.thu": {"nb": "torsdag", "en": "Thursday"},
    "weekday.fri": {"nb": "fredag", "en": "Friday"},
    "agreement.title": {"nb": "Hjemmekontoravtale", "en": "Home-office agreement"},
    "agreement.next": {"nb": "Neste", "en": "Next"},
    "agreement.step_of": {
        "nb": "Hjemmekontoravtale · steg {n} av {total}",
        "en": "Home-office agreement · step {n} of {total}",
    },
    "agreement.required": {"nb": "Velg et svar her.", "en": "Choose an answer here."},
    "agreement.save": {"nb": "Lagre forslaget", "en": "Save the proposal"},
    "agreement.stale": {
        "nb": "Det kortet var fra et tidligere steg. Her er du nå:",
        "en": "That card was from an earlier step. This is where you are:",
    },
    "agreement.finished": {
        "nb": "Den samtalen er avsluttet. Skriv «avtale» for å se eller endre avtalen din.",
        "en": "That conversation has ended. Type “agreement” to see or change your agreement.",
    },
    "agreement.invalid_choice": {
        "nb": "Velg blant alternativene på kortet.",
        "en": "Choose from the options on the card.",
    },
    "agreement.choose_one": {
        "nb": "Velg ett av alternativene.",
        "en": "Choose one of the options.",
    },
    "agreement.tasks.title": {"nb": "Arbeidsoppgaver", "en": "Tasks"},
    "agreement.tasks.intro": {
        "nb": "Hvilke av oppgavene dine passer hjemme, og hvilke trenger kontoret?",
        "en": "Which of your tasks suit home, and which need the office?",
    },
    "agreement.tasks.home": {"nb": "Passer hjemme", "en": "Suit home"},
    "agreement.tasks.office": {"nb": "Trenger kontoret", "en": "Need the office"},
    "agreement.tasks.expectations": {
        "nb": "Forventninger til leveranser og tilgjengelighet",
        "en": "Expectations on deliverables and availability",
    },
    "agreement.tasks.none_home": {
        "nb": "Velg minst én oppgave som passer hjemme.",
        "en": "Choose at least one task that suits home.",
    },
    "agreement.task.concentration": {"nb": "Konsentrasjonsarbeid", "en": "Concentration work"},
    "agreement.task.writing": {
        "nb": "Skriving og saksbehandling",
        "en": "Writing and case processing",
    },
    "agreement.task.digital_meetings": {"nb": "Digitale møter", "en": "Digital meetings"},
    "agreement.task.planning": {"nb": "Planlegging", "en": "Planning"},
    "agreement.task.physical_meetings": {"nb": "Fysiske møter", "en": "Physical meetings"},
    "agreement.task.collaboration": {
        "nb": "Samarbeid og innovasjon",
        "en": "Collaboration and innovation",
    },
    "agreement.task.user_contact": {"nb": "Brukerkontakt", "en": "User contact"},
    "agreement.task.training": {
        "nb": "Opplæring av nye kolleger",
        "en": "Training new colleagues",
    },
    "agreement.extent.title": {"nb": "Omfang", "en": "Extent"},
    "agreement.extent.intro": {
        "nb": "Retningslinjene: høyst 2 dager i uken hjemme, 3 etter avtale med lederen og med "
        "en begrunnelse, aldri mer.",
        "en": "The guidelines: at most 2 days a week at home, 3 by agreement with your leader "
        "and with a reason, never more.",
    },
    "agreement.extent.intro_ordered": {
        "nb": "Hjemmekontor er nå pålagt, så alle arbeidsdager kan avtales hjemme.",
        "en": "Home office is ordered now, so any workdays can be agreed at home.",
    },
    "agreement.extent.days": {"nb": "Dager i uken hjemme", "en": "Days a week at home"},
    "agreement.extent.kind": {"nb": "Faste eller fleksible dager", "en": "Fixed or flexible days"},
    "agreement.extent.kind.flexible": {"nb": "fleksible dager", "en": "flexible days"},
    "agreement.extent.kind.fixed": {"nb": "faste dager", "en": "fixed days"},
    "agreement.extent.weekdays": {
        "nb": "Hvilke dager (ved faste dager)",
        "en": "Which days (with fixed days)",
    },
    "agreement.extent.reason": {
        "nb": "Begrunnelse (trengs for 3 dager)",
        "en": "Reason (needed for 3 days)",
    },
    "agreement.extent.reason_ordered": {
        "nb": "Kommentar (valgfritt)",
        "en": "Comment (optional)",
    },
    "agreement.version": {"nb": "versjon {version}", "en": "version {version}"},
    "agreement.ergonomics.title": {"nb": "Ergonomi", "en": "Ergonomics"},
    "agreement.ergonomics.intro": {
        "nb": "Hvordan er arbeidsplassen din hjemme?",
        "en": "What is your workplace at home like?",
    },
    "agreement.ergonomics.place": {"nb": "Arbeidsplass", "en": "Workplace"},
    "agreement.ergonomics.has": {"nb": "Dette har jeg", "en": "I have"},
    "agreement.ergonomics.discomfort": {
        "nb": "Jeg har plager i",
        "en": "I have discomfort in",
    },
    "agreement.ergonomics.place_needed": {
        "nb": "Velg hvor du jobber hjemme.",
        "en": "Choose where you work at home.",
    },
    "agreement.place.own_room": {"nb": "Eget arbeidsrom", "en": "Own work room"},
    "agreement.place.fixed_place": {"nb": "Fast arbeidsplass", "en": "Fixed place"},
    "agreement.place.no_fixed_place": {"nb": "Ingen fast arbeidsplass", "en": "No fixed place"},
    "agreement.item.desk": {"nb": "Skrivebord", "en": "Desk"},
    "agreement.item.office_chair": {"nb": "Kontorstol", "en": "Office chair"},
    "agreement.item.forearm_support": {"nb": "Underarmsstøtte", "en": "Forearm support"},
    "agreement.item.external_screen": {"nb": "Ekstern skjerm", "en": "External screen"},
    "agreement.item.keyboard": {"nb": "Tastatur", "en": "Keyboard"},
    "agreement.item.mouse": {"nb": "Mus", "en": "Mouse"},
    "agreement.item.light": {"nb": "Godt lys", "en": "Good light"},
    "agreement.body.neck": {"nb": "nakken", "en": "neck"},
    "agreement.body.back": {"nb": "ryggen", "en": "back"},
    "agreement.body.arms": {"nb": "armene", "en": "arms"},
    "agreement.occupational_health.title": {
        "nb": "Råd om arbeidsplassen",
        "en": "Advice on your workplace",
    },
    "agreement.occupational_health.intro": {
        "nb": "Arbeidsplassen din kan gi belastningsplager. Dette kan hjelpe:",
        "en": "Your workplace may cause strain. This can help:",
    },
    "agreement.advice.offer": {
        "nb": "Vil du at bedriftshelsetjenesten (BHT) skal se på arbeidsplassen din?",
        "en": "Would you like occupational health (BHT) to look at your workplace?",
    },
    "agreement.yes_no.yes": {"nb": "Ja", "en": "Yes"},
    "agreement.yes_no.no": {"nb": "Nei", "en": "No"},
    "agreement.equipment.title": {"nb": "Utstyr", "en": "Equipment"},
    "agreement.equipment.intro": {
        "nb": "Velg pakken som passer ordningen din.",
        "en": "Choose the package that fits your arrangement.",
    },
    "agreement.equipment.package": {"nb": "Pakke", "en": "Package"},
    "agreement.equipment.it_cost": {
        "nb": "IKT-utstyr til utlån, kr (pakke 2: høyst {it})",
        "en": "IT equipment on loan, NOK (package 2: at most {it})",
    },
    "agreement.equipment.furniture_cost": {
        "nb": "Møbler til utlån, kr (pakke 2: høyst {furniture})",
        "en": "Furniture on loan, NOK (package 2: at most {furniture})",
    },
    "agreement.equipment.special": {
        "nb": "Særskilte behov (pakke 3: hva trengs, og BHTs råd)",
        "en": "Special needs (package 3: what is needed, and BHT's advice)",
    },
    "agreement.equipment.package_needed": {"nb": "Velg en pakke.", "en": "Choose a package."},
    "agreement.equipment.special_needed": {
        "nb": "Beskriv de særskilte behovene, så lederen kan bestille.",
        "en": "Describe the special needs, so your leader can order.",
    },
    "agreement.package.1": {
        "nb": "1 Grunnpakke mobilt kontor: bærbar PC/iPad med tilganger, korte perioder",
        "en": "1 Basic mobile office: laptop/iPad with access, short periods",
    },
    "agreement.package.2": {
        "nb": "2 Standard hjemmekontor: fast ordning, utlån av IKT (høyst kr {it}) og møbler "
        "(høyst kr {furniture})",
        "en": "2 Standard home office: regular arrangement, loan of IT (at most NOK {it}) and "
        "furniture (at most NOK {furniture})",
    },
    "agreement.package.3": {
        "nb": "3 Særskilte behov utover standard, etter råd fra BHT, bestilt av lederen",
        "en": "3 Special needs beyond standard, on BHT's advice, ordered by the leader",
    },
    "agreement.package.4": {
        "nb": "4 Hjemlån i en midlertidig situasjon (pålagt hjemmekontor)",
        "en": "4 Home loan in a temporary situation (ordered home office)",
    },
    "agreement.package.short.1": {"nb": "1 Grunnpakke", "en": "1 Basic"},
    "agreement.package.short.2": {"nb": "2 Standard", "en": "2 Standard"},
    "agreement.package.short.3": {"nb": "3 Særskilte behov", "en": "3 Special needs"},
    "agreement.package.short.4": {"nb": "4 Midlertidig hjemlån", "en": "4 Temporary home loan"},
    "agreement.network.title": {"nb": "Nettverk", "en": "Network"},
    "agreement.network.intro": {
        "nb": "Hvordan kobler du deg til hjemmefra?",
        "en": "How do you connect from home?",
    },
    "agreement.network.choice": {"nb": "Nettverk", "en": "Network"},
    "agreement.network.private": {"nb": "Privat nettverk", "en": "Private network"},
    "agreement.network.job_phone": {
        "nb": "Deling fra jobbtelefonen",
        "en": "Shared connection from the job phone",
    },
    "agreement.fact.home_tasks": {"nb": "Hjemme", "en": "At home"},
    "agreement.fact.office_tasks": {"nb": "På kontoret", "en": "At the office"},
    "agreement.fact.expectations": {"nb": "Forventninger", "en": "Expectations"},
    "agreement.fact.extent": {"nb": "Omfang", "en": "Extent"},
    "agreement.fact.reason": {"nb": "Begrunnelse", "en": "Reason"},
    "agreement.fact.place": {"nb": "Arbeidsplass", "en": "Workplace"},
    "agreement.fact.has": {"nb": "Utstyr hjemme", "en": "Equipment at home"},
    "agreement.fact.discomfort": {"nb": "Plager", "en": "Discomfort"},
    "agreement.fact.bht": {"nb": "Ønsker BHT", "en": "Wants BHT"},
    "agreement.fact.package": {"nb": "Pakke", "en": "Package"},
    "agreement.fact.costs": {"nb": "Utlån", "en": "Loan"},
    "agreement.fact.special": {"nb": "Særskilte behov", "en": "Special needs"},
    "agreement.fact.network": {"nb": "Nettverk", "en": "Network"},
    "agreement.days": {"nb": "{n} dager i uken, {days}", "en": "{n} days a week, {days}"},
    "agreement.costs": {
        "nb": "IKT kr {it}, møbler kr {furniture}",
        "en": "IT NOK {it}, furniture NOK {furniture}",
    },
    "agreement.summary.title": {
        "nb": "Forslag til avtale, versjon {version}",
        "en": "Proposed agreement, version {version}",
    },
    "agreement.missing.tasks": {"nb": "Oppgavene mangler.", "en": "The tasks are missing."},
    "agreement.missing.extent": {"nb": "Omfanget mangler.", "en": "The extent is missing."},
    "agreement.missing.ergonomics": {
        "nb": "Ergonomien mangler.",
        "en": "The ergonomics are missing.",
    },
    "agreement.missing.equipment": {"nb": "Utstyret mangler.", "en": "The equipment is missing."},
    "agreement.missing.network": {"nb": "Nettverket mangler.", "en": "The network is missing."},
    "agreement.leader_comment": {
        "nb": "Lederens kommentar: {comment}",
        "en": "Your leader's comment: {comment}",
    },
    "agreement.summary.to": {
        "nb": "Forslaget går til {leader} for godkjenning.",
        "en": "The proposal goes to {leader} for approval.",
    },
    "agreement.summary.no_leader": {
        "nb": "Katalogen viser ingen leder for deg ennå; forslaget blir lagret til den gjør det.",
        "en": "The directory shows no leader for you yet; the proposal is kept until it does.",
    },
    "agreement.edit": {"nb": "Endre", "en": "Edit"},
    "agreement.send": {"nb": "Send til lederen", "en": "Send to my leader"},
    "agreement.flag.three_days": {
        "nb": "3 dager i uken: begrunnelsen må vurderes",
        "en": "3 days a week: the reason is for the leader to weigh",
    },
    "agreement.flag.ergonomic_risk": {
        "nb": "Ergonomisk risiko på hjemmekontoret",
        "en": "Ergonomic risk in the home office",
    },
    "agreement.flag.leader_orders": {
        "nb": "Særskilt utstyr: lederen bestiller",
        "en": "Special equipment: the leader orders it",
    },
    "agreement.saved.title": {"nb": "Lagret", "en": "Saved"},
    "agreement.saved": {
        "nb": "Lagret i utkastet til avtalen din. Skriv «avtale» for å fortsette eller sende "
        "den til lederen.",
        "en": "Saved to your agreement draft. Type “agreement” to go on or send it to your leader.",
    },
    "agreement.sent.title": {"nb": "Sendt til godkjenning", "en": "Sent for approval"},
    "agreement.sent": {
        "nb": "Versjon {version} er sendt til {leader}. Du får svaret her.",
        "en": "Version {version} has been sent to {leader}. You will get the answer here.",
    },
    "agreement.sent_not_reachable": {
        "nb": "Versjon {version} venter på {leader}, som ikke har tatt i bruk boten ennå. Be "
        "lederen åpne boten og skrive «mitt team».",
        "en": "Version {version} is waiting for {leader}, who has not started using the bot "
        "yet. Ask your leader to open the bot and type “my team”.",
    },
    "agreement.no_leader.title": {"nb": "Lagret – ingen leder ennå", "en": "Kept – no leader yet"},
    "agreement.no_leader": {
        "nb": "Organisasjonskatalogen viser ingen leder for deg. Forslaget er lagret og går "
        "til lederen din så snart katalogen har en. Si gjerne fra til HR.",
        "en": "The organisation directory shows no leader for you. Your proposal is kept and "
        "goes to your leader as soon as the directory has one. You may want to tell HR.",
    },
    "agreement.not_editable": {
        "nb": "Avtalen kan ikke endres akkurat nå.",
        "en": "The agreement cannot be changed right now.",
    },
    "agreement.incomplete": {
        "nb": "Avtalen er ikke ferdig utfylt.",
        "en": "The agreement is not complete.",
    },
    "agreement.not_your_employee": {
        "nb": "Dette gjelder ikke en av dine medarbeidere, så jeg kan ikke vise det.",
        "en": "This is not about one of your employees, so I cannot show it.",
    },
    "agreement.already_decided": {
        "nb": "Dette forslaget er allerede besvart eller trukket tilbake.",
        "en": "This proposal has already been answered or withdrawn.",
    },
    "agreement.comment_needed": {
        "nb": "Skriv en kommentar om hva som bør endres.",
        "en": "Write a comment on what should change.",
    },
    "agreement.none_yet": {
        "nb": "Det finnes ingen avtale ennå.",
        "en": "There is no agreement yet.",
    },
    "agreement.revise": {"nb": "Endre forslaget", "en": "Revise the proposal"},
    "agreement.change": {"nb": "Endre avtalen", "en": "Change the agreement"},
    "agreement.card.title": {
        "nb": "Hjemmekontoravtale – {name}",
        "en": "Home-office agreement – {name}",
    },
    "agreement.card.status": {
        "nb": "Versjon {version}, godkjent av {leader} {decided}. Gjennomgås igjen {review}.",
        "en": "Version {version}, approved by {leader} on {decided}. Review on {review}.",
    },
    "agreement.card.draft.draft": {
        "nb": "Utkast til versjon {version} er under arbeid.",
        "en": "A draft of version {version} is in progress.",
    },
    "agreement.card.draft.waiting_for_leader": {
        "nb": "Versjon {version} venter på at katalogen får en leder for deg.",
        "en": "Version {version} is waiting for the directory to name your leader.",
    },
    "agreement.card.draft.pending": {
        "nb": "Versjon {version} ligger hos lederen din til godkjenning.",
        "en": "Version {version} is with your leader for approval.",
    },
    "agreement.card.draft.changes_requested": {
        "nb": "Lederen har bedt om endringer i versjon {version}.",
        "en": "Your leader asked for changes to version {version}.",
    },
    "agreement.card.draft.talk_proposed": {
        "nb": "Lederen vil snakke med deg om versjon {version}.",
        "en": "Your leader would like to talk about version {version}.",
    },
    "agreement.card.draft.approved": {
        "nb": "Versjon {version} er godkjent.",
        "en": "Version {version} is approved.",
    },
    "agreement.invite.title": {
        "nb": "Samtale om hjemmekontor",
        "en": "A conversation about home office",
    },
    "agreement.invite.text": {
        "nb": "{leader} inviterer deg til å lage en hjemmekontoravtale: oppgaver, omfang, "
        "ergonomi, utstyr og nettverk. Det tar noen minutter, og du kan ta pauser underveis.",
        "en": "{leader} invites you to make a home-office agreement: tasks, extent, ergonomics, "
        "equipment and network. It takes a few minutes, and you can pause along the way.",
    },
    "agreement.new_leader.title": {"nb": "Ny leder", "en": "A new leader"},
    "agreement.new_leader.text": {
        "nb": "{leader} er nå lederen din. Forslaget ditt (versjon {version}) er sendt til "
        "{leader}, som avgjør det.",
        "en": "{leader} is your leader now. Your proposal (version {version}) has been sent to "
        "{leader}, who decides on it.",
    },
    "agreement.start": {"nb": "Start", "en": "Start"},
    "agreement.open": {"nb": "Åpne avtalen", "en": "Open the agreement"},
    "agreement.review.title": {
        "nb": "Tid for å gå gjennom hjemmekontoravtalen",
        "en": "Time to review the home-office agreement",
    },
    "agreement.review.employee": {
        "nb": "Avtalen din skulle gjennomgås {day}. Se over den og endre det som ikke stemmer "
        "lenger.",
        "en": "Your agreement was due for review on {day}. Look it over and change what no "
        "longer fits.",
    },
    "agreement.review.leader": {
        "nb": "Hjemmekontoravtalen med {name} skulle gjennomgås {day}. Ta den opp i neste samtale.",
        "en": "The home-office agreement with {name} was due for review on {day}. Bring it up "
        "in your next conversation.",
    },
    "approval.title": {
        "nb": "{name} ber om godkjenning (versjon {version})",
        "en": "{name} asks for approval (version {version})",
    },
    "approval.intro": {
        "nb": "Forslaget til hjemmekontoravtale fra {name}. Punkter merket ⚑ trenger din vurdering.",
        "en": "The home-office agreement proposed by {name}. Points marked ⚑ need your judgement.",
    },
    "approval.comment": {
        "nb": "Kommentar (må fylles ut ved endringer)",
        "en": "Comment (required when asking for changes)",
    },
    "approval.approve": {"nb": "Godkjenn", "en": "Approve"},
    "approval.changes": {"nb": "Be om endringer", "en": "Ask for changes"},
    "approval.talk": {"nb": "Foreslå en samtale", "en": "Propose a talk"},
    "approval.decided.approved": {"nb": "Du har godkjent avtalen.", "en": "You approved it."},
    "approval.decided.changes_requested": {
        "nb": "Du har bedt om endringer.",
        "en": "You asked for changes.",
    },
    "approval.decided.talk_proposed": {
        "nb": "Du har foreslått en samtale.",
        "en": "You proposed a talk.",
    },
    "approval.decided.draft": {
        "nb": "Forslaget er trukket tilbake for endringer.",
        "en": "The proposal has been taken back for changes.",
    },
    "approval.decided.waiting_for_leader": {
        "nb": "Forslaget venter på en leder.",
        "en": "The proposal is waiting for a leader.",
    },
    "approval.decided.pending": {"nb": "Venter på svar.", "en": "Waiting for an answer."},
    "approval.meeting_subject": {
        "nb": "Hjemmekontoravtale – {name}",
        "en": "Home-office agreement – {name}",
    },
    "approval.schedule": {"nb": "Planlegg samtalen", "en": "Schedule the talk"},
    "decision.title": {"nb": "Svar på avtaleforslaget", "en": "Answer on your proposal"},
    "decision.approved": {
        "nb": "{leader} har godkjent versjon {version}.",
        "en": "{leader} approved version {version}.",
    },
    "decision.changes_requested": {
        "nb": "{leader} ber om endringer i versjon {version}.",
        "en": "{leader} asks for changes to version {version}.",
    },
    "decision.talk_proposed": {
        "nb": "{leader} vil gjerne snakke med deg om versjon {version}.",
        "en": "{leader} would like to talk with you about version {version}.",
    },
    "decision.chat": {"nb": "Chat med {leader}", "en": "Chat with {leader}"},
    # -- mitt team --------------------------------------------------------------------------
    "team.title": {"nb": "Mitt team", "en": "My team"},
    "team.not_leader": {
        "nb": "Organisasjonskatalogen viser ingen medarbeidere under deg, så her er ingenting "
        "å vise.",
        "en": "The organisation directory shows no one reporting to you, so there is nothing "
        "to show here.",
    },
    "team.pending": {"nb": "Venter på din godkjenning", "en": "Waiting for your approval"},
    "team.no_pending": {"nb": "Ingen venter.", "en": "No one is waiting."},
    "team.open_pending": {
        "nb": "{name} – versjon {version}",
        "en": "{name} – version {version}",
    },
    "team.agreements": {"nb": "Avtaler", "en": "Agreements"},
    "team.status.none": {"nb": "ingen avtale ennå", "en": "no agreement yet"},
    "team.status.draft": {"nb": "utkast (v{version})", "en": "draft (v{version})"},
    "team.status.waiting_for_leader": {
        "nb": "venter på leder (v{version})",
        "en": "waiting for a leader (v{version})",
    },
    "team.status.pending": {
        "nb": "til godkjenning (v{version})",
        "en": "for approval (v{version})",
    },
    "team.status.changes_requested": {
        "nb": "endringer bedt om (v{version})",
        "en": "changes asked for (v{version})",
    },
    "team.status.talk_proposed": {
        "nb": "samtale foreslått (v{version})",
        "en": "talk proposed (v{version})",
    },
    "team.status.approved": {"nb": "godkjent (v{version})", "en": "approved (v{version})"},
    "team.status.in_force": {"nb": "v{version} gjelder", "en": "v{version} in force"},
    "team.week": {"nb": "Planlagte hjemmekontordager", "en": "Planned home-office days"},
    "team.flexible": {"nb": "Fleksible dager", "en": "Flexible days"},
    "team.week.note": {
        "nb": "Antall med godkjent avtale som har fast hjemmedag den dagen, og hvor mange som "
        "har fleksible dager. Bruk det til å finne dager teamet møtes på kontoret.",
        "en": "How many with an approved agreement have that day fixed at home, and how many "
        "have flexible days. Use it to find days the team meets at the office.",
    },
    "team.invite": {"nb": "Start en avtalesamtale", "en": "Start an agreement conversation"},
    "team.invite.who": {"nb": "Medarbeider", "en": "Employee"},
    "team.invite.send": {"nb": "Send invitasjon", "en": "Send invitation"},
    "team.invite.who_needed": {
        "nb": "Velg en medarbeider først.",
        "en": "Choose an employee first.",
    },
    "team.invited": {
        "nb": "Invitasjonen er sendt til {name}.",
        "en": "The invitation went to {name}.",
    },
    "team.invite.not_reachable": {
        "nb": "{name} har ikke tatt i bruk boten ennå, så invitasjonen kom ikke fram. Be "
        "vedkommende åpne boten og skrive «avtale».",
        "en": "{name} has not started using the bot yet, so the invitation did not arrive. Ask "
        "them to open the bot and type “agreement”.",
    },
    "team.back": {"nb": "Tilbake til Mitt team", "en": "Back to My team"},
    "team.page": {"nb": "Side {page} av {pages}", "en": "Page {page} of {pages}"},
    "team.previous": {"nb": "Forrige side", "en": "Previous page"},
    "team.next": {"nb": "Neste side", "en": "Next page"},
    # -- follow-up (cards/followup.py) ------------------------------------------------------
    "followup.signal.contact_me": {
        "nb": "ønsker at du tar kontakt",
        "en": "would like you to get in touch",
    },
    "followup.signal.stress_max": {
        "nb": "svært høyt stressnivå i siste innsjekk",
        "en": "very high stress in the latest check-in",
    },
    "followup.signal.stress_high_twice": {
        "nb": "høyt stressnivå to runder på rad",
        "en": "high stress two rounds in a row",
    },
    "followup.signal.social_low_twice": {
        "nb": "lite sosial kontakt to runder på rad",
        "en": "little social contact two rounds in a row",
    },
    "followup.signal.strain_high": {
        "nb": "mye fysisk belastning i arbeidet",
        "en": "much physical strain at work",
    },
    "followup.title": {"nb": "Oppfølging: {name}", "en": "Follow-up: {name}"},
    "followup.intro": {
        "nb": "{name} har sagt ja til at du får vite dette fra innsjekkene:",
        "en": "{name} has agreed that you learn this from the check-ins:",
    },
    "followup.guide.title": {"nb": "Slik kan du følge opp", "en": "How to follow up"},
    "followup.guide.distance": {
        "nb": "Ta kontakt snart, gjerne på video, og avtal faste samtaler når dere jobber på "
        "avstand.",
        "en": "Get in touch soon, on video if you can, and agree on regular talks while you "
        "work apart.",
    },
    "followup.guide.listen": {
        "nb": "Spør åpent hvordan det går, lytt, og la medarbeideren styre hva hen vil dele.",
        "en": "Ask openly how things are, listen, and let them decide what they share.",
    },
    "followup.guide.adapt": {
        "nb": "Se på oppgaver, arbeidsmengde, arbeidsplassen hjemme og kontakten med kolleger: "
        "hva kan tilpasses?",
        "en": "Look at tasks, workload, the workplace at home and contact with colleagues: "
        "what can be adapted?",
    },
    "followup.guide.help": {
        "nb": "Trekk inn HR eller bedriftshelsetjenesten når det trengs.",
        "en": "Involve HR or occupational health when needed.",
    },
    "followup.private": {
        "nb": "Dette er personlige opplysninger om helse. Bare du ser dem; del dem ikke videre.",
        "en": "This is personal health information. Only you see it; do not pass it on.",
    },
    "followup.note": {
        "nb": "Notat (bare for deg)",
        "en": "Note (for you only)",
    },
    "followup.talk": {"nb": "Planlegg en samtale", "en": "Schedule a talk"},
    "followup.mark_done": {"nb": "Marker som fulgt opp", "en": "Mark as followed up"},
    "followup.support": {"nb": "Få støtte", "en": "Get support"},
    "followup.support.title": {
        "nb": "Støtte til deg som leder",
        "en": "Support for you as a leader",
    },
    "followup.support.hr": {"nb": "HR", "en": "HR"},
    "followup.support.bht": {"nb": "BHT", "en": "Occupational health"},
    "followup.open_meeting": {
        "nb": "Opprett Teams-møtet nå",
        "en": "Create the Teams meeting now",
    },
    "approval.your_comment": {"nb": "Din kommentar: {comment}", "en": "Your comment: {comment}"},
    "team.open_agreement": {"nb": "Avtalen til {name}", "en": "{name}'s agreement"},
    "followup.meeting_subject": {"nb": "En prat", "en": "A chat"},
    "followup.done": {"nb": "Fulgt opp {day}.", "en": "Followed up on {day}."},
    "followup.your_note": {"nb": "Notatet ditt: {note}", "en": "Your note: {note}"},
    "followup.reminder": {
        "nb": "Påminnelse: {name} venter fortsatt på at du tar kontakt.",
        "en": "Reminder: {name} is still waiting for you to get in touch.",
    },
    "followup.gone": {
        "nb": "Denne oppfølgingen er avsluttet eller gjelder ikke en av dine medarbeidere.",
        "en": "This follow-up is closed or is not about one of your employees.",
    },
    "followup.team.title": {"nb": "Signal fra teamet ditt", "en": "A signal from your team"},
    "followup.team.text": {
        "nb": "Flere i teamet ditt rapporterte høyt stressnivå i siste runde. Ingen enkeltsvar "
        "vises; dette bygger på svar fra minst så mange at ingen kan kjennes igjen.",
        "en": "Several in your team reported high stress in the last round. No single answers "
        "are shown; this comes from enough answers that no one can be recognised.",
    },
    "followup.team.talk": {
        "nb": "Ta opp arbeidsmengde og prioriteringer på neste teammøte.",
        "en": "Bring up workload and priorities at the next team meeting.",
    },
    "followup.team.workload": {
        "nb": "Se om frister og oppgaver kan fordeles annerledes.",
        "en": "See whether deadlines and tasks can be shared differently.",
    },
    "followup.team.together": {
        "nb": "Legg til rette for at teamet møtes, også uformelt.",
        "en": "Make room for the team to meet, informally too.",
    },
    "followup.unchecked": {
        "nb": "Svarene er lagret, men akkurat nå fikk jeg ikke sjekket om lederen din skal få "
        "beskjed. Vil du at lederen tar kontakt, trykk på knappen under.",
        "en": "Your answers are saved, but just now I could not check whether your leader should "
        "hear of it. If you would like your leader to get in touch, press the button below.",
    },
    "followup.not_answered": {
        "nb": "Jeg finner ikke svarene dine for den runden, så jeg har ikke spurt lederen din. "
        "Kryss av for kontakt i neste innsjekk, eller ta kontakt direkte.",
        "en": "I cannot find your answers for that round, so I have not asked your leader. Tick "
        "contact in your next check-in, or get in touch directly.",
    },
    "followup.asked.title": {"nb": "Kontakt med lederen", "en": "Contact with your leader"},
    "followup.asked": {
        "nb": "{leader} er bedt om å ta kontakt med deg.",
        "en": "{leader} has been asked to get in touch with you.",
    },
    "followup.no_leader": {
        "nb": "Organisasjonskatalogen viser ingen leder for deg, så ingen er bedt om å ta "
        "kontakt. Ta gjerne kontakt med HR: {hr}",
        "en": "The organisation directory shows no leader for you, so no one has been asked to "
        "get in touch. You may contact HR: {hr}",
    },
    "selfhelp.title": {"nb": "Litt støtte", "en": "Some support"},
    "selfhelp.intro": {
        "nb": "Svarene dine tyder på at det kan være tungt nå. Dette kan hjelpe:",
        "en": "Your answers suggest things may be hard right now. This may help:",
    },
    "selfhelp.breaks": {
        "nb": "Ta pauser, og gå ut i dagslys i løpet av arbeidsdagen.",
        "en": "Take breaks, and get outside in daylight during the working day.",
    },
    "selfhelp.colleagues": {
        "nb": "Avtal en kaffeprat eller en dag på kontoret med en kollega.",
        "en": "Set up a coffee chat or a day at the office with a colleague.",
    },
    "selfhelp.boundaries": {
        "nb": "Sett en tydelig slutt på arbeidsdagen hjemme.",
        "en": "Set a clear end to the working day at home.",
    },
    "selfhelp.helpline": {
        "nb": "Mental Helse Hjelpetelefonen, 116 123, er åpen hele døgnet.",
        "en": "The Mental Health helpline in Norway, 116 123, is open day and night.",
    },
    "selfhelp.bht": {
        "nb": "Bedriftshelsetjenesten: {contact}",
        "en": "Occupational health: {contact}",
    },
    "selfhelp.ask": {
        "nb": "Be lederen min ta kontakt",
        "en": "Ask my leader to contact me",
    },
    "selfhelp.private": {
        "nb": "Lederen din har ikke fått vite noe om svarene dine. Trykker du på knappen, får "
        "lederen vite at du ønsker kontakt og hva i svarene som ga grunn til det – ikke "
        "svarene selv.",
        "en": "Your leader has not been told anything about your answers. If you press the "
        "button, your leader learns that you would like contact and what in your answers "
        "gave reason for it – not the answers themselves.",
    },
    "settings.share": {
        "nb": "Lederen min kan få vite når innsjekkene mine viser",
        "en": "My leader may learn when my check-ins show",
    },
    "settings.share.stress": {"nb": "høyt stressnivå", "en": "high stress"},
    "settings.share.social": {"nb": "lite sosial kontakt", "en": "little social contact"},
    "settings.share.strain": {"nb": "mye fysisk belastning", "en": "much physical strain"},
    "settings.share.why": {
        "nb": "Frivillig, og du kan trekke det tilbake her når som helst. Uten dette får "
        "lederen bare vite noe når du selv ber om kontakt i en innsjekk.",
        "en": "Voluntary, and you can withdraw it here at any time. Without it your leader "
        "learns something only when you ask for contact in a check-in.",
    },
    "team.followups": {"nb": "Åpne oppfølginger", "en": "Open follow-ups"},
    "team.no_followups": {"nb": "Ingen åpne oppfølginger.", "en": "No open follow-ups."},
    "team.followup_open": {"nb": "{name} – siden {day}", "en": "{name} – since {day}"},
    # -- puls (cards/pulse.py) ----------------------------------------------------------------
    "pulse.title": {"nb": "Puls – {scope}", "en": "Pulse – {scope}"},
    "pulse.everyone": {"nb": "hele organisasjonen", "en": "the whole organisation"},
    "pulse.no_round": {
        "nb": "Ingen runde er avsluttet ennå. Resultatene vises når en runde er avsluttet.",
        "en": "No round has closed yet. Results are shown once a round has closed.",
    },
    "pulse.round": {
        "nb": "Runde {round} (avsluttet): {answered} av {invited} svarte ({rate} %).",
        "en": "Round {round} (closed): {answered} of {invited} answered ({rate} %).",
    },
    "pulse.round_hidden": {
        "nb": "Runde {round} (avsluttet). Svarprosenten vises ikke: for få svar.",
        "en": "Round {round} (closed). The response rate is not shown: too few answers.",
    },
    "pulse.means": {"nb": "Gjennomsnitt per spørsmål (1–5)", "en": "Mean per question (1–5)"},
    "pulse.item": {"nb": "Spørsmål", "en": "Question"},
    "pulse.mean": {"nb": "Snitt", "en": "Mean"},
    "pulse.answered": {"nb": "Svar", "en": "Answers"},
    "pulse.spread": {"nb": "Svar 1 · 2 · 3 · 4 · 5", "en": "Answers 1 · 2 · 3 · 4 · 5"},
    "pulse.breakdown_of": {"nb": "{scope}, runde {round}", "en": "{scope}, round {round}"},
    "pulse.too_few": {"nb": "for få svar", "en": "too few answers"},
    "pulse.total_hidden": {
        "nb": "Totalen vises ikke: for få svar, eller den ville avslørt en skjult gruppe.",
        "en": "The total is not shown: too few answers, or it would reveal a hidden group.",
    },
    "pulse.by_area": {"nb": "Per tjenesteområde", "en": "By service area"},
    "pulse.by_band": {"nb": "Per aldersgruppe", "en": "By age group"},
    "pulse.no_bands": {
        "nb": "Aldersgrupper vises bare for hele organisasjonen: et område er for lite til det.",
        "en": "Age groups are shown only for the whole organisation: an area is too small.",
    },
    "pulse.unknown_area": {"nb": "Ukjent tjenesteområde", "en": "Unknown service area"},
    "pulse.trend": {
        "nb": "Stress og sosial kontakt over rundene",
        "en": "Stress and social contact over the rounds",
    },
    "pulse.rule": {
        "nb": "Grupper med færre enn {k} svar vises ikke, og heller ikke tall som ville avslørt "
        "dem. Fordelingen av svarene vises bare fra {d} svar. Bare avsluttede runder vises. "
        "Kommentarer vises aldri.",
        "en": "Groups with fewer than {k} answers are not shown, nor numbers that would reveal "
        "them. The spread of the answers is shown only from {d} answers. Only closed rounds are "
        "shown. Comments are never shown.",
    },
    "pulse.csv": {"nb": "Last ned som CSV", "en": "Download as CSV"},
    "pulse.not_allowed": {
        "nb": "Pulsen er for tillitsvalgte, verneombud og HR. Spør HR hvis du mener du skal ha "
        "tilgang.",
        "en": "The pulse is for union and safety representatives and HR. Ask HR if you think "
        "you should have access.",
    },
    "pulse.link_expired": {
        "nb": "Denne lenken virker ikke lenger. En nedlastingslenke virker bare én gang og i 15 "
        "minutter. Gå tilbake til chatten med hjemmekontor-boten i Teams og trykk «Last ned som "
        "CSV» på pulskortet igjen, eller skriv «puls». Da får du en ny lenke.",
        "en": "This link no longer works. A download link works only once and for 15 minutes. "
        "Go back to the chat with the home-office bot in Teams and press “Download as CSV” on "
        "the pulse card again, or type “pulse”. You will get a new link.",
    },
    # -- mine data / slett mine data (cards/data_rights.py) ---------------------------------
    "data.title": {"nb": "Dine data", "en": "Your data"},
    "data.link_expired": {
        "nb": "Denne lenken virker ikke lenger. En nedlastingslenke virker bare én gang og i 15 "
        "minutter. Gå tilbake til chatten med hjemmekontor-boten i Teams og trykk «Last ned alt "
        "(JSON)» på kortet «Dine data» igjen, eller skriv «mine data». Da får du en ny lenke.",
        "en": "This link no longer works. A download link works only once and for 15 minutes. "
        "Go back to the chat with the home-office bot in Teams and press “Download everything "
        "(JSON)” on the “Your data” card again, or type “my data”. You will get a new link.",
    },
    "data.intro": {
        "nb": "Dette er lagret om deg. Last ned alt som JSON for å se hver detalj.",
        "en": "This is stored about you. Download everything as JSON to see every detail.",
    },
    "data.profile": {"nb": "Profil og språkvalg", "en": "Profile and language"},
    "data.yes": {"nb": "ja", "en": "yes"},
    "data.checkins": {"nb": "Innsjekker", "en": "Check-ins"},
    "data.consent": {"nb": "Lederen kan få vite om", "en": "Your leader may hear of"},
    "data.agreement": {"nb": "Hjemmekontoravtale", "en": "Home-office agreement"},
    "data.versions": {"nb": "{n} innsendte versjoner", "en": "{n} submitted versions"},
    "data.followups": {"nb": "Oppfølginger fra lederen", "en": "Follow-ups by your leader"},
    "data.not_here": {
        "nb": "Organisasjonskatalogen (navn, leder, tjenesteområde) kommer fra HR og rettes "
        "der. Anonyme tall i pulsen kan ikke knyttes til deg.",
        "en": "The organisation directory (name, leader, service area) comes from HR and is "
        "corrected there. Anonymous numbers in the pulse cannot be linked to you.",
    },
    "data.download": {"nb": "Last ned alt (JSON)", "en": "Download everything (JSON)"},
    "download.ready": {
        "nb": "Lenken er klar. Den virker én gang og i 15 minutter; trykk «Ny lenke» for en ny.",
        "en": "The link is ready. It works once and for 15 minutes; press “New link” for another.",
    },
    "download.again": {"nb": "Ny lenke", "en": "New link"},
    "data.delete.button": {"nb": "Slett mine data", "en": "Delete my data"},
    "data.delete.title": {"nb": "Slette dataene dine?", "en": "Delete your data?"},
    "data.delete.what": {
        "nb": "Dette sletter svarene dine, innstillingene, hjemmekontoravtalen med alle "
        "versjoner, oppfølginger og samtalen med meg. Det kan ikke angres. Anonyme tall i "
        "pulsen beholdes, men kan ikke knyttes til deg.",
        "en": "This deletes your answers, your settings, the home-office agreement with every "
        "version, follow-ups and our conversation. It cannot be undone. Anonymous numbers in "
        "the pulse stay, but cannot be linked to you.",
    },
    "data.delete.yes": {"nb": "Ja, slett alt", "en": "Yes, delete everything"},
    "data.delete.no": {"nb": "Nei, behold", "en": "No, keep it"},
    "data.deleted.title": {"nb": "Slettet", "en": "Deleted"},
    "data.deleted": {
        "nb": "Alt om deg er slettet, også {checkins} innsjekker.",
        "en": "Everything about you is deleted, including {checkins} check-ins.",
    },
    "data.deleted.kept": {
        "nb": "Skriver du til meg igjen, lagrer jeg bare det jeg trenger for å svare deg.",
        "en": "If you write to me again, I keep only what I need to answer you.",
    },
    "data.kept": {"nb": "Ingenting er slettet.", "en": "Nothing was deleted."},
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

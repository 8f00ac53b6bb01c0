"""Every visible text of the site in English and French, plus date phrasing."""

from __future__ import annotations

import datetime as dt

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "sign_in": "Sign in",
        "email": "Email or phone",
        "password": "Password",
        "wrong_login": "Wrong email or password. Try again.",
        "home": "Home",
        "primary_nav": "Primary Navigation",
        "my_network": "My Network",
        "messaging": "Messaging",
        "me": "Me",
        "search": "Search",
        "view_profile": "View profile",
        "start_post": "Start a post",
        "birthdays": "Birthdays",
        "birthdays_intro": "Celebrate your connections' birthdays",
        "message": "Message",
        "message_to": "Message {name}",
        "connect": "Connect",
        "connect_to": "Invite {name} to connect",
        "follow": "Follow",
        "follow_to": "Follow {name}",
        "more": "More",
        "more_actions": "More actions",
        "photo_of": "Photo of {name}",
        "bday_today": "Birthday today",
        "bday_yesterday": "Birthday yesterday",
        "bday_days": "Birthday {n} days ago",
        "bday_on": "Birthday on {date}",
        "send": "Send",
        "close": "Close",
        "close_conv": "Close your conversation with {name}",
        "write_message": "Write a message…",
        "you": "You",
        "about": "About",
        "experience": "Experience",
        "education": "Education",
        "skills": "Skills",
        "languages": "Languages",
        "present": "Present",
        "open_to_work": "Open to work",
        "also_viewed": "People also viewed",
        "deg1": "1st",
        "deg2": "2nd",
        "deg3": "3rd",
        "degree_label": "{deg} degree connection",
        "results": "Search results",
        "no_results": "No results found",
        "next": "Next",
        "show_more": "Show more",
        "pagination": "Pagination",
        "previous": "Previous",
        "page_n": "Page {n}",
        "promoted": "Promoted",
        "pymk": "People you may know",
        "view_full_profile": "View {name}'s profile",
        "sent_invitations": "Sent invitations",
        "people": "People",
        "withdraw": "Withdraw",
        "withdraw_title": "Withdraw invitation",
        "withdraw_body": "If you withdraw now, you won't be able to resend to {name} for up to 3 weeks.",
        "cancel": "Cancel",
        "dismiss": "Dismiss",
        "sent_today": "Sent today",
        "sent_ago": "Sent {n} {unit} ago",
        "day": "day",
        "days": "days",
        "week": "week",
        "weeks": "weeks",
        "month": "month",
        "months": "months",
        "year": "year",
        "years": "years",
        "no_invitations": "No pending invitations",
        "checkpoint_title": "Check your email",
        "checkpoint_body": "We sent a verification code to your email. Enter it below to continue.",
        "pin": "Enter code",
        "submit": "Submit",
        "pin_sms_title": "Check your phone",
        "pin_sms_body": "We sent a verification code by text message to your phone number ending in 42. Enter it below to continue.",
        "app_title": "Check your LinkedIn app",
        "app_body": "We sent a notification to your signed-in devices. Open the LinkedIn app and tap Yes to confirm it's you.",
        "try_another_way": "Try another way",
        "choose_title": "Choose a verification method",
        "method_pin_email": "Get a code by email",
        "method_pin_sms": "Get a code by text message (SMS)",
        "continue": "Continue",
        "wrong_pin": "The verification code you entered isn't valid. Check the code and try again.",
        "too_many_pins": "Too many wrong codes. Sign in again.",
        "captcha_title": "Let's do a quick security check",
        "restricted_title": "Your account has been restricted",
        "restricted_body": "We've restricted your account because we noticed unusual activity.",
        "invite_limit": "You've reached the weekly invitation limit",
        "authwall_title": "Join LinkedIn to see this profile",
        "not_found": "This page doesn't exist",
        "server_error": "Something went wrong. Please try again.",
        "feed_post": "{name} shared an update",
        "identity_views": "Profile viewers",
        "pending_invites": "{n} pending",
    },
    "fr": {
        "sign_in": "S’identifier",
        "email": "E-mail ou téléphone",
        "password": "Mot de passe",
        "wrong_login": "E-mail ou mot de passe incorrect. Réessayez.",
        "home": "Accueil",
        "primary_nav": "Navigation principale",
        "my_network": "Réseau",
        "messaging": "Messagerie",
        "me": "Vous",
        "search": "Recherche",
        "view_profile": "Voir le profil",
        "start_post": "Commencer un post",
        "birthdays": "Anniversaires",
        "birthdays_intro": "Souhaitez l’anniversaire de vos relations",
        "message": "Message",
        "message_to": "Envoyer un message à {name}",
        "connect": "Se connecter",
        "connect_to": "Inviter {name} à rejoindre votre réseau",
        "follow": "Suivre",
        "follow_to": "Suivre {name}",
        "more": "Plus",
        "more_actions": "Plus d’actions",
        "photo_of": "Photo de {name}",
        "bday_today": "Anniversaire aujourd’hui",
        "bday_yesterday": "Anniversaire hier",
        "bday_2days": "Anniversaire avant-hier",
        "bday_days": "Anniversaire il y a {n} jours",
        "bday_on": "Anniversaire le {date}",
        "send": "Envoyer",
        "close": "Fermer",
        "close_conv": "Fermer votre conversation avec {name}",
        "write_message": "Écrivez un message…",
        "you": "Vous",
        "about": "Infos",
        "experience": "Expérience",
        "education": "Formation",
        "skills": "Compétences",
        "languages": "Langues",
        "present": "aujourd’hui",
        "open_to_work": "En recherche",
        "also_viewed": "Autres profils consultés",
        "deg1": "1er",
        "deg2": "2e",
        "deg3": "3e",
        "degree_label": "Relation de {deg} niveau",
        "results": "Résultats de recherche",
        "no_results": "Aucun résultat",
        "next": "Suivant",
        "show_more": "Afficher plus",
        "pagination": "Pagination",
        "previous": "Précédent",
        "page_n": "Page {n}",
        "promoted": "Sponsorisé",
        "pymk": "Personnes que vous pourriez connaître",
        "view_full_profile": "Voir le profil de {name}",
        "sent_invitations": "Invitations envoyées",
        "people": "Personnes",
        "withdraw": "Retirer",
        "withdraw_title": "Retirer l’invitation",
        "withdraw_body": "Si vous retirez cette invitation, vous ne pourrez pas en renvoyer à {name} pendant 3 semaines.",
        "cancel": "Annuler",
        "dismiss": "Ignorer",
        "sent_today": "Envoyée aujourd’hui",
        "sent_ago": "Envoyée il y a {n} {unit}",
        "day": "jour",
        "days": "jours",
        "week": "semaine",
        "weeks": "semaines",
        "month": "mois",
        "months": "mois",
        "year": "an",
        "years": "ans",
        "no_invitations": "Aucune invitation en attente",
        "checkpoint_title": "Vérifiez votre adresse e-mail",
        "checkpoint_body": "Nous avons envoyé un code de vérification à votre adresse e-mail. Saisissez-le ci-dessous.",
        "pin": "Saisissez le code",
        "submit": "Valider",
        "pin_sms_title": "Vérifiez votre téléphone",
        "pin_sms_body": "Nous avons envoyé un code de vérification par SMS à votre numéro se terminant par 42. Saisissez-le ci-dessous.",
        "app_title": "Vérifiez votre application LinkedIn",
        "app_body": "Nous avons envoyé une notification à vos appareils connectés. Ouvrez l’application LinkedIn et appuyez sur Oui pour confirmer.",
        "try_another_way": "Essayer une autre méthode",
        "choose_title": "Choisissez une méthode de vérification",
        "method_pin_email": "Recevoir un code par e-mail",
        "method_pin_sms": "Recevoir un code par SMS",
        "continue": "Continuer",
        "wrong_pin": "Le code de vérification saisi n’est pas valide. Vérifiez le code et réessayez.",
        "too_many_pins": "Trop de codes erronés. Identifiez-vous à nouveau.",
        "captcha_title": "Effectuons une rapide vérification de sécurité",
        "restricted_title": "Votre compte a été restreint",
        "restricted_body": "Nous avons restreint votre compte car nous avons remarqué une activité inhabituelle.",
        "invite_limit": "Vous avez atteint la limite hebdomadaire d’invitations",
        "authwall_title": "Rejoignez LinkedIn pour voir ce profil",
        "not_found": "Cette page n’existe pas",
        "server_error": "Une erreur s’est produite. Veuillez réessayer.",
        "feed_post": "{name} a partagé une actualité",
        "identity_views": "Vues du profil",
        "pending_invites": "{n} en attente",
    },
}


class Texts:
    def __init__(self, language: str) -> None:
        self.language = language
        self.table = TEXTS[language]

    def __call__(self, key: str, **values: object) -> str:
        return self.table[key].format(**values)

    def short_date(self, day: dt.date) -> str:
        """ "Nov 20" / "20 nov." as on the birthday page."""
        if self.language == "fr":
            return f"{day.day} {MONTHS_FR[day.month - 1]}"
        return f"{MONTHS_EN[day.month - 1]} {day.day}"

    def month_year(self, year: int, month: int) -> str:
        names = MONTHS_FR if self.language == "fr" else MONTHS_EN
        return f"{names[month - 1]} {year}"

    def birthday_status(self, days_ago: int, day: dt.date) -> str:
        if days_ago == 0:
            return self("bday_today")
        if days_ago == 1:
            return self("bday_yesterday")
        if days_ago == 2 and self.language == "fr":
            return self("bday_2days")
        if days_ago <= 6:
            return self("bday_days", n=days_ago)
        if self.language == "fr":
            return self("bday_on", date=f"{day.day} {MONTHS_FR[day.month - 1]}")
        return self("bday_on", date=self.short_date(day))

    def sent_ago(self, days: int) -> str:
        if days <= 0:
            return self("sent_today")
        for size, unit in ((365, "year"), (30, "month"), (7, "week"), (1, "day")):
            if days >= size:
                n = days // size
                return self("sent_ago", n=n, unit=self(unit if n == 1 else unit + "s"))
        raise AssertionError("unreachable")

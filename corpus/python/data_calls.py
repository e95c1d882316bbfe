"""Locales and CA paths, on python3-debian13 (locales: C.utf8 only)."""
import locale
import os
import ssl
from locale import LC_TIME, setlocale
from zoneinfo import ZoneInfo


def locales():
    locale.setlocale(locale.LC_ALL, "en_US.UTF-8")  # expect: DL502/error
    setlocale(LC_TIME, ("de_DE", "UTF-8"))  # expect: DL502
    locale.setlocale(locale.LC_NUMERIC, locale="fr_FR.utf8")  # expect: DL502


def locales_ok(name):
    locale.setlocale(locale.LC_ALL, "")  # ok: LANG=C.UTF-8
    locale.setlocale(locale.LC_ALL, "C.UTF-8")  # ok: the base has /usr/lib/locale/C.utf8
    locale.setlocale(locale.LC_ALL, "POSIX")  # ok: built in
    locale.setlocale(locale.LC_ALL, name)  # ok: not known statically
    return locale.setlocale(locale.LC_ALL)  # ok: only asks


def certificates():
    ssl.create_default_context(capath="/etc/ssl/certs")  # expect: DL504/warning
    for name in os.listdir("/etc/pki/tls/certs/"):  # expect: DL504
        print(name)
    ssl.create_default_context(cafile="/usr/lib/ssl/cert.pem")  # expect: DL505/warning
    return "/usr/local/share/ca-certificates/"  # expect: DL505


def certificates_ok():
    ssl.create_default_context()  # ok: SSL_CERT_FILE names the bundle
    ssl.create_default_context(cafile="/etc/ssl/certs/ca-certificates.crt")  # ok: the bundle
    return "see /etc/ssl/certs for the bundle"  # ok: prose, not a path


def time_zones_ok():
    # python3-debian13 has /usr/share/zoneinfo and tzdata-legacy.
    return ZoneInfo("Europe/Paris"), ZoneInfo("US/Pacific")  # ok: zone data present

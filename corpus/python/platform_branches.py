"""Code a platform test rules out never runs on a Linux base, and is not reported.

The Windows and macOS paths that libraries keep beside the Linux one are
silent; the Linux path, and code under tests that are not about the
platform, are reported as usual.
"""
import ctypes
import os
import platform
import subprocess
import sys
import sys as _sys
from os import name as os_name
from sys import platform as PLATFORM

from twisted.python import runtime

WINDOWS = sys.platform.startswith("win") or (sys.platform == "cli" and os.name == "nt")
MACOS = PLATFORM == "darwin"
POSIX = os.name == "posix"
DEBUG = False


def enable_ansi_colours():
    if sys.platform == "win32":
        os.system("")  # ok: Windows only


def clear_screen():
    if os.name == "nt":
        os.system("cls")  # ok: Windows only
    else:
        os.system("clear")  # expect: DL201, DL301


def open_console():
    if _sys.platform in ("win32", "cygwin"):
        return ctypes.CDLL("kernel32")  # ok: Windows only
    elif platform.system() == "Darwin":
        return subprocess.run(["open", "-a", "Terminal"])  # ok: macOS only
    elif platform.system().lower() == "linux":
        return subprocess.run(["xterm"])  # expect: DL301
    else:
        return subprocess.run("start cmd", shell=True)  # ok: never reached on Linux


def through_names(cmd):
    if WINDOWS:
        subprocess.call(cmd, shell=True)  # ok: Windows only
    if MACOS:
        os.system("say done")  # ok: macOS only
    if not POSIX:
        os.popen("ver")  # ok: not POSIX
    if os_name != "posix" and cmd:
        os.system(cmd)  # ok: an `and` with a false platform test
    if sys.platform != "win32":
        os.system(cmd)  # expect: DL201


def shell_flag_from_the_platform(code):
    python = [sys.executable, "-c", code]
    # False on Linux, so the call does not start a shell.
    subprocess.run(python, shell=sys.platform == "win32")
    subprocess.run(python, shell=os.name != "posix")
    # True on Linux.
    subprocess.run(python, shell=not WINDOWS)  # expect: DL202


def bound_only_where_it_runs(code):
    if WINDOWS:
        use_shell = True
    else:
        use_shell = False
    subprocess.run([sys.executable, "-c", code], shell=use_shell)


def conditional_expressions(name, code):
    finder = "where" if os.name == "nt" else "which"
    subprocess.run([finder, name])  # expect: DL301
    subprocess.run(["py" if WINDOWS else sys.executable, "-c", code])
    subprocess.run([sys.executable, "-c", code], shell=True if WINDOWS else False)
    subprocess.run([sys.executable, "-c", code], shell=True if name else False)  # expect: DL202


def not_about_the_platform(cmd, verbose):
    if DEBUG:
        os.system(cmd)  # expect: DL201
    if verbose or sys.platform == "win32":
        os.system(cmd)  # expect: DL201
    if sys.platform.startswith(cmd):
        os.system(cmd)  # expect: DL201
    if sys.version_info < (3, 8):
        os.system(cmd)  # expect: DL201


def twisted_kill(pid):
    # Twisted applications ask the platform through twisted.python.runtime.
    if runtime.platformType == "win32":
        subprocess.run(["TASKKILL", "/PID", str(pid)])  # ok: Windows only
    else:
        subprocess.run(["kill", str(pid)])  # expect: DL301


def ca_directory():
    # The query rules (here DL505, a CA path) skip ruled-out code too.
    if sys.platform == "darwin":
        return "/usr/local/share/ca-certificates/"  # ok: macOS only
    return "/usr/local/share/ca-certificates/"  # expect: DL505

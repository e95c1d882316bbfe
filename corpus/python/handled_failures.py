"""Failures the code already handles, on python3-debian13: no /bin/sh, no
tesseract, git, gs, bash or libmagic. A handled failure is still reported,
at info, saying what happens instead; a handler or guard that raises anyway
handles nothing."""
import ctypes
import ctypes.util
import locale
import os
import shutil
import subprocess
import sys
from pathlib import Path
from shutil import which

TOOLS = (FileNotFoundError, PermissionError)


def log(*args):
    return args


# A handler that catches what the call raises and carries on.


def caught_by_the_class_itself(image):
    try:
        subprocess.run(["tesseract", image])  # expect: DL301/info
    except FileNotFoundError:  # ok: the handler
        return None


def caught_by_a_base_class_or_an_old_name(image):
    try:
        subprocess.run(["tesseract", image])  # expect: DL301/info
    except OSError:  # ok: the handler
        pass
    try:
        return subprocess.check_output(["git", "describe"])  # expect: DL301/info
    except Exception:  # ok: the handler
        log("no version")
    try:
        subprocess.run(["git", "status"])  # expect: DL301/info
    except EnvironmentError as error:  # ok: OSError's old name
        log(error)
    try:
        subprocess.run(["git", "status"])  # expect: DL301/info
    except (ValueError, IOError):  # ok: a tuple holding one
        pass
    try:
        subprocess.run(["git", "status"])  # expect: DL301/info
    except TOOLS:  # ok: a tuple through a name
        pass
    try:
        subprocess.run(["git", "status"])  # expect: DL301/info
    except:  # noqa: E722  # ok: a bare except
        pass
    try:
        subprocess.run(["git", "status"])  # expect: DL301/info
    except* OSError:  # ok: except* too
        pass


def caught_in_a_loop(images):
    for image in images:
        try:
            subprocess.run(["tesseract", image])  # expect: DL301/info
        except OSError:  # ok: the handler
            continue


# Handlers that catch something else.


def the_wrong_exception(image):
    try:
        subprocess.run(["tesseract", image], check=True)  # expect: DL301/error
    except subprocess.SubprocessError:  # ok: FileNotFoundError is not one
        pass
    try:
        subprocess.run(["tesseract", image], check=True)  # expect: DL301/error
    except subprocess.CalledProcessError:  # ok: nor this
        pass
    try:
        subprocess.run(["tesseract", image])  # expect: DL301/error
    except PermissionError:  # ok: a sibling class
        pass
    try:
        subprocess.run(["tesseract", image])  # expect: DL301/error
    finally:  # ok: finally catches nothing
        log("done")


# Handlers that raise anyway.


def raised_again(image, verbose):
    try:
        subprocess.run(["tesseract", image])  # expect: DL301/error
    except FileNotFoundError:  # ok: the handler
        raise
    try:
        subprocess.run(["tesseract", image])  # expect: DL301/error
    except FileNotFoundError as error:  # ok: the handler
        raise RuntimeError("tesseract is required") from error
    try:
        subprocess.run(["tesseract", image])  # expect: DL301/error
    except OSError:  # ok: the handler
        log("no tesseract")
        sys.exit(1)
    try:
        subprocess.run(["tesseract", image])  # expect: DL301/error
    except OSError as error:  # ok: the handler
        if verbose:
            raise
        else:
            raise SystemExit(2) from error
    try:
        subprocess.run(["tesseract", image])  # expect: DL301/error
    except OSError as error:  # ok: the handler
        raise error


def raised_again_and_handled_outside(image):
    try:
        try:
            subprocess.run(["tesseract", image])  # expect: DL301/info
        except FileNotFoundError:  # ok: the inner handler
            raise RuntimeError("no tesseract")
    except RuntimeError:  # ok: the outer handler
        return None


def handled_by_an_enclosing_try(image):
    try:
        try:
            subprocess.run(["tesseract", image])  # expect: DL301/info
        except ValueError:  # ok: not this one
            pass
    except OSError:  # ok: this one
        pass


# Code in a handler, `else` or `finally` is not protected by its own try.


def code_in_the_handler_itself():
    try:
        import pytesseract  # noqa: F401  # ok: not a call
    except ImportError:  # ok: the handler
        subprocess.run(["tesseract", "--version"])  # expect: DL301/error
    try:
        log("load")
    except OSError:  # ok: the handler
        subprocess.run(["git", "status"])  # expect: DL301/error
    else:
        subprocess.run(["git", "log"])  # expect: DL301/error
    finally:
        subprocess.run(["git", "gc"])  # expect: DL301/error
    try:
        log("load")
    except OSError:  # ok: the handler
        try:
            subprocess.run(["git", "status"])  # expect: DL301/info
        except OSError:  # ok: its own try
            pass


def code_that_runs_later(programs):
    try:

        def run():
            subprocess.run(["git", "status"])  # expect: DL301/error

        later = lambda: subprocess.run(["git", "log"])  # noqa: E731  # expect: DL301/error
        now = [subprocess.check_output([p]) for p in programs]  # expect: DL302/info
    except OSError:  # ok: the handler
        return run, later, now


# Guards that test the same program first.


def guarded(image, tool):
    if shutil.which("tesseract"):  # expect: DL303/info
        subprocess.run(["tesseract", image])  # expect: DL301/info
    if which("tesseract") is not None:  # expect: DL303/info
        subprocess.run(["tesseract", image])  # expect: DL301/info
    if not shutil.which("gs"):  # expect: DL303/info
        log("no ghostscript")  # ok: what runs instead
    else:
        subprocess.run(["gs", image])  # expect: DL301/info
    tess = shutil.which("tesseract")  # expect: DL303/info
    if tess:  # ok: the test of the lookup's result
        subprocess.run([tess, image])  # expect: DL301/info
    if os.path.exists(tool):  # ok: a test of a name
        subprocess.run([tool, image])  # expect: DL302/info
    if os.access("/usr/bin/convert", os.X_OK):  # ok: a test of a path
        subprocess.run(["/usr/bin/convert", image])  # expect: DL301/info
    if Path("/usr/bin/pdftotext").exists() and image:  # ok: a test of a path
        subprocess.run(["/usr/bin/pdftotext", image])  # expect: DL301/info
    if shutil.which("bash"):  # expect: DL303/info
        subprocess.run(["bash", "-c", "make"])  # expect: DL203/info


def returns_early(image):
    if not shutil.which("tesseract"):  # expect: DL303/info
        return None  # ok: what runs instead
    subprocess.run(["tesseract", image])  # expect: DL301/info


def skips_in_a_loop(images):
    for image in images:
        if shutil.which("tesseract") is None:  # expect: DL303/info
            continue  # ok: what runs instead
        subprocess.run(["tesseract", image])  # expect: DL301/info


# Guards that do not handle the failure.


def guard_on_another_program(image):
    if shutil.which("convert"):  # expect: DL303/info
        subprocess.run(["tesseract", image])  # expect: DL301/error


def guard_that_raises_when_absent(image):
    if not shutil.which("tesseract"):  # expect: DL303/info
        raise RuntimeError("install tesseract")
    subprocess.run(["tesseract", image])  # expect: DL301/error
    if shutil.which("git"):  # expect: DL303/info
        subprocess.run(["git", "status"])  # expect: DL301/error
    else:
        sys.exit("git is required")


def guard_that_does_not_leave(image):
    if not shutil.which("tesseract"):  # expect: DL303/info
        log("no tesseract")
    subprocess.run(["tesseract", image])  # expect: DL301/error


def guard_in_a_function_that_runs_later(image):
    if shutil.which("tesseract"):  # expect: DL303/info

        def run():
            subprocess.run(["tesseract", image])  # expect: DL301/error

        return run
    return None


# The shell: os.system raises nothing, so only a guard on the shell handles it.


def shell(cmd):
    try:
        subprocess.run(cmd, shell=True)  # expect: DL202/info
    except FileNotFoundError:  # ok: the handler
        pass
    try:
        os.system("echo hello")  # expect: DL201/error
    except OSError:  # ok: os.system raises nothing
        pass
    try:
        # The shell's absence is caught; tesseract's, through a shell, is
        # its exit status 127.
        subprocess.run("tesseract a.png out", shell=True)  # expect: DL202/info, DL301/error
    except OSError:  # ok: the handler
        pass
    if os.path.exists("/bin/sh"):  # ok: a test of a path
        os.system("echo hello")  # expect: DL201/info
    if shutil.which("convert"):  # expect: DL303/info
        # Skipped while convert is absent, broken once it is copied in.
        os.system("convert a.png b.jpg")  # expect: DL201/error, DL301/info


# Libraries and locales.


def libraries():
    try:
        ctypes.CDLL("libmagic.so.1")  # expect: DL401/info
    except OSError:  # ok: the handler
        log("no libmagic")
    try:
        ctypes.CDLL("libmagic.so.1")  # expect: DL401/error
    except ImportError:  # ok: not what CDLL raises
        pass
    if os.path.exists("/usr/lib/x86_64-linux-gnu/libmagic.so.1"):  # ok: a test of a path
        ctypes.CDLL("/usr/lib/x86_64-linux-gnu/libmagic.so.1")  # expect: DL401/info
    path = ctypes.util.find_library("magic")  # expect: DL402/info
    if path:  # ok: the test of the lookup's result
        return ctypes.CDLL(path)  # ok: not known statically
    return ctypes.util.find_library("zbar")  # expect: DL402/warning


def locales():
    try:
        locale.setlocale(locale.LC_ALL, "de_DE.UTF-8")  # expect: DL502/info
    except locale.Error:  # ok: the usual fallback
        locale.setlocale(locale.LC_ALL, "C")  # ok: built in
    try:
        locale.setlocale(locale.LC_ALL, "fr_FR.UTF-8")  # expect: DL502/error
    except OSError:  # ok: not what setlocale raises
        pass


# Nothing missing: handled or not, nothing to report.


def nothing_missing(image):
    try:
        subprocess.run([sys.executable, "-V"])  # ok: the image's own python
    except OSError:  # ok: the handler
        pass
    if shutil.which("python3"):  # ok: ships
        subprocess.run(["python3", "-V"])  # ok: ships
    if not shutil.which("python3"):  # ok: ships
        return None  # ok: what runs instead
    try:
        ctypes.CDLL("libc.so.6")  # ok: in the cache
    except OSError:  # ok: the handler
        pass
    try:
        locale.setlocale(locale.LC_ALL, "C.UTF-8")  # ok: the base has it
    except locale.Error:  # ok: the handler
        pass
    if os.path.exists(image):  # ok: a test of a file, not a program
        log(image)  # ok: not a call the rules know
    return shutil.which(image)  # ok: a lookup of an unknown name


def install_missing_driver(backend):
    # Runs only when the dependency is not installed: a fallback for an
    # image that left it out, not what breaks there.
    if backend == "postgresql":
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            subprocess.check_call(["uv", "pip", "install", "psycopg2"])  # expect: DL301/info
    try:
        from redis import Redis  # noqa: F401
    except ModuleNotFoundError:
        subprocess.run(["/usr/local/bin/pip", "install", "redis"])  # expect: DL301/info
    try:
        import magic  # noqa: F401
    except ImportError:
        os.system("pip install python-magic")  # expect: DL201/info, DL301/info


def import_is_not_all_the_try_does(path):
    try:
        import yaml  # noqa: F401
        data = open(path).read()  # ok: not a call the rules know
    except ImportError:
        subprocess.check_call(["uv", "pip", "install", "pyyaml"])  # expect: DL301/error
    try:
        import lxml  # noqa: F401
    except ValueError:
        subprocess.check_call(["uv", "pip", "install", "lxml"])  # expect: DL301/error
    return data


def not_an_import_fallback():
    try:
        import pytesseract  # noqa: F401  # ok: not a call
    except ImportError:  # ok: the handler
        return log("no pytesseract")  # ok: not a call the rules know
    try:
        import ujson as json  # noqa: F401  # ok: not a call
    except ImportError:  # ok: the handler
        import json  # noqa: F401  # ok: not a call
    return sys.executable  # ok: not a call

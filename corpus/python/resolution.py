"""Every way a call reaches a process-starting function."""
import functools
import importlib
import os
import shutil
import subprocess
import subprocess as sp
from functools import partial
from os import *
from subprocess import check_call as cc
from sys import executable

import asyncio.subprocess

USE_SHELL = True
GIT = "git"
CMD = ["rsync", "-a", "src/", "dst/"]
OPTS = {"shell": True}


def aliases(cmd):
    sp.check_output(["git", "rev-parse", "HEAD"])  # expect: DL301
    cc(["make"])  # expect: DL301
    system("reboot")  # expect: DL201, DL301
    popen(cmd)  # expect: DL201


async def attribute_chain():
    await asyncio.subprocess.create_subprocess_exec("git")  # expect: DL301


def dynamic_imports(cmd):
    importlib.import_module("os").system("ls")  # expect: DL201, DL301
    m = importlib.import_module("subprocess")
    m.call("ls", shell=True)  # expect: DL202, DL301
    __import__("subprocess").call(["git"])  # expect: DL301
    __import__("os.path").system(cmd)  # expect: DL201
    getattr(os, "system")("date")  # expect: DL201, DL301
    run_it = getattr(subprocess, "run")
    run_it(["ls"])  # expect: DL301


def partials(cmd):
    sh = functools.partial(subprocess.run, shell=True)
    sh("ls -l")  # expect: DL202, DL301
    git = partial(subprocess.check_output, ["git", "log"])
    git()  # expect: DL301
    quiet_git = partial(git, stderr=subprocess.DEVNULL)
    quiet_git()  # expect: DL301
    functools.partial(subprocess.run, shell=True)(cmd)  # expect: DL202
    return partial(subprocess.Popen, shell=True)  # expect: DL202


def constants(cmd, kwargs):
    subprocess.call(cmd, shell=USE_SHELL)  # expect: DL202
    subprocess.run([GIT, "fetch"])  # expect: DL301
    subprocess.run(CMD)  # expect: DL301
    subprocess.run(cmd, **OPTS)  # expect: DL202
    subprocess.run(cmd, **{"shell": True})  # expect: DL202
    subprocess.run(["ls"], **kwargs)  # expect: DL202/warning, DL301
    local_cmd = ["svn", "update"]
    subprocess.run(local_cmd)  # expect: DL301
    subprocess.run([executable, "-V"])  # ok: sys.executable imported by name


try:
    import subprocess32 as subproc
except ImportError:
    import subprocess as subproc

try:
    from shutil import which
except ImportError:
    which = None


def fallbacks():
    subproc.run(["git"])  # expect: DL301
    which("git")  # expect: DL303


def setup_runner():
    global runner
    import subprocess as runner


def use_runner():
    runner.run(["ls"])  # expect: DL301


def outer():
    import subprocess as inner_sp

    def inner():
        inner_sp.run("ls", shell=True)  # expect: DL202, DL301

    return inner


def late():
    later_sp.run(["ls"])  # expect: DL301


import subprocess as later_sp  # noqa: E402


def expressions(cmds, x, path, args):
    f = lambda c: os.system(c)  # expect: DL201
    [os.system(c) for c in cmds]  # expect: DL201
    os.system(f"git {x}")  # expect: DL201, DL301
    subprocess.call("rm -rf %s" % path, shell=True)  # expect: DL202, DL301
    os.system("tar " + args)  # expect: DL201, DL301
    os.popen("{} x".format(x))  # expect: DL201
    if (found := shutil.which("git")):  # expect: DL303/info
        return found
    subprocess.run(  # expect: DL301
        ["git", "status"],
        check=True,
    )
    return f


class Deploy:
    run = subprocess.run

    def push(self):
        self.run(["git", "push"])  # ok: attribute of self, not resolved
        subprocess.run(["git", "push"])  # expect: DL301


def programs_from_the_environment(video):
    # The default runs unless the operator sets the variable.
    subprocess.run([os.getenv("FFMPEG_BINARY", "ffmpeg"), "-i", video])  # expect: DL301
    convert = os.environ.get("CONVERT", default="convert")
    subprocess.run([convert, video])  # expect: DL301
    subprocess.run([os.getenv("PYTHON", "python3"), "-V"])  # ok: the default ships
    subprocess.run([os.getenv("FFPROBE"), video])  # expect: DL302/info
    subprocess.run([os.environ.get("TOOL", executable), "-V"])  # expect: DL302/info

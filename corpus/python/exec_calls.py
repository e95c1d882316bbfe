"""Every call that starts a program, on python3-debian13."""
import asyncio
import asyncio.subprocess
import distutils.spawn
import os
import posix
import pty
import shlex
import shutil
import subprocess
import sys

import setuptools._distutils.spawn


def subprocess_programs(cmd, prog, path):
    subprocess.Popen(["git", "status"])  # expect: DL301/error
    subprocess.run(["ls"])  # expect: DL301
    subprocess.call(["tail", "-f", path])  # expect: DL301
    subprocess.check_call("make")  # expect: DL301
    subprocess.check_output(args=["uname", "-r"])  # expect: DL301
    subprocess.run(("ps", "aux"))  # expect: DL301
    subprocess.run(["/usr/bin/tail", "-n1", path])  # expect: DL301
    subprocess.run(["ldd", "/usr/bin/python3"])  # expect: DL301
    subprocess.run(shlex.split("tail -f /var/log/syslog"))  # expect: DL301
    subprocess.run([shutil.which("git"), "status"])  # expect: DL301, DL303
    subprocess.run(["ls"], executable="/usr/bin/ls")  # expect: DL301
    subprocess.run(cmd)  # expect: DL302/info
    subprocess.run([prog, "--version"])  # expect: DL302
    subprocess.run(*cmd)  # expect: DL202
    subprocess.Popen(["python3"], executable=prog)  # expect: DL302


async def asyncio_programs(factory, prog):
    loop = asyncio.get_running_loop()
    await asyncio.create_subprocess_exec("git", "log")  # expect: DL301
    await asyncio.subprocess.create_subprocess_exec(prog)  # expect: DL302
    await loop.subprocess_exec(factory, "ls", "-l")  # expect: DL301
    await loop.subprocess_exec(factory, sys.executable, "-V")  # ok: sys.executable


def os_exec(path, args):
    os.execv("/usr/bin/git", ["git", "pull"])  # expect: DL301
    os.execve("/usr/bin/env", ["env"], {})  # expect: DL301
    os.execl("/usr/bin/make", "make")  # expect: DL301
    os.execle("/usr/bin/make", "make", {})  # expect: DL301
    posix.execv("/bin/ls", ["ls"])  # expect: DL301
    posix.execve("/bin/ls", ["ls"], {})  # expect: DL301
    os.execvp("git", ["git", "pull"])  # expect: DL301
    os.execvpe("git", ["git"], {})  # expect: DL301
    os.execlp("npm", "npm", "start")  # expect: DL301
    os.execlpe("npm", "npm", {})  # expect: DL301
    os.execv(path, args)  # expect: DL302
    os.execv(sys.executable, [sys.executable, "-m", "app"])  # ok: the image's own python


def os_spawn(args):
    os.spawnl(os.P_WAIT, "/usr/bin/git", "git")  # expect: DL301
    os.spawnle(os.P_WAIT, "/usr/bin/git", "git", {})  # expect: DL301
    os.spawnlp(os.P_WAIT, "git", "git")  # expect: DL301
    os.spawnlpe(os.P_WAIT, "git", "git", {})  # expect: DL301
    os.spawnv(os.P_NOWAIT, "/usr/bin/convert", args)  # expect: DL301
    os.spawnve(os.P_NOWAIT, "/usr/bin/convert", args, {})  # expect: DL301
    os.spawnvp(os.P_NOWAIT, "convert", args)  # expect: DL301
    os.spawnvpe(os.P_NOWAIT, "convert", args, {})  # expect: DL301
    os.spawnv(os.P_WAIT, sys.executable, [sys.executable])  # ok: the image's own python


def posix_spawn(env):
    os.posix_spawn("/usr/bin/ls", ["ls"], env)  # expect: DL301
    os.posix_spawnp("ls", ["ls"], env)  # expect: DL301
    posix.posix_spawn("/usr/bin/ls", ["ls"], env)  # expect: DL301
    posix.posix_spawnp("ls", ["ls"], env)  # expect: DL301
    os.posix_spawnp("python3", ["python3", "-V"], env)  # ok: python3 ships


def pty_and_distutils(argv):
    pty.spawn("git")  # expect: DL301
    pty.spawn(argv)  # expect: DL302
    pty.spawn([sys.executable, "-i"])  # ok: sys.executable
    distutils.spawn.spawn(["gcc", "-v"])  # expect: DL301
    setuptools._distutils.spawn.spawn(["cc", "-v"])  # expect: DL301


def lookups(name):
    shutil.which("git")  # expect: DL303/info
    shutil.which("ldd")  # expect: DL303
    distutils.spawn.find_executable("gcc")  # expect: DL303
    shutil.which("python3")  # ok: ships
    shutil.which("getent")  # ok: ships on debian13
    shutil.which(name)  # ok: which of an unknown name is not reported
    if shutil.which("docker") is None:  # expect: DL303/info
        return None


def quiet(path):
    subprocess.run(["python", "--version"])  # ok: python ships
    subprocess.run(["python3.13", "-V"])  # ok: ships
    subprocess.run(["/usr/bin/python3", "-c", "pass"])  # ok: absolute path that ships
    subprocess.run([sys.executable, "-m", "pip", "--version"])  # ok: sys.executable
    subprocess.check_call(["getconf", "ARG_MAX"])  # ok: ships on debian13
    subprocess.run(["locale"])  # ok: ships on debian13
    subprocess.Popen([sys.executable], executable=None)  # ok: executable=None is not given
    subprocess.run(args=["getent", "hosts", "localhost"])  # ok: ships
    subprocess.DEVNULL  # ok: not a call
    os.path.join("/usr/bin", "git")  # ok: not a process call
    shlex.split("git status")  # ok: splitting runs nothing
    os.getpid()  # ok


def built_argvs(args, extra):
    subprocess.check_call(["git", "clone"] + args)  # expect: DL301
    subprocess.run(["python3", "-m", "build"] + extra)  # ok: python3 ships, the tail is unknown
    subprocess.run("git status".split())  # expect: DL301
    subprocess.run("python3 -V".split())  # ok: python3 ships
    cmd = "npm ci"
    subprocess.run(cmd.split())  # expect: DL301
    subprocess.run(["./manage.py", "migrate"])  # expect: DL302
    subprocess.run([str(sys.executable), "-V"])  # ok: sys.executable through str()

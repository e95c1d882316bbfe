"""Every call that runs /bin/sh, on python3-debian13 (no shell, few programs)."""
import asyncio
import asyncio.subprocess
import commands
import os
import popen2
import posix
import pty
import subprocess


def always_shell(cmd, factory, loop):
    os.system("true")  # expect: DL201/error
    # Plain words whose program the base has: the help gives the argv.
    os.system("python3 manage.py collectstatic --noinput")  # expect: DL201/error
    subprocess.run("python3 -m compileall /app", shell=True)  # expect: DL202/error
    # Quotes and operators need the shell to mean what they say: no argv.
    subprocess.run("python3 -c 'print(1)' > out.txt", shell=True)  # expect: DL202/error
    # What the help proposes for the two plain commands passes.
    subprocess.run(["python3", "manage.py", "collectstatic", "--noinput"], check=True)  # ok: argv, python3 ships
    subprocess.run(["python3", "-m", "compileall", "/app"])  # ok: argv, python3 ships
    with open("out.txt", "w") as out:
        subprocess.run(["python3", "-c", "print(1)"], stdout=out)  # ok: the redirection as stdout=
    os.system(cmd)  # expect: DL201
    os.system("ls -l")  # expect: DL201, DL301
    os.system(command="uname -a")  # expect: DL201, DL301
    posix.system("date")  # expect: DL201, DL301
    os.popen("uname -a").read()  # expect: DL201, DL301
    os.popen(cmd)  # expect: DL201
    subprocess.getoutput("hostname")  # expect: DL201, DL301
    subprocess.getstatusoutput("cd /tmp && make")  # expect: DL201
    subprocess.getstatusoutput(cmd)  # expect: DL201
    loop.subprocess_shell(factory, "ls")  # expect: DL201, DL301
    asyncio.get_event_loop().subprocess_shell(factory, cmd="tail -f log")  # expect: DL201, DL301


async def async_shell(cmd):
    await asyncio.create_subprocess_shell("echo hi")  # expect: DL201
    await asyncio.subprocess.create_subprocess_shell(cmd)  # expect: DL201


def python2_apis(cmd):
    popen2.popen2("sort")  # expect: DL201, DL301
    popen2.popen3(cmd)  # expect: DL201
    popen2.popen4(cmd)  # expect: DL201
    popen2.Popen3(cmd)  # expect: DL201
    popen2.Popen4(cmd)  # expect: DL201
    os.popen2(cmd)  # expect: DL201
    os.popen3(cmd)  # expect: DL201
    os.popen4(cmd)  # expect: DL201
    commands.getoutput("whoami")  # expect: DL201, DL301
    commands.getstatusoutput(cmd)  # expect: DL201


def shell_true(cmd, flag):
    subprocess.run("ls -l", shell=True)  # expect: DL202/error, DL301
    subprocess.Popen(cmd, shell=True)  # expect: DL202
    subprocess.call(cmd, shell=1)  # expect: DL202
    subprocess.check_call(cmd, shell="yes")  # expect: DL202
    subprocess.check_output(cmd, shell=flag)  # expect: DL202/warning
    subprocess.Popen(cmd, -1, None, None, None, None, None, True, True)  # expect: DL202
    subprocess.run(["ls"], shell=True)  # expect: DL202, DL301
    subprocess.run("sh -c ls", shell=True)  # expect: DL202, DL203


def shell_programs(cmd):
    subprocess.run(["sh", "-c", "ls"])  # expect: DL203/error
    subprocess.run(["/bin/bash", "-c", cmd])  # expect: DL203
    subprocess.Popen("bash")  # expect: DL203
    subprocess.run(["myprog"], executable="/bin/sh")  # expect: DL203
    pty.spawn("/bin/sh")  # expect: DL203
    pty.spawn(["bash", "-l"])  # expect: DL203
    os.execv("/bin/sh", ["sh", "-c", cmd])  # expect: DL203
    os.execlp("zsh", "zsh")  # expect: DL203
    os.system("bash -c 'ls'")  # expect: DL201, DL203


def quiet(cmd):
    # os.system("ls")  ok: a comment
    subprocess.run(["python3", "-c", "print(1)"], shell=False)  # ok: argv list, python3 ships
    subprocess.run(["python3"], shell=0)  # ok: falsy shell
    subprocess.run(["python3"], shell=None)  # ok: None is false
    subprocess.run(["python3"], shell=False, **{"check": True})  # ok: the mapping has no shell
    subprocess.run(["getconf", "PAGESIZE"])  # ok: getconf ships on debian13
    os.path.exists("/bin/sh")  # ok: not a process call
    os.environ.get("SHELL", "/bin/sh")  # ok: not a process call
    subprocess.list2cmdline(["ls", "-l"])  # ok: builds a string, runs nothing
    print("os.system('ls')")  # ok: a string
    return "subprocess.run(cmd, shell=True)"  # ok: a string

"""Calls that look like process calls but are not, or that only run what
python3-debian13 ships. Nothing here may be reported."""
import asyncio
import os
import pty
import shutil
import subprocess
import sys
import threading

import click
import requests


def lookalikes(session, db, app, loop, cursor, task, pool, obj, name, fn, main):
    session.run("SELECT 1")  # ok: an object's run
    db.system("x")  # ok: an object's system
    app.popen("x")  # ok: an object's popen
    cursor.call("proc")  # ok: an object's call
    task.check_output()  # ok: an object's check_output
    pool.spawn(fn)  # ok: an object's spawn
    obj.execv("x")  # ok: an object's execv
    asyncio.run(main())  # ok: asyncio.run runs a coroutine
    loop.run_until_complete(main())  # ok: not a process call
    loop.run_in_executor(None, print)  # ok: not a process call
    threading.Thread(target=print).start()  # ok: a thread
    requests.get("https://example.com/git")  # ok: an HTTP call
    click.echo("git status")  # ok: prints text
    os.path.join("bin", "sh")  # ok: a path
    os.makedirs("/tmp/x", exist_ok=True)  # ok: a directory
    os.remove("/tmp/x")  # ok: a file
    os.kill(1, 9)  # ok: a signal
    os.environ["PATH"]  # ok: a lookup
    shutil.copy("a", "b")  # ok: a copy
    shutil.rmtree("/tmp/x")  # ok: a removal
    shutil.move("a", "b")  # ok: a move
    shutil.disk_usage("/")  # ok: a stat
    subprocess.CalledProcessError(1, ["git"])  # ok: constructing an exception
    subprocess.TimeoutExpired(["git"], 1)  # ok: constructing an exception
    subprocess.CompletedProcess(["git"], 0)  # ok: constructing a result
    isinstance(obj, subprocess.Popen)  # ok: a reference, not a call
    callable(subprocess.run)  # ok: a reference
    runners = [subprocess.run, os.system]  # ok: references in a list
    name.split()  # ok: a string method
    "ls -l".split()  # ok: a string method
    " ".join(["git", "status"])  # ok: a string method
    print("bash -c 'x'")  # ok: text
    return f"{os.system}", runners  # ok: formats a reference


def what_the_image_ships():
    subprocess.run([sys.executable, "-m", "json.tool"], check=True)  # ok: sys.executable
    subprocess.check_output([sys.executable, "--version"])  # ok: sys.executable
    subprocess.Popen([sys.executable, "-u", "worker.py"])  # ok: sys.executable
    subprocess.call([sys.executable, "setup.py", "build"])  # ok: sys.executable
    subprocess.check_call([sys.executable, "-m", "compileall", "."])  # ok: sys.executable
    os.execv(sys.executable, [sys.executable] + sys.argv)  # ok: sys.executable
    os.execl(sys.executable, sys.executable, "-V")  # ok: sys.executable
    pty.spawn(sys.executable)  # ok: sys.executable
    subprocess.run(["python3.13", "-c", "pass"])  # ok: ships
    subprocess.run(["pldd", "1"])  # ok: ships on debian13
    subprocess.run(["zdump", "UTC"])  # ok: ships on debian13
    subprocess.run(["iconv", "-l"])  # ok: ships on debian13
    subprocess.run(["localedef", "--help"])  # ok: ships on debian13
    subprocess.run(["ldconfig", "-p"])  # ok: ships on debian13 (in /usr/sbin, on PATH)
    shutil.which("locale")  # ok: ships on debian13
    shutil.which("zic")  # ok: ships on debian13
    shutil.which("python")  # ok: ships

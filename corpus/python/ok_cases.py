"""Nothing here may be reported.

The docstring mentions os.system("rm -rf /") and subprocess.run(cmd, shell=True)
and popen2.popen3("ls"), which are text, not calls.
"""
import importlib
import logging
import os
import shutil
import subprocess
import sys
from unittest import mock

# os.system("ls")  ok: in a comment
TEXT = "os.system('ls')"  # ok: in a string
DOC = """subprocess.call('git', shell=True)"""  # ok: in a string
BYTES = b"subprocess.run(['ls'])"  # ok: in bytes


class Shell:
    def system(self, command):  # ok: a method named system
        return command

    def run(self, args, shell=False):  # ok: a method named run
        return args, shell

    def popen(self):  # ok: a method named popen
        return self.system("ls")  # ok: self.system is this class's method


Shell().system("ls")  # ok: our class
s = Shell()  # ok: constructing our class
s.run(["git"], shell=True)  # ok: our object's run
s.popen()  # ok: our object's popen


def shadow_param(os):
    os.system("ls")  # ok: os is a parameter here


def shadow_local():
    subprocess = Shell()  # ok: a local shadows the module
    subprocess.run("ls", shell=True)  # ok: the local's run


def shadow_loop(runners):
    for subprocess in runners:  # ok: loop variable shadows the module
        subprocess.run("ls", shell=True)  # ok: the loop variable's run


def shadow_with(factory):
    with factory() as os:  # ok: with-target shadows the module
        os.system("ls")  # ok: the with-target's system


def shadow_except():
    try:
        pass
    except Exception as subprocess:  # ok: except-target shadows
        subprocess.run()  # ok: the exception's attribute


def run(cmd):  # ok: our own function called run
    return cmd


run(["git"])  # ok: our own run
subprocess.run(["python3", "--version"], shell=False)  # ok: python3 ships, no shell
subprocess.run([sys.executable, "-c", "print(1)"])  # ok: sys.executable
subprocess.run(args=[sys.executable], check=True)  # ok: sys.executable by keyword
subprocess.run(["python", "-V"])  # ok: python ships
subprocess.check_output(["getconf", "PAGESIZE"])  # ok: getconf ships on debian13
shutil.which("python3")  # ok: ships
os.path.exists("/bin/sh")  # ok: not a process call
os.environ.get("SHELL")  # ok: not a process call
print("subprocess.run(['git'])")  # ok: a string argument
logging.info("calling os.system now")  # ok: a string argument
mock.patch("subprocess.run")  # ok: a string naming it
mock.patch("os.system", return_value=0)  # ok: a string naming it
importlib.import_module("json").dumps({})  # ok: json is harmless
getattr(os, "getcwd")()  # ok: harmless attribute
getattr(os, sys.argv[1])  # ok: unknown attribute, not called
options = {"shell": True}  # ok: a dict alone runs nothing
subprocess.list2cmdline(["git", "status"])  # ok: builds a string
os.getcwd()  # ok
sys.exit(0)  # ok


class Runner:
    system = staticmethod(print)  # ok: a class attribute named system

    def go(self):
        self.system("ls")  # ok: our attribute


def uses_eval():
    eval("1 + 1")  # ok: eval is not a process call
    compile("x", "f", "exec")  # ok


from os import system  # noqa: E402  ok: import alone is not a call


def system(cmd):  # ok: redefinition shadows the import
    print(cmd)


system("ls")  # ok: calls our own function
